"""``python -m blemore_fast.codabench score INPUT OUTPUT``: the same as
``blemore-fast codabench score INPUT OUTPUT`` (and ``bundle``)."""

from __future__ import annotations

import sys

from ..cli import main

if __name__ == "__main__":
    sys.exit(main(["codabench", *sys.argv[1:]]))
