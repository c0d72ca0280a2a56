"""Reading predictions and labels from every form users hold them in.

One module per kind of source:

- :mod:`~blemore_fast.inputs.files`: paths, standard input and bytes
  already read (:class:`MemoryFile`);
- :mod:`~blemore_fast.inputs.zips`: the one JSON file inside a zip, and
  the layout of an upload;
- :mod:`~blemore_fast.inputs.limits`: what every reader refuses before it
  reads it into memory (bytes, clips, long strings);
- :mod:`~blemore_fast.inputs.json_files`: JSON parsed and submission files
  read natively;
- :mod:`~blemore_fast.inputs.tables`: pandas tables and CSV files;
- :mod:`~blemore_fast.inputs.loading`: any accepted form of predictions or
  labels, to what the readers judge.

Every failure (missing, empty, not UTF-8, malformed, too large) is one
:class:`~blemore_fast.ValidationError` problem naming the file.

>>> read_json(MemoryFile("<stdin>", b'{"a": 1}'))
{'a': 1}
"""

from __future__ import annotations

# The private names other modules of the package imported from here.
from .files import FileSource, MemoryFile, file_kind, read_stdin
from .json_files import _JSON_TYPES as _JSON_TYPES
from .json_files import (
    PredictionDict,
    SubmissionShape,
    no_predictions,
    parse_json,
    read_json,
    read_native,
    read_submission_file,
    shape_problems,
    unwrap_submission,
)
from .limits import Limits, current_limits, input_limits, upload_limits
from .loading import LabelInput, load_labels, load_predictions
from .loading import is_path as _is_path  # noqa: F401
from .loading import not_predictions as _not_predictions  # noqa: F401
from .tables.long_form import (
    LONG_COLUMNS,
    METADATA_COLUMNS,
    metadata_to_labels,
    missing_columns,
    read_table,
)
from .zips import upload_layout_problems

__all__ = [
    "LONG_COLUMNS",
    "METADATA_COLUMNS",
    "FileSource",
    "LabelInput",
    "Limits",
    "MemoryFile",
    "PredictionDict",
    "SubmissionShape",
    "current_limits",
    "file_kind",
    "input_limits",
    "load_labels",
    "load_predictions",
    "metadata_to_labels",
    "missing_columns",
    "no_predictions",
    "parse_json",
    "read_json",
    "read_native",
    "read_stdin",
    "read_submission_file",
    "read_table",
    "shape_problems",
    "unwrap_submission",
    "upload_layout_problems",
    "upload_limits",
]
