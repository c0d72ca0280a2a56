"""A local stand-in for Codabench: its bundle checks and its compute worker's scoring step.

Nothing here calls blemore_fast: the bundle is read and the scoring program
run the way Codabench does it, transcribed from codalab/codabench (read at
commit c7dbc75, March 2026):

- ``src/apps/competitions/tasks.py`` (``unpack_competition``): the bundle
  is unzipped, ``competition.yaml`` read with ``yaml.safe_load`` at its
  root; ``version`` 2 goes to the v2 unpacker.
- ``src/apps/competitions/unpackers/v2.py``, ``base_unpacker.py`` and
  ``utils.py``, ``src/apps/api/serializers/leaderboards.py``, the models in
  ``src/apps/leaderboards/models.py``, ``src/apps/competitions/models.py``
  and ``src/apps/tasks/models.py``: what :func:`bundle_violations` checks.
- ``compute_worker/compute_worker.py``: what :func:`run_scoring` does.
  ``_get_bundle`` extracts each zip (``ZipFile.extractall``) into the run's
  folder: the scoring program into ``program``, the reference data into
  ``input/ref``, the prediction step's output into ``input/res``; a folder
  in the bundle reaches the worker zipped (``zip_if_directory``). A results
  submission has no ``metadata.yaml``, so the prediction step copies it to
  its output, to which ``push_output`` adds a ``metadata`` file.
  ``_run_program_directory`` reads ``metadata.yaml`` (``yaml.load``,
  ``FullLoader``) and its ``command``, replaces the variables in the order
  of ``replace_legacy_metadata_command``, and creates the container with
  that string as command (docker-py splits it with ``shlex.split``, in
  ``docker/utils/utils.py: split_command``) and ``/app/program`` as working
  directory. ``push_scores`` reads ``output/scores.json`` (``json.load``;
  else ``scores.txt`` with ``yaml.load``); ``upload_submission_scores``
  (``src/apps/api/views/submissions.py``) keeps the keys that are column
  keys of the phase's leaderboard (the bundle's first) and stores each in a
  ``DecimalField(max_digits=20, decimal_places=10)``.
  ``get_detailed_results_file_path``: ``output/detailed_results.html``, else
  the first ``.html`` file.
"""

from __future__ import annotations

import json
import os
import shlex
import shutil
import subprocess
import sys
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

import yaml
from dateutil import parser as dateparser

# replace_legacy_metadata_command, scoring step, no ingestion program: in order.
VARIABLES = (
    ("$input", "input"),
    ("$output", "output"),
    ("$program", "program"),
    ("$ingestion_program", "program"),
    ("$hidden", "input/ref"),
    ("$shared", "shared"),
    ("$submission_program", "ingested_program"),
    ("$tmp", "output"),
    ("$predictions", "input/res"),
)


def extract(zip_path: Path, destination: Path) -> Path:
    with zipfile.ZipFile(zip_path) as archive:
        archive.extractall(destination)
    return destination


def _zipped(path: Path, scratch: Path) -> Path:
    """A bundle path as the worker receives it: a folder arrives zipped."""
    if path.is_dir():
        return Path(shutil.make_archive(str(scratch / path.name), "zip", path))
    return path


def read_competition(bundle: Path) -> dict[str, Any]:
    return yaml.safe_load((bundle / "competition.yaml").read_text(encoding="utf-8"))


def bundle_violations(bundle: Path) -> list[str]:
    """Everything in the unzipped ``bundle`` that Codabench's v2 unpacker or
    its serializers would refuse; an empty list means it would be accepted."""
    found: list[str] = []
    if not (bundle / "competition.yaml").is_file():
        return ["competition.yaml is missing from the bundle's root"]
    comp = read_competition(bundle)
    if str(comp.get("version", "1")) != "2":
        found.append(f"version is {comp.get('version')!r}, not 2")

    def nonempty_file(key: str, value: Any) -> None:
        path = bundle / str(value)
        if not path.is_file() or not path.read_text(encoding="utf-8", errors="replace").strip():
            found.append(f"{key}: {value!r} is not a non-empty file in the bundle")

    title = comp.get("title")
    if not isinstance(title, str) or not title or len(title) > 256:
        found.append("title is required (at most 256 characters)")
    if "image" not in comp or not (bundle / str(comp["image"])).is_file():
        found.append("image: the logo file is required")
    if "terms" not in comp:
        found.append("terms is required")
    else:
        nonempty_file("terms", comp["terms"])
    if len(str(comp.get("docker_image", ""))) > 128:
        found.append("docker_image has more than 128 characters")
    pages = comp.get("pages")
    if not isinstance(pages, list):
        found.append("pages must be a list")  # the unpacker iterates it
    else:
        for page in pages:
            nonempty_file("pages", page.get("file"))

    tasks = comp.get("tasks")
    indexes: set[int] = set()
    if not tasks:
        found.append("no tasks")
    for task in tasks or []:
        if "index" not in task:
            found.append(f"task {task.get('name')!r} has no index")
            continue
        if task["index"] in indexes:
            found.append(f"duplicate task index {task['index']}")
        indexes.add(task["index"])
        if "key" in task:
            continue
        if not task.get("name"):
            found.append(f"task {task['index']} has no name")
        if "scoring_program" not in task:
            found.append(f"task {task['index']} has no scoring program")
        for kind in ("scoring_program", "reference_data", "input_data", "ingestion_program"):
            if kind in task and not (bundle / task[kind]).exists():
                found.append(f"task {task['index']}: {kind} {task[kind]!r} is not in the bundle")
        program = bundle / str(task.get("scoring_program", ""))
        if program.is_dir():
            metadata = program / "metadata.yaml"
            command = (
                yaml.load(metadata.read_text(), Loader=yaml.FullLoader)
                if metadata.is_file()
                else None
            )
            if not isinstance(command, dict) or not command.get("command"):
                found.append("the scoring program has no metadata.yaml with a command")

    phases = comp.get("phases")
    if not phases:
        found.append("no phases")
    ordered = sorted(phases or [], key=lambda p: p.get("index", 0))
    for i, phase in enumerate(ordered):
        if not phase.get("tasks"):
            found.append(f"phase {phase.get('name')!r} has no tasks")
        elif not set(phase["tasks"]) <= indexes:
            found.append(f"phase {phase.get('name')!r} names a task that does not exist")
        if not phase.get("start"):
            found.append(f"phase {phase.get('name')!r} has no start")
            continue
        start = dateparser.parse(str(phase["start"]))
        end = dateparser.parse(str(phase["end"])) if phase.get("end") else None
        if end is not None and end <= start:
            found.append(f"phase {phase.get('name')!r} ends before it starts")
        if i < len(ordered) - 1 and end is None:
            found.append(f"phase {phase.get('name')!r} needs an end: another phase follows")

    boards = comp.get("leaderboards")
    if not boards:
        found.append("no leaderboards")
    for board in boards or []:
        if not board.get("title") or len(board["title"]) > 64:
            found.append("a leaderboard needs a title of at most 64 characters")
        if not board.get("key") or len(board["key"]) > 36:
            found.append("a leaderboard needs a key of at most 36 characters")
        columns = board.get("columns") or []
        if not columns:
            found.append("leaderboards require at least 1 column")
        for column in columns:
            for field in ("title", "key"):
                if not column.get(field) or len(column[field]) > 36:
                    found.append(f"column {column.get('key')!r}: {field} of 1 to 36 characters")
            if not isinstance(column.get("index"), int) or column["index"] < 0:
                found.append(f"column {column.get('key')!r}: index must be a whole number")
            if column.get("sorting", "desc") not in ("desc", "asc"):
                found.append(f"column {column.get('key')!r}: sorting is desc or asc")
            if not isinstance(column.get("precision", 2), int):
                found.append(f"column {column.get('key')!r}: precision must be an integer")
            if "computation" in column and not column.get("computation_indexes"):
                found.append(f"column {column.get('key')!r}: computation needs computation_indexes")
        column_indexes = [c.get("index") for c in columns]
        if len(set(column_indexes)) != len(columns):
            found.append("columns must have unique indexes")
        if len({c.get("key") for c in columns}) != len(columns):
            found.append("columns must have unique keys")
        if board.get("primary_index", 0) not in column_indexes:
            found.append("primary_index is not a column's index")
    return found


@dataclass(frozen=True)
class ScoringRun:
    returncode: int
    stdout: str
    stderr: str
    scores: dict[str, Decimal] | None  # what the leaderboard stores; None when failed
    written: dict[str, Any] | None  # scores.json as the program wrote it
    details: Path | None  # the detailed results page


def run_scoring(
    bundle_zip: Path, submission_zip: Path, root: Path, wrapper: Sequence[str] = ()
) -> ScoringRun:
    """The scoring step of one results submission, as the compute worker runs it.

    ``root`` stands for the container's ``/app``. The command runs with this
    interpreter's folder first on ``PATH``, as ``python3`` in the image;
    ``wrapper`` comes before it (a program that measures it).
    """
    bundle = extract(bundle_zip, root / "bundle")
    comp = read_competition(bundle)
    task = comp["tasks"][0]
    scratch = root / "uploads"
    scratch.mkdir()
    extract(_zipped(bundle / task["scoring_program"], scratch), root / "program")
    extract(_zipped(bundle / task["reference_data"], scratch), root / "input" / "ref")
    # The prediction step: the upload, copied, plus the worker's metadata file.
    res = extract(submission_zip, root / "input" / "res")
    (res / "metadata").write_text(yaml.dump({"exitCode": None, "elapsedTime": None}))
    (root / "output").mkdir()

    metadata = yaml.load((root / "program" / "metadata.yaml").read_text(), Loader=yaml.FullLoader)
    command = metadata["command"]
    for variable, folder in VARIABLES:
        command = command.replace(variable, str(root / folder))
    env = dict(os.environ, PYTHONUNBUFFERED="1")
    env["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{env.get('PATH', '')}"
    proc = subprocess.run(
        [*wrapper, *shlex.split(command)],
        cwd=root / "program",
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
        check=False,
    )
    output = root / "output"
    scores = written = None
    if proc.returncode == 0:
        if (output / "scores.json").is_file():
            written = json.loads((output / "scores.json").read_text())
        else:
            written = yaml.load((output / "scores.txt").read_text(), yaml.Loader)
        keys = {c["key"] for c in comp["leaderboards"][0]["columns"]}
        scores = {k: _stored(v) for k, v in written.items() if k in keys}
    details = output / "detailed_results.html"
    if not details.is_file():
        pages = sorted(output.glob("*.html"))
        details = pages[0] if pages else None
    return ScoringRun(proc.returncode, proc.stdout, proc.stderr, scores, written, details)


def _stored(value: Any) -> Decimal:
    """A score as its DecimalField(max_digits=20, decimal_places=10) stores it."""
    assert isinstance(value, (int, float)) and not isinstance(value, bool), value
    stored = Decimal(str(value)).quantize(Decimal("1e-10"))
    assert stored.is_finite() and len(stored.as_tuple().digits) <= 20, value
    return stored
