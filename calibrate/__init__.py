"""The calibration of the few-actor methods (`make calibrate`): ``dgp`` (the
data-generating process), ``coverage`` (the run), ``table`` (the printout)."""
