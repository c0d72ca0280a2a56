"""``python -m blemore_fast.cli``: the same as the ``blemore-fast`` command."""

import sys

from . import main

sys.exit(main())
