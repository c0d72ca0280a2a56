"""The competition bundle: everything Codabench needs to run the challenge.

The layout and fields follow what Codabench reads, in codalab/codabench:

- ``src/apps/competitions/tasks.py`` (``unpack_competition``): the zip's
  root holds ``competition.yaml``, read with ``yaml.safe_load``; ``version:
  2`` picks the v2 unpacker.
- ``src/apps/competitions/unpackers/v2.py`` and ``base_unpacker.py``:
  ``title``, ``image`` (the logo file) and ``terms`` (a non-empty file) are
  required, ``pages`` is a list of non-empty files, every task needs an
  ``index``, a ``name`` and a ``scoring_program``, every phase its ``tasks``
  and a ``start`` (``_set_phase_statuses`` compares it with now), and
  ``leaderboards`` is required; a folder given as a path is zipped
  (``utils.zip_if_directory``).
- ``src/apps/api/serializers/leaderboards.py`` and
  ``src/apps/leaderboards/models.py``: a leaderboard needs ``title`` (at
  most 64 characters), ``key`` and at least one column; columns need
  ``title`` (at most 36), ``key`` (at most 36) and ``index``, all unique;
  ``sorting`` is ``desc`` or ``asc``; ``precision`` is an integer.
- ``documentation/docs/Organizers/Benchmark_Creation/Yaml-Structure.md`` and
  ``Competition-Bundle-Structure.md``: the same fields, documented;
  ``enable_detailed_results: true`` shows ``detailed_results.html``.

The bundle (:func:`build_bundle`)::

    competition.yaml          version 2: one phase, one task, one leaderboard
    logo.png, terms.md, pages/overview.md, pages/evaluation.md
    scoring_program/          metadata.yaml (the command) and score.py
    reference_data/           labels.csv (the hidden labels), train_labels.csv (optional)
    Dockerfile                the scoring image: Python 3.12 and this package's wheel

The scoring program is this package (:mod:`blemore_fast.codabench.program`);
``score.py`` only checks that the image has the version the bundle was built
with, so that the leaderboard is scored by exactly the scorer tested here.
"""

from __future__ import annotations

import datetime as dt
import os
import struct
import zlib
from pathlib import Path

import pandas as pd

from .._core import __version__
from ..archive import zip_files
from ..challenge import (
    DETAILS,
    REFERENCE_COLUMNS,
    SCORE_KEYS,
    check_names_are_anonymous,
    interval_method,
)
from ..inputs import METADATA_COLUMNS, missing_columns
from ..manifest import TEST_NAMES
from ..writing import write_file
from .defaults import DEFAULT_IMAGE, DEFAULT_TITLE
from .program import REFERENCE_FILE, TRAIN_FILE
from .yaml_text import to_yaml

__all__ = [
    "COMMAND",
    "DEFAULT_IMAGE",
    "DEFAULT_TITLE",
    "LEADERBOARD",
    "build_bundle",
    "competition_yaml",
]

#: The scoring program's command; Codabench substitutes the three paths.
COMMAND = "python3 $program/score.py $input $output"

_TITLES = {"presence": "Presence", "salience": "Salience", "mean": "Mean"}


def _column(index: int, key: str) -> dict[str, object]:
    metric, _, bound = key.partition("_")
    title = _TITLES[metric] + (f" {bound}" if bound else "")
    return {"title": title, "key": key, "index": index, "sorting": "desc", "precision": 4}


#: The leaderboard: the three scores (ranked by the mean), then each
#: metric's interval bounds, keyed as the scoring program's scores.json.
LEADERBOARD: dict[str, object] = {
    "title": "Results",
    "key": "main",
    "primary_index": SCORE_KEYS.index("mean"),
    "columns": [_column(i, key) for i, key in enumerate(SCORE_KEYS)],
}


def _when(value: dt.date | str, what: str) -> str:
    if isinstance(value, str):
        try:
            value = dt.datetime.fromisoformat(value.strip())
        except ValueError:
            raise ValueError(
                f"{what} must be a date, YYYY-MM-DD or YYYY-MM-DD HH:MM[:SS], got {value!r}"
            ) from None
    if not isinstance(value, dt.datetime):
        value = dt.datetime.combine(value, dt.time())
    return value.strftime("%Y-%m-%d %H:%M:%S")


def competition_yaml(
    *,
    title: str,
    image: str,
    start: dt.date | str,
    end: dt.date | str | None = None,
    baselines: bool = False,
) -> str:
    """The bundle's ``competition.yaml``."""
    if not title.strip() or len(title) > 256:
        raise ValueError(f"title must have 1 to 256 characters, got {len(title.strip())}")
    if not image.strip() or len(image) > 128 or any(c.isspace() for c in image):
        raise ValueError(
            f"image must be a Docker image name of at most 128 characters, got {image!r}"
        )
    phase: dict[str, object] = {
        "index": 0,
        "name": "Test",
        "description": "Predictions for the test clips, scored against the hidden labels.",
        "start": _when(start, "start"),
    }
    if end is not None:
        # The same format on both sides, so the strings compare as the times do.
        first, last = _when(start, "start"), _when(end, "end")
        if last <= first:
            raise ValueError(f"end ({last}) must come after start ({first})")
        phase["end"] = last
    phase["tasks"] = [0]
    task: dict[str, object] = {
        "index": 0,
        "name": "BlEmoRe test set",
        "description": "Presence and salience accuracy, with actor-level intervals"
        + (" and the trivial baselines" if baselines else ""),
        "scoring_program": "scoring_program",
        "reference_data": "reference_data",
    }
    return to_yaml(
        {
            "version": 2,
            "title": title,
            "description": "Recognise blended emotions in video: which emotions a clip shows, "
            "and in which proportion.",
            "image": "logo.png",
            "terms": "terms.md",
            "docker_image": image,
            "enable_detailed_results": True,
            "show_detailed_results_in_submission_panel": True,
            "show_detailed_results_in_leaderboard": True,
            "pages": [
                {"title": "Overview", "file": "pages/overview.md"},
                {"title": "Evaluation", "file": "pages/evaluation.md"},
            ],
            "phases": [phase],
            "tasks": [task],
            "leaderboards": [LEADERBOARD],
        }
    )


def _logo_png(width: int = 240, height: int = 120) -> bytes:
    """A plain logo: six bands, one per emotion code (the organisers can
    replace it in Codabench's editor)."""
    colours = [(214, 39, 40), (140, 86, 75), (148, 103, 189), (255, 187, 34), (31, 119, 180)]
    colours.append((150, 150, 150))
    row = b"".join(bytes(colours[x * 6 // width]) for x in range(width))
    raw = b"".join(b"\x00" + row for _ in range(height))  # filter 0 on each row

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)  # 8-bit RGB
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(raw, 9))
        + chunk(b"IEND", b"")
    )


_OVERVIEW = """# {title}

Each test clip shows one emotion (anger `ang`, disgust `disg`, fear `fea`,
happiness `hap`, sadness `sad`, or neutral `neu`) or a blend of two
emotions at 50/50, 70/30 or 30/70. Predict, for each of the {n} test clips,
which emotions it shows and in which proportion.

## Submitting

Upload a zip holding one JSON file (any name):

```json
{{"predictions": {{
    "{first}": [{{"emotion": "hap", "salience": 70}}, {{"emotion": "sad", "salience": 30}}],
    "{second}": [{{"emotion": "ang", "salience": 100}}]
}}}}
```

with one entry per clip, under the names of the submission template.
The `blemore-fast` package writes and checks it for you, with the very
scorer this benchmark runs:

```console
$ blemore-fast decode test_probs.csv --alpha 0.3 --beta 0.1 --names-map names.csv -o submission.zip
$ blemore-fast validate submission.zip {check}
```
"""

_EVALUATION = """# Evaluation

- **Presence**: the share of clips whose predicted set of emotions is
  exactly right (order and salience ignored).
- **Salience**: over blend clips, the share with the right pair and the
  right ratio (saliences compared after rounding).
- **Mean**: their average; the leaderboard ranks by it.

**Intervals.** The test set has only {actors} actors, and clips of one actor
succeed or fail together. The `low` and `high` columns are {method}
Two systems whose intervals overlap widely are not told apart by this test
set.

{details}

The scoring program is blemore-fast {version}; a submission with any
problem (a missing or unexpected clip name, an unknown emotion code, a
salience that is not a number...) is not scored, and its problems are
listed in its error output.
"""

_TERMS = """# Terms

The organisers have not set terms for this benchmark yet. Replace this page
in Codabench's editor, or build the bundle with
`blemore-fast codabench bundle --terms FILE`.
"""

_SCORE_PY = '''"""BlEmoRe scoring program for Codabench, written by blemore-fast {version}.

Codabench runs `{command}` (metadata.yaml) in the competition's
image. The scoring is blemore-fast's own (`blemore-fast codabench score INPUT
OUTPUT`); this file only checks that the image has the version the bundle
was built with, so the leaderboard is scored by exactly that scorer.
"""

import sys

BUILT_WITH = "{version}"
#: What each submission's details page shows (`blemore-fast codabench bundle --details`).
DETAILS = "{details}"

try:
    import blemore_fast
except ImportError:
    sys.exit("error: the scoring image lacks blemore-fast; build it from the bundle's Dockerfile")
if blemore_fast.__version__ != BUILT_WITH:
    sys.exit(
        f"error: this bundle was built with blemore-fast {{BUILT_WITH}}, but the scoring image "
        f"has {{blemore_fast.__version__}}: rebuild the image (or the bundle) to match"
    )

from blemore_fast.cli import main  # noqa: E402

sys.exit(main(["codabench", "score", "--details", DETAILS, *sys.argv[1:]]))
'''

_DOCKERFILE = """# The scoring image of the BlEmoRe Codabench bundle: Python 3.12 with
# blemore-fast {version} (and matplotlib, for the plots of the detailed results),
# installed from wheels: no Rust, no compiler.
#
# Build it in a checkout of blemore-fast {version} after `make dist`, which
# writes the wheels to dist/ (or in any folder whose dist/ holds the wheel; with
# an empty dist/, pip takes it from PyPI). Push it, and name it in
# competition.yaml's docker_image (`blemore-fast codabench bundle --image`):
#
#   docker build -f Dockerfile -t {image} PATH/TO/blemore_fast
#   docker push {image}

FROM python:3.12-slim
COPY dist/ /dist/
# The version pinned, so that the image has exactly the bundle's scorer.
RUN pip install --no-cache-dir --only-binary :all: --find-links /dist "blemore-fast[plot]=={version}" \\
 && rm -rf /dist
"""


def _label_columns(table: pd.DataFrame) -> pd.DataFrame:
    missing_columns(table, METADATA_COLUMNS, "train labels")
    return table.loc[:, list(METADATA_COLUMNS)]


#: What the evaluation page says of the details page, for each ``details``.
_DETAILS_TEXT = {
    "scores": "**Detailed results** show the three scores with their intervals{baselines}, "
    "and how many clips your submission predicts in each class. Nothing else: no "
    "score by category, no confusion of label classes, nothing per actor or per clip, "
    "because the labels are hidden and such tables would give them away. Two "
    "submissions with the same hits per actor and the same predicted classes get the "
    "same page.",
    "categories": "**Detailed results** show the scores with their intervals{baselines}, "
    "the scores by kind (single or blend), emotion, blend pair and ratio, and which "
    "label classes are confused with which. The organisers chose to show these "
    "breakdowns (`--details categories`) because this phase's labels are public; they "
    "never show a clip or its label.",
}


def build_bundle(
    reference: pd.DataFrame,
    path: str | os.PathLike[str],
    *,
    train: pd.DataFrame | None = None,
    title: str = DEFAULT_TITLE,
    image: str = DEFAULT_IMAGE,
    start: dt.date | str | None = None,
    end: dt.date | str | None = None,
    terms: str | None = None,
    details: str = "scores",
) -> Path:
    """Writes the Codabench competition bundle to ``path`` (a zip), atomically.

    Parameters
    ----------
    reference : pandas.DataFrame
        The hidden labels as a reference table
        (:func:`blemore_fast.challenge.reference_table`), keyed by the names
        participants submit. Names that carry their label (the dataset's own
        names) are refused.
    path : str or os.PathLike
        The zip to write.
    train : pandas.DataFrame, optional
        Train labels (a table with the metadata's label columns) for the
        trivial baselines on the details page.
    title : str, default DEFAULT_TITLE
        The competition's title.
    image : str, default DEFAULT_IMAGE
        The scoring image on Docker Hub.
    start, end : datetime.date or str, optional
        The phase's dates (a date or ``YYYY-MM-DD HH:MM:SS``); the start
        defaults to today, and no end leaves the phase open.
    terms : str, optional
        The terms page, Markdown; None writes a placeholder saying terms are
        not set, and blank text is an error.
    details : {"scores", "categories"}, default "scores"
        What each submission's details page shows. ``"scores"`` shows nothing
        a hidden label could change (see :mod:`blemore_fast.challenge`);
        ``"categories"`` adds the scores by category and the confusion of
        label classes, which give hidden labels away: only for a phase whose
        labels are public. The evaluation page says which.

    Returns
    -------
    pathlib.Path
        The path written.

    Raises
    ------
    ValueError
        When the reference's names carry their labels (the dataset's own
        names, which participants must not see), the reference has no clips,
        for an unknown ``details``, blank ``terms``, an invalid title or
        invalid dates.

    Examples
    --------
    >>> import tempfile, pathlib, zipfile
    >>> from blemore_fast.challenge import reference_table
    >>> from blemore_fast.synthetic import make_dataset
    >>> data = make_dataset(seed=0)
    >>> test = data.clips[data.select("test")]
    >>> anonymised = {name: f"test_{i:04d}.mov" for i, name in enumerate(test["filename"], 1)}
    >>> reference = reference_table(test, names_map=anonymised)
    >>> path = build_bundle(reference, pathlib.Path(tempfile.mkdtemp()) / "bundle.zip")
    >>> "competition.yaml" in zipfile.ZipFile(path).namelist()
    True
    """
    missing_columns(reference, REFERENCE_COLUMNS, "reference table")
    names = [str(n) for n in reference["filename"]]
    if not names:
        raise ValueError("the reference table has no clips")
    check_names_are_anonymous(names)
    if details not in DETAILS:
        raise ValueError(f"details must be one of {', '.join(DETAILS)}; got {details!r}")
    if terms is not None and not terms.strip():
        raise ValueError("terms is blank: give the terms page's text, or None for a placeholder")
    start = dt.datetime.now(dt.UTC).date() if start is None else start
    actors = int(reference["actor"].nunique())
    texts = {
        "competition.yaml": competition_yaml(
            title=title, image=image, start=start, end=end, baselines=train is not None
        ),
        "terms.md": _TERMS if terms is None else terms,
        "pages/overview.md": _OVERVIEW.format(
            title=title,
            n=len(names),
            first=names[0],
            second=names[min(1, len(names) - 1)],
            # --codabench knows the official names; other names need the template.
            check="--codabench"
            if set(names) == set(TEST_NAMES)
            else "--manifest submission_template.json",
        ),
        "pages/evaluation.md": _EVALUATION.format(
            actors=actors,
            method=interval_method(actors),
            details=_DETAILS_TEXT[details].format(
                baselines=", the trivial baselines" if train is not None else ""
            ),
            version=__version__,
        ),
        "scoring_program/metadata.yaml": to_yaml({"command": COMMAND}),
        "scoring_program/score.py": _SCORE_PY.format(
            version=__version__, command=COMMAND, details=details
        ),
        f"reference_data/{REFERENCE_FILE}": reference.loc[:, list(REFERENCE_COLUMNS)].to_csv(
            index=False
        ),
        "Dockerfile": _DOCKERFILE.format(version=__version__, image=image),
    }
    if train is not None:
        texts[f"reference_data/{TRAIN_FILE}"] = _label_columns(train).to_csv(index=False)
    files = {name: text.encode("utf-8") for name, text in texts.items()}
    files["logo.png"] = _logo_png()
    path = Path(path)
    write_file(path, zip_files(files))
    return path
