"""The command's options: one subparser per subcommand, each with an example."""

from __future__ import annotations

import argparse
import math
import re
from typing import Any, TextIO

import numpy as np

from .. import _core
from ..codabench.defaults import DEFAULT_IMAGE, DEFAULT_TITLE
from .inputs import PROG

__all__ = ["build_parser", "parse_axis"]


# Each subcommand's module is imported when the subcommand runs: `score` on
# a JSON file needs neither pandas (the report, the statistics, Codabench) nor
# matplotlib, and parsing the options should not load them.


def _score(args: argparse.Namespace, out: TextIO) -> int:
    from .commands import cmd_score

    return cmd_score(args, out)


def _validate(args: argparse.Namespace, out: TextIO) -> int:
    from .commands import cmd_validate

    return cmd_validate(args, out)


def _grid(args: argparse.Namespace, out: TextIO) -> int:
    from .commands import cmd_grid

    return cmd_grid(args, out)


def _decode(args: argparse.Namespace, out: TextIO) -> int:
    from .commands import cmd_decode

    return cmd_decode(args, out)


def _report(args: argparse.Namespace, out: TextIO) -> int:
    from .report_command import cmd_report

    return cmd_report(args, out)


def _compare(args: argparse.Namespace, out: TextIO) -> int:
    from .commands import cmd_compare

    return cmd_compare(args, out)


def _leaderboard(args: argparse.Namespace, out: TextIO) -> int:
    from .leaderboard_command import cmd_leaderboard

    return cmd_leaderboard(args, out)


def _plan(args: argparse.Namespace, out: TextIO) -> int:
    from .plan_command import cmd_plan

    return cmd_plan(args, out)


def _demo(args: argparse.Namespace, out: TextIO) -> int:
    from .commands import cmd_demo

    return cmd_demo(args, out)


def _codabench_help(args: argparse.Namespace, out: TextIO) -> int:
    from .codabench_command import cmd_codabench_help

    return cmd_codabench_help(args, out)


def _codabench_bundle(args: argparse.Namespace, out: TextIO) -> int:
    from .codabench_command import cmd_codabench_bundle

    return cmd_codabench_bundle(args, out)


def _codabench_score(args: argparse.Namespace, out: TextIO) -> int:
    from .codabench_command import cmd_codabench_score

    return cmd_codabench_score(args, out)


def _positive_int(text: str) -> int:
    try:
        value = int(text.replace("_", ""))
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a whole number, got {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1, got {value}")
    return value


def _count(text: str) -> int:
    return 0 if text.strip() == "0" else _positive_int(text)


_SIZE = re.compile(r"\s*(\d[\d_]*)\s*([kmg]?)(?:i?b)?\s*", re.IGNORECASE)
_UNITS = {"": 1, "k": 1 << 10, "m": 1 << 20, "g": 1 << 30}


def _size(text: str) -> int:
    """A byte count, in binary units: ``67108864``, ``64MiB``, ``64M``, ``1GiB``."""
    match = _SIZE.fullmatch(text)
    if match is None:
        raise argparse.ArgumentTypeError(f"expected a size such as 64MiB or 1GiB, got {text!r}")
    return _positive_int(match.group(1)) * _UNITS[match.group(2).lower()]


def _add_limits(
    parser: argparse.ArgumentParser, *, upload: bool = False, clips: bool = True
) -> None:
    """--max-bytes and --max-clips: the limits on the predictions read."""
    default = (
        "default 64MiB for an upload (--codabench or --manifest), else 1GiB"
        if upload
        else "default 1GiB"
    )
    parser.add_argument(
        "--max-bytes",
        type=_size,
        metavar="SIZE",
        help=f"refuse a submission file (or zip member) larger than SIZE, such as 64MiB ({default})",
    )
    if clips:
        extra = "the expected clips plus 10%% for an upload, else " if upload else ""
        parser.add_argument(
            "--max-clips",
            type=_positive_int,
            metavar="N",
            help=f"refuse a submission of more than N clips (default {extra}10,000,000)",
        )


def _max_problems(text: str) -> str | int:
    return "all" if text.strip().lower() == "all" else _positive_int(text)


def _seed(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a whole number, got {text!r}") from None
    if not 0 <= value < 2**64:
        raise argparse.ArgumentTypeError(f"must be in [0, 2**64), got {value}")
    return value


def _real(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a number, got {text!r}") from None
    if not math.isfinite(value):
        raise argparse.ArgumentTypeError(f"must be finite, got {text!r}")
    return value


def _fraction(text: str) -> float:
    value = _real(text)
    if not 0.0 < value < 1.0:
        raise argparse.ArgumentTypeError(f"must be strictly between 0 and 1, got {text}")
    return value


def _weight(text: str) -> float:
    value = _real(text)
    if not 0.0 <= value <= 1.0:
        raise argparse.ArgumentTypeError(f"must be between 0 and 1, got {text}")
    return value


def _actors(text: str) -> list[int]:
    """``LOW:HIGH`` (both included) or numbers separated by commas."""
    try:
        if ":" in text:
            low, high = (int(x) for x in text.split(":"))
            values = list(range(low, high + 1))
        else:
            values = [int(x) for x in text.split(",")]
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"expected LOW:HIGH (such as 6:80) or numbers separated by commas, got {text!r}"
        ) from None
    if not values or min(values) < 2:
        raise argparse.ArgumentTypeError(f"needs numbers of actors of at least 2, got {text!r}")
    return values


def parse_axis(text: str) -> np.ndarray:
    """A threshold axis: ``start:stop:n`` (``numpy.linspace``), a comma list or one number.

    Examples
    --------
    >>> parse_axis("0:1:5").tolist()
    [0.0, 0.25, 0.5, 0.75, 1.0]
    >>> parse_axis("0.1,0.3").tolist()
    [0.1, 0.3]
    """
    if ":" in text:
        parts = text.split(":")
        if len(parts) != 3:
            raise argparse.ArgumentTypeError(f"expected start:stop:n, got {text!r}")
        start, stop = _real(parts[0]), _real(parts[1])
        n = _positive_int(parts[2])
        return np.linspace(start, stop, n)
    values = [_real(part) for part in text.split(",") if part.strip()]
    if not values:
        raise argparse.ArgumentTypeError(f"expected start:stop:n or a comma list, got {text!r}")
    return np.asarray(values, dtype=np.float64)


class _Formatter(argparse.RawDescriptionHelpFormatter):
    def __init__(self, prog: str) -> None:
        super().__init__(prog, max_help_position=32)


def _subparser(
    subparsers: Any, name: str, summary: str, description: str, example: str
) -> argparse.ArgumentParser:
    parser: argparse.ArgumentParser = subparsers.add_parser(
        name,
        help=summary,
        description=description,
        epilog="example:\n" + "\n".join(f"  {line}" for line in example.strip().splitlines()),
        formatter_class=_Formatter,
    )
    parser.set_defaults(parser=parser)
    return parser


def _add_output(parser: argparse.ArgumentParser, json_help: str = "print JSON") -> None:
    """--json and --max-problems: how results and problems are shown."""
    parser.add_argument(
        "--json",
        action="store_true",
        help=f"{json_help}; on invalid input, the error and its problems as JSON",
    )
    parser.add_argument(
        "--max-problems",
        type=_max_problems,
        metavar="N",
        help="list at most N problems, or all (default 20; with --json, all)",
    )


def _add_labels(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--labels",
        metavar="LABELS",
        help="a metadata CSV (filename, emotion_1, ... or only filename, as clips.csv), a "
        "label JSON, or omitted to read the labels from the clip names",
    )
    parser.add_argument(
        "--partition",
        metavar="NAME",
        help="keep only the --labels table's rows of this partition (such as test)",
    )


def _add_decoding(parser: argparse.ArgumentParser, *, required: bool = False) -> None:
    what = "" if required else " (for a probability CSV)"
    parser.add_argument("--alpha", type=_real, required=required, help=f"presence threshold{what}")
    parser.add_argument(
        "--beta", type=_real, required=required, help=f"largest difference called 50/50{what}"
    )
    parser.add_argument(
        "--logits", action="store_true", help="the CSV holds logits: apply a softmax first"
    )


def _add_bootstrap(
    parser: argparse.ArgumentParser,
    default: int | None,
    cluster: str = (
        "the unit of the intervals: actor (intervals about new actors; the default when every "
        "clip's actor can be read from the labels' actor column or the clip names) or clip "
        "(these clips, the actors held fixed)"
    ),
    *,
    zero: bool = False,
) -> None:
    if default is None:
        parser.add_argument(
            "--bootstrap",
            type=_positive_int,
            metavar="B",
            help="add bootstrap intervals from B resamples",
        )
    else:
        parser.add_argument(
            "--bootstrap",
            type=_count if zero else _positive_int,
            metavar="B",
            default=default,
            help=f"bootstrap resamples (default {default:,}{'; 0 for none' if zero else ''})",
        )
    parser.add_argument("--cluster", choices=["actor", "clip"], help=cluster)
    parser.add_argument(
        "--method",
        choices=list(_core.INTERVAL_METHODS),
        help="interval method (default: cluster-t over actors, calibrated for few actors; "
        "percentile over clips)",
    )
    parser.add_argument(
        "--confidence",
        type=_fraction,
        default=0.95,
        metavar="C",
        help="confidence level (default 0.95)",
    )
    parser.add_argument(
        "--seed", type=_seed, help="random seed; the output says which seed was used"
    )


def build_parser() -> argparse.ArgumentParser:
    """The command's argument parser."""
    from .._core import __version__

    parser = argparse.ArgumentParser(
        prog=PROG,
        description="Score, check and analyse BlEmoRe challenge predictions.",
        epilog="Run `blemore-fast SUBCOMMAND --help` for details and an example.\n"
        "A file named - is standard input (an input) or standard output (an output).\n"
        "Exit codes: 0 success, 1 invalid input (the problems listed), 2 usage error.",
        formatter_class=_Formatter,
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    subparsers = parser.add_subparsers(dest="command", metavar="SUBCOMMAND")

    p = _subparser(
        subparsers,
        "score",
        "presence, salience, their mean and the counts",
        "Score predictions with the challenge's two metrics.\n\n"
        "PREDS is a submission or prediction-dict JSON file (or the zip holding one), a long\n"
        "CSV (filename, emotion, salience) or a probability CSV (filename and one column per\n"
        "emotion, decoded at --alpha/--beta).",
        "blemore-fast score submission.json --labels clips.csv --partition test\n"
        "blemore-fast score submission.json --labels clips.csv --cluster actor\n"
        "cat submission.json | blemore-fast score - --json\n"
        "blemore-fast score test_epoch100_ce.csv --logits --alpha 0.3 --beta 0.1 --json",
    )
    p.add_argument("preds", metavar="PREDS", help="the predictions to score (- reads stdin)")
    _add_labels(p)
    p.add_argument(
        "--lenient",
        action="store_true",
        help="score as the published functions do: unknown codes count as wrong, labels "
        "without a prediction are left out (with a warning)",
    )
    _add_decoding(p)
    _add_bootstrap(p, None)
    _add_output(p)
    _add_limits(p)
    p.set_defaults(run=_score)

    p = _subparser(
        subparsers,
        "validate",
        "check a submission file before upload",
        "Check a submission (JSON, or the zip you upload) as the upload needs it: the\n"
        '{"predictions": ...} object with no other top-level key, every clip once, the\n'
        "emotion codes and saliences, and its coverage of the labelled clips or of a list of\n"
        "expected names (missing and unexpected names, each with the nearest valid one).\n"
        "--codabench checks against the 594 official test names (test_0001.mov ...\n"
        "test_0594.mov). Lists the problems; exits 0 on a clean file and 1 on problems.",
        "blemore-fast validate submission.zip --codabench\n"
        "blemore-fast validate submission.zip --manifest submission_template_codabench.zip\n"
        "blemore-fast validate submission.json --labels clips.csv --partition test",
    )
    p.add_argument(
        "preds", metavar="PREDS", help="the submission file to check (JSON or zip; - reads stdin)"
    )
    group = p.add_mutually_exclusive_group()
    group.add_argument("--labels", metavar="LABELS", help="labels the submission must cover")
    group.add_argument(
        "--manifest",
        metavar="NAMES",
        help="expected clip names: a text file (one a line), a CSV with a filename column, "
        "or a JSON submission template (or its zip)",
    )
    group.add_argument(
        "--codabench",
        action="store_true",
        help="check against the official test set as the challenge's server does: the 594 "
        'names test_0001.mov ... test_0594.mov and the {"predictions": ...} wrapper',
    )
    p.add_argument("--partition", metavar="NAME", help="keep only this partition of --labels")
    _add_output(p)
    _add_limits(p, upload=True)
    p.set_defaults(run=_validate)

    p = _subparser(
        subparsers,
        "grid",
        "find the best decoding thresholds",
        "Score every (alpha, beta) of a threshold grid on model outputs and report the best\n"
        "cell. PROBS.csv has a filename column and one column per emotion (probabilities, or\n"
        "logits with --logits); several files (such as the five validation folds) are joined.",
        "blemore-fast grid hicmae/fold*_epoch100_ce.csv --logits --labels clips.csv "
        "--plot grid.png\n"
        "blemore-fast grid probs.csv --alphas 0.05:0.95:20 --betas 0.05,0.1,0.2",
    )
    p.add_argument("probs", metavar="PROBS.csv", nargs="+", help="model outputs, one or more files")
    _add_labels(p)
    p.add_argument(
        "--logits", action="store_true", help="the CSVs hold logits: apply a softmax first"
    )
    p.add_argument(
        "--alphas",
        type=parse_axis,
        metavar="SPEC",
        help="presence thresholds: start:stop:n or a comma list (default 0.05:0.95:20)",
    )
    p.add_argument("--betas", type=parse_axis, metavar="SPEC", help="50/50 band, as --alphas")
    p.add_argument(
        "--presence-weight",
        type=_weight,
        default=0.5,
        metavar="W",
        help="the best cell maximises W x presence + (1 - W) x salience (default 0.5)",
    )
    p.add_argument("--plot", metavar="PNG", help="draw the presence and salience heat maps")
    _add_output(p, "print JSON (with the whole grids)")
    p.set_defaults(run=_grid, file_outputs={"plot": "--plot"})

    p = _subparser(
        subparsers,
        "decode",
        "turn model outputs into a submission file",
        "Decode probabilities with the published post-processing at --alpha/--beta and write\n"
        "a submission file: JSON, or, for a name ending in .zip, the zip Codabench takes (one\n"
        "JSON file inside). A regular file is replaced atomically (on any error nothing is\n"
        "written), keeping its mode; a symlink is written through; -o - is standard output.",
        "blemore-fast decode test_epoch100_ce.csv --logits --alpha 0.1447 --beta 0.2395 "
        "--names-map names.csv -o submission.zip\n"
        "blemore-fast decode probs.csv --alpha 0.3 --beta 0.1 --names-map names.csv "
        "-o submission.json\n"
        "blemore-fast decode probs.csv --alpha 0.3 --beta 0.1 -o - | gzip > submission.json.gz",
    )
    p.add_argument("probs", metavar="PROBS.csv", nargs="+", help="model outputs, one or more files")
    _add_decoding(p, required=True)
    p.add_argument(
        "-o",
        "--output",
        required=True,
        metavar="FILE",
        help="the submission file to write: NAME.json, or NAME.zip (holding NAME.json) to "
        "upload; - for standard output",
    )
    p.add_argument(
        "--names-map",
        metavar="CSV",
        help="a two-column CSV, header optional: the name in PROBS.csv, the name in the submission",
    )
    _add_output(p, "print what was written as JSON")
    p.set_defaults(run=_decode, file_outputs={"output": "-o"})

    p = _subparser(
        subparsers,
        "report",
        "scores with intervals, breakdown, confusion, plots and an HTML page",
        "Where do the predictions fail? Prints the overall scores with bootstrap intervals,\n"
        "the scores by category (kind, emotion, blend pair, ratio, intensity, situation,\n"
        "actor) and the most frequent confusions; can write an HTML page and the plots.",
        "blemore-fast report submission.json --labels clips.csv --partition test "
        "--cluster actor --html report.html\n"
        "blemore-fast report submission.json --plot-dir plots/ --bootstrap 0",
    )
    p.add_argument("preds", metavar="PREDS", help="the predictions, as for score")
    _add_labels(p)
    p.add_argument("--lenient", action="store_true", help="as for score")
    _add_decoding(p)
    _add_bootstrap(
        p,
        10_000,
        "actor (actor-level intervals beside the clip-level ones; the default when actors can "
        "be read) or clip (clip-level only)",
        zero=True,
    )
    p.add_argument(
        "--by",
        metavar="GROUPS",
        help="breakdown groups, separated by commas; default: kind, emotion, pair, ratio, "
        "intensity, situation, actor; also all, or a column of the labels table such as fold",
    )
    p.add_argument(
        "--html", metavar="FILE", help="write a self-contained HTML report (- for standard output)"
    )
    p.add_argument("--plot-dir", metavar="DIR", help="write the plots (PNG) and tables (CSV)")
    _add_output(p)
    _add_limits(p)
    p.set_defaults(run=_report, file_outputs={"html": "--html"})

    p = _subparser(
        subparsers,
        "compare",
        "paired comparison of two prediction files, with p-values",
        "Compare systems A and B on the same clips: the difference A - B of each metric,\n"
        "its interval and a two-sided p-value, over actors when they can be read\n"
        "(cluster-t, calibrated for few actors), else over clips (paired bootstrap).",
        "blemore-fast compare a.json b.json --labels clips.csv --partition test --cluster actor",
    )
    p.add_argument("a", metavar="A", help="predictions of system A, as for score")
    p.add_argument("b", metavar="B", help="predictions of system B, of the same clips")
    _add_labels(p)
    p.add_argument("--lenient", action="store_true", help="as for score")
    _add_decoding(p)
    _add_bootstrap(p, 10_000)
    _add_output(p)
    _add_limits(p)
    p.set_defaults(run=_compare)

    p = _subparser(
        subparsers,
        "leaderboard",
        "rank submissions, with confidence sets for the ranks",
        "Rank many submissions scored on the same clips. Each rank comes with a set that\n"
        "holds the true rank with the stated confidence (marginal: each system alone;\n"
        "--simultaneous: all at once), from simultaneous tests of every pairwise difference.\n"
        "By actor (the default when every clip's actor can be read) the sets are about new\n"
        "actors and hold with 11 actors.",
        "blemore-fast leaderboard submissions/ --labels clips.csv --partition test "
        "--cluster actor --html leaderboard.html",
    )
    p.add_argument(
        "submissions",
        nargs="+",
        metavar="SUB",
        help="submission files (JSON or Codabench zip), or folders of them; a system's name "
        "is its file name",
    )
    _add_labels(p)
    p.add_argument(
        "--metric",
        choices=["presence", "salience", "mean"],
        default="mean",
        help="rank by this metric (default mean)",
    )
    p.add_argument(
        "--cluster",
        choices=["actor", "clip"],
        help="the unit: actor (rank sets about new actors; the default when every clip's actor "
        "can be read) or clip (these clips, the actors held fixed)",
    )
    p.add_argument(
        "--simultaneous",
        action="store_true",
        help="sets that hold for all systems at once (default: each system alone)",
    )
    p.add_argument(
        "--bootstrap",
        type=_positive_int,
        metavar="B",
        default=10_000,
        help="multiplier draws for the critical values (default 10,000)",
    )
    p.add_argument(
        "--confidence", type=_fraction, default=0.95, metavar="C", help="confidence (default 0.95)"
    )
    p.add_argument("--seed", type=_seed, help="random seed; the output says which seed was used")
    p.add_argument(
        "--html", metavar="FILE", help="write a self-contained HTML page (- for standard output)"
    )
    p.set_defaults(alpha=None, beta=None, logits=False, lenient=False, method=None)
    _add_output(p)
    _add_limits(p)
    p.set_defaults(run=_leaderboard, file_outputs={"html": "--html"})

    p = _subparser(
        subparsers,
        "plan",
        "how many actors a test set needs to tell systems apart",
        "Plan a test set from pilot predictions (such as the validation folds' out-of-fold\n"
        "predictions): for each number of actors K, the half-width of A's interval and,\n"
        "with --against, the difference A - B the test can detect and its power for the\n"
        "pilot's own difference. A fast curve from the pilot's actors (se scaled by\n"
        "sqrt(G / K), Student's t with K - 1 degrees of freedom), checked by simulated\n"
        "test sets drawn from the pilot's actors at the smallest, middle and largest K.",
        "blemore-fast plan a.json --against b.json --labels clips.csv --partition train "
        "--actors 6:80 --html plan.html",
    )
    p.add_argument("a", metavar="A", help="pilot predictions of system A, as for score")
    p.add_argument(
        "--against",
        dest="b",
        metavar="B",
        help="pilot predictions of system B on the same clips: plan the comparison A - B",
    )
    _add_labels(p)
    _add_decoding(p)
    p.add_argument(
        "--actors",
        type=_actors,
        default=list(range(6, 81)),
        metavar="K",
        help="the test-set sizes: LOW:HIGH or a list such as 6,11,20 (default 6:80)",
    )
    p.add_argument(
        "--metric",
        choices=["presence", "salience", "mean"],
        default="mean",
        help="plan for this metric (default mean)",
    )
    p.add_argument(
        "--power", type=_fraction, default=0.8, metavar="P", help="target power (default 0.8)"
    )
    p.add_argument(
        "--confidence", type=_fraction, default=0.95, metavar="C", help="confidence (default 0.95)"
    )
    p.add_argument(
        "--sims",
        type=_count,
        default=2000,
        metavar="N",
        help="simulated test sets per checked size (default 2,000; 0 for none)",
    )
    p.add_argument("--seed", type=_seed, help="random seed; the output says which seed was used")
    p.add_argument(
        "--html", metavar="FILE", help="write a self-contained HTML page (- for standard output)"
    )
    p.add_argument(
        "-o",
        "--output",
        metavar="FILE",
        help="write the whole table (every K) as CSV (- for standard output)",
    )
    _add_output(p)
    p.set_defaults(run=_plan, file_outputs={"html": "--html", "output": "-o"})

    p = _subparser(
        subparsers,
        "demo",
        "the whole job on synthetic data (or real files with --data)",
        "Thresholds by grid search on the validation folds, test scores, clip- and\n"
        "actor-level intervals, a paired comparison of two models, the breakdown, and an\n"
        "HTML report. Needs no data; --data DIR runs the same on DIR/clips.csv and\n"
        "DIR/hicmae/*.csv.",
        "blemore-fast demo\nblemore-fast demo --data ../shared/data/blemore --out real-report.html",
    )
    p.add_argument("--data", metavar="DIR", help="clips.csv and hicmae/*.csv instead of synthetic")
    p.add_argument(
        "--out",
        metavar="FILE",
        default="demo-report.html",
        help="the HTML report (default demo-report.html)",
    )
    p.add_argument("--no-report", action="store_true", help="do not write the HTML report")
    p.add_argument(
        "--models",
        nargs=2,
        metavar=("A", "B"),
        help="the two models to compare (default: good and weaker; with --data, the two best "
        "runs on the validation folds)",
    )
    p.add_argument(
        "--bootstrap",
        type=_positive_int,
        default=10_000,
        metavar="B",
        help="bootstrap resamples (default 10,000)",
    )
    p.add_argument(
        "--seed",
        type=_seed,
        default=0,
        help="seed of the synthetic data and the bootstrap (default 0)",
    )
    _add_output(p)
    p.set_defaults(run=_demo, file_outputs={"out": "--out"})

    _add_codabench(subparsers)
    return parser


def _add_codabench(subparsers: Any) -> None:
    p = _subparser(
        subparsers,
        "codabench",
        "the challenge on Codabench: the competition bundle and its scoring program",
        "The organisers' side of the challenge on Codabench.\n\n"
        "  bundle  write the competition bundle to upload to Codabench\n"
        "  score   the scoring program Codabench runs on each submission",
        "blemore-fast codabench bundle --labels clips.csv --partition test --names-map "
        "names.csv -o bundle.zip\n"
        "blemore-fast codabench score input output",
    )
    p.set_defaults(run=_codabench_help)
    nested = p.add_subparsers(dest="codabench_command", metavar="SUBCOMMAND")

    q = _subparser(
        nested,
        "bundle",
        "write the competition bundle",
        "Write the bundle that creates the benchmark on Codabench: competition.yaml (one\n"
        "phase, one task, a leaderboard of presence, salience and mean with their\n"
        "actor-level intervals), the scoring program, the hidden labels as reference data,\n"
        "and a Dockerfile for the scoring image.\n\n"
        "LABELS is any label table score accepts, keyed by the names participants submit\n"
        "(filename, emotion_1, emotion_2, emotion_1_salience, emotion_2_salience, actor),\n"
        "or keyed by the dataset's real names with --names-map to the anonymised ones\n"
        "(clips.csv works: labels come from its names, actors from its actor column).\n"
        "Names that carry their label are refused: participants submit under them.",
        "blemore-fast codabench bundle --labels clips.csv --partition test --names-map "
        "names.csv -o bundle.zip\n"
        "blemore-fast codabench bundle --labels test_labels.csv --train-labels train.csv "
        "--title 'BlEmoRe 2026' --image me/blemore-scoring:0.1.0 --start 2026-03-01 -o bundle.zip",
    )
    q.add_argument(
        "--labels",
        required=True,
        metavar="LABELS",
        help="the hidden test labels, with each clip's actor (a CSV table or a label JSON)",
    )
    q.add_argument("--partition", metavar="NAME", help="keep only this partition of --labels")
    q.add_argument(
        "--names-map",
        metavar="CSV",
        help="a two-column CSV, header optional: the name in LABELS, the name participants submit",
    )
    q.add_argument(
        "--train-labels",
        metavar="LABELS",
        help="train labels for the trivial baselines on the details page (default: the "
        "train rows of --labels when --partition picked others)",
    )
    q.add_argument(
        "-o", "--output", required=True, metavar="FILE", help="the bundle to write (a .zip)"
    )
    q.add_argument("--title", default=DEFAULT_TITLE, help=f"the title (default {DEFAULT_TITLE!r})")
    q.add_argument(
        "--image",
        default=DEFAULT_IMAGE,
        help=f"the scoring image on Docker Hub, built from the bundle's Dockerfile (default "
        f"{DEFAULT_IMAGE})",
    )
    q.add_argument(
        "--start", metavar="DATE", help="the phase's start, YYYY-MM-DD[ HH:MM:SS] (default today)"
    )
    q.add_argument("--end", metavar="DATE", help="the phase's end (default: none, open)")
    q.add_argument("--terms", metavar="FILE", help="the terms page (Markdown or HTML)")
    _add_details(q, "what the details page of each submission shows")
    q.set_defaults(run=_codabench_bundle, file_outputs={"output": "-o"})

    q = _subparser(
        nested,
        "score",
        "the scoring program: score INPUT/res against INPUT/ref",
        "Score a submission as Codabench's compute worker lays it out: the participant's\n"
        "upload unzipped in INPUT/res (one JSON file, any name), the bundle's reference data\n"
        "in INPUT/ref. Writes OUTPUT/scores.json (presence, salience, mean and their\n"
        "interval bounds) and OUTPUT/detailed_results.html (by default the scores alone:\n"
        "nothing a hidden label could change, see --details).\n"
        "A submission that cannot be scored exits 1 with every problem on stderr.\n"
        "Also: python -m blemore_fast.codabench score INPUT OUTPUT.",
        "blemore-fast codabench score /app/input /app/output",
    )
    q.add_argument("input", metavar="INPUT", help="the folder holding res/ and ref/")
    q.add_argument("output", metavar="OUTPUT", help="the folder to write the scores to")
    _add_limits(q, clips=False)
    _add_details(q, "what detailed_results.html shows")
    q.add_argument(
        "--max-problems",
        type=_max_problems,
        metavar="N",
        help="list at most N problems of a submission, or all (default 20)",
    )
    q.set_defaults(run=_codabench_score)


def _add_details(parser: argparse.ArgumentParser, what: str) -> None:
    parser.add_argument(
        "--details",
        choices=("scores", "categories"),
        default="scores",
        help=f"{what}: scores (the default: the scores, intervals, baselines and the "
        "submission's own predicted classes, safe while the labels are hidden) or "
        "categories (also the scores by category and the confusion of label classes, "
        "which give hidden labels away: only for a phase whose labels are public)",
    )
