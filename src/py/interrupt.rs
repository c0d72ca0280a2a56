//! Long native work that Ctrl-C stops. The work runs on a helper thread with
//! the GIL released while the calling thread wakes every [`POLL`] to run
//! Python's signal handlers (`check_signals`, which only does anything on the
//! main thread). When a handler raises (KeyboardInterrupt, or whatever a
//! custom SIGINT handler raises), the work's [`Cancel`] token is set, its
//! loops stop at their next chunk, and that exception reaches the caller.

use std::sync::mpsc;
use std::time::Duration;

use pyo3::prelude::*;

use crate::core::cancel::Cancel;
use crate::core::error::Error;
use crate::py::convert::DETACH_MIN;

/// How often signals are checked while the work runs.
const POLL: Duration = Duration::from_millis(50);

/// Runs `work` with a cancellation token; from [`DETACH_MIN`] units of
/// `size` on, with the GIL released and Ctrl-C honoured within about
/// [`POLL`] plus one chunk of the work. Smaller work runs inline.
pub fn interruptible<T: Send>(
    py: Python<'_>,
    size: usize,
    work: impl FnOnce(&Cancel) -> Result<T, Error> + Send,
) -> PyResult<T> {
    let cancel = Cancel::new();
    if size < DETACH_MIN {
        return Ok(work(&cancel)?);
    }
    let (outcome, raised) = py.detach(|| {
        std::thread::scope(|scope| {
            let (done, finished) = mpsc::channel::<()>();
            let cancel = &cancel;
            let worker = scope.spawn(move || {
                let outcome = work(cancel);
                // The receiver waits for this; it cannot be gone.
                let _ = done.send(());
                outcome
            });
            let mut raised = None;
            while let Err(mpsc::RecvTimeoutError::Timeout) = finished.recv_timeout(POLL) {
                if raised.is_none() {
                    raised = Python::attach(|py| py.check_signals()).err();
                    if raised.is_some() {
                        cancel.cancel();
                    }
                }
            }
            let outcome = worker
                .join()
                .unwrap_or_else(|panic| std::panic::resume_unwind(panic));
            (outcome, raised)
        })
    });
    match (outcome, raised) {
        // The handler's exception wins, even over work that just finished.
        (_, Some(err)) => Err(err),
        (outcome, None) => Ok(outcome?),
    }
}
