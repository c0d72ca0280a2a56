"""Terminal helpers: aligned tables, JSON-safe values, the progress bar; and the
probability-table reader behind the command's PROBS.csv arguments."""

from __future__ import annotations

import io
import json
import time
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from blemore_fast import EMOTIONS, ValidationError
from blemore_fast.cli.terminal import Progress, jsonable, number, p_value, table
from blemore_fast.probs import ProbTable, concat_probs, read_names_map, read_probs, sniff_csv


class FakeTerminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_table_aligns_text_left_and_numbers_right() -> None:
    frame = pd.DataFrame(
        {"group": ["emotion", "pair"], "n": [1234, 5], "presence": [0.5, float("nan")]}
    )
    assert table(frame).splitlines() == [
        "group        n  presence",
        "emotion  1,234    0.5000",
        "pair         5",
    ]
    assert table(frame, formats={"presence": number(1, sign=True)}).splitlines()[1].endswith("+0.5")
    text = pd.DataFrame({"metric": ["a", "b"], "correct": ["1/10", "10/100"]})
    assert table(text, right=["correct"]).splitlines() == [
        "metric  correct",
        "a          1/10",
        "b        10/100",
    ]


def test_p_value_and_jsonable() -> None:
    assert [p_value(x) for x in (0.5, 0.00001, None)] == ["0.5000", "<0.0001", ""]
    value = {
        "a": np.float64("nan"),
        "b": np.arange(3),
        "c": pd.DataFrame({"x": [1.0, float("inf")]}),
        "d": (np.int64(2), pd.NA),
    }
    assert jsonable(value) == {
        "a": None,
        "b": [0, 1, 2],
        "c": [{"x": 1.0}, {"x": None}],
        "d": [2, None],
    }
    json.dumps(jsonable(value), allow_nan=False)


def test_progress_draws_on_a_terminal_and_clears_the_line() -> None:
    stream = FakeTerminal()
    with Progress(4, "reading", stream=stream, delay=0.0, interval=0.01) as bar:
        bar.advance(2)
        time.sleep(0.1)
    text = stream.getvalue()
    assert "reading [############............] 2/4" in text
    assert text.endswith("\r\x1b[2K")


def test_progress_spinner_for_unknown_length() -> None:
    stream = FakeTerminal()
    with Progress(None, "bootstrap", stream=stream, delay=0.0, interval=0.01):
        time.sleep(0.1)
    assert "bootstrap " in stream.getvalue() and "s" in stream.getvalue()


def test_progress_is_silent_off_a_terminal_and_for_quick_jobs() -> None:
    pipe = io.StringIO()
    with Progress(3, "x", stream=pipe, delay=0.0, interval=0.01) as bar:
        bar.advance(3)
        time.sleep(0.05)
    assert pipe.getvalue() == ""
    quick = FakeTerminal()
    with Progress(3, "x", stream=quick, delay=5.0):
        pass
    assert quick.getvalue() == ""


# --- PROBS.csv


def _write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


HEADER = "filename," + ",".join(EMOTIONS)


def test_read_probs_reorders_columns_and_keeps_exact_values(tmp_path: Path) -> None:
    path = _write(
        tmp_path / "p.csv",
        "neu,filename,ang,disg,fea,hap,sad,extra\n"
        "0.1,A101_ang_int1_ver1,0.30000000000000004,0.2,0.1,0.1,0.2,x\n",
    )
    table_ = read_probs(path)
    assert table_.names == ("A101_ang_int1_ver1",)
    assert table_.probs.tolist() == [[0.30000000000000004, 0.2, 0.1, 0.1, 0.2, 0.1]]
    assert sniff_csv(path) == "probs"
    assert sniff_csv(_write(tmp_path / "l.csv", "filename,emotion,salience\na,ang,100\n")) == "long"
    with pytest.raises(ValidationError, match="expected a probability table"):
        sniff_csv(_write(tmp_path / "x.csv", "a,b\n1,2\n"))


def test_read_probs_lists_every_problem(tmp_path: Path) -> None:
    path = _write(
        tmp_path / "p.csv",
        f"{HEADER}\n"
        "A101_ang_int1_ver1,0.5,0.5,0,0,0,0\n"
        ",0.5,0.5,0,0,0,0\n"
        "A101_ang_int2_ver1,abc,0.5,0,0,0,\n"
        "A101_ang_int1_ver1,0.5,0.5,0,0,0,inf\n",
    )
    with pytest.raises(ValidationError) as error:
        read_probs(path)
    messages = [str(p) for p in error.value.problems]
    assert messages == [
        "line 3: filename is empty",
        "A101_ang_int1_ver1: appears 2 times (lines 2, 5)",
        "A101_ang_int2_ver1: line 4: ang is 'abc', not a finite number",
        "A101_ang_int2_ver1: line 4: neu is empty",
        "A101_ang_int1_ver1: line 5: neu is 'inf', not a finite number",
    ]


def test_read_probs_logits(tmp_path: Path) -> None:
    path = _write(tmp_path / "p.csv", f"{HEADER}\nA101_ang_int1_ver1,2,0,0,0,0,-1\n")
    # The Python API speaks of its argument (the command says --logits: issue 13, item 7).
    with pytest.raises(
        ValidationError, match=r"(?s)1 of 1 rows hold values outside 0-1.*logits=True"
    ):
        read_probs(path)
    probs = read_probs(path, logits=True).probs
    expected = np.exp([2, 0, 0, 0, 0, -1]) / np.exp([2, 0, 0, 0, 0, -1]).sum()
    np.testing.assert_allclose(probs[0], expected, rtol=1e-15)


def test_concat_and_rename(tmp_path: Path) -> None:
    a = ProbTable(("c1", "c2"), np.eye(6)[:2], ("a.csv",))
    b = ProbTable(("c2", "c3"), np.eye(6)[2:4], ("b.csv",))
    with pytest.raises(ValidationError, match=r"1 clip\(s\) appear in both a.csv and b.csv"):
        concat_probs([a, b])
    with pytest.raises(ValueError, match="at least one"):
        concat_probs([])
    names_map = _write(tmp_path / "m.csv", "csv,submission\nc1,test_1.mov\nc2,test_1.mov\n")
    with pytest.raises(ValidationError, match="c2: maps to 'test_1.mov', as 'c1' does"):
        a.rename(read_names_map(names_map))
    with pytest.raises(ValidationError, match="c2: not in the names map"):
        a.rename({"c1": "x"})
    bad = _write(tmp_path / "bad.csv", "a,b,c\n1,2,3\n")
    with pytest.raises(ValidationError, match="expected two columns"):
        read_names_map(bad)
    assert a.rename({"c1": "x", "c2": "y"}).names == ("x", "y")
