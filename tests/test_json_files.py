"""The native file path against Python's reading of the same file, as
oracle: `json` (with the package's check of repeated keys and of the top
level) and the Python-object reader on the dict it gives.

- Round trips: valid predictions written natively are the bytes `json.dumps`
  writes, and read natively they score as `json.loads` of the same bytes.
- Any document, however odd its values and layout: the same encodings, or
  the same problems (kinds and messages), and the same warnings, in both
  modes, with labels from names or from a list.
- Corrupted bytes (a byte flipped, inserted, deleted; the file cut short):
  the same clean ValidationError (empty, not UTF-8 at the same byte, not
  JSON with Python's message at the same line and column), never a crash;
  or, when the corruption leaves valid JSON, the same result.
- A clip or key given twice, which `json.load` lets the last one win, is an
  error naming the clip.
"""

from __future__ import annotations

import json
import math
import warnings
from collections.abc import Callable
from pathlib import Path
from typing import Any

import blemore_fast as bf
import numpy as np
import pytest
from blemore_fast.inputs import load_predictions
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

CODES = list(bf.EMOTIONS)
PAIRS = [(a, b) for i, a in enumerate(CODES[:5]) for b in CODES[i + 1 : 5]]
BOM = b"\xef\xbb\xbf"


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("json")


# --- what the files hold -------------------------------------------------


@st.composite
def clip_names(draw: st.DrawFn) -> str:
    actor = f"A{draw(st.integers(1, 99))}"
    if draw(st.booleans()):
        a, b = draw(st.sampled_from(PAIRS))
        s1, s2 = draw(st.sampled_from([(30, 70), (50, 50), (70, 30)]))
        return f"{actor}_mix_{a}_{b}_{s1}_{s2}_ver1"
    return f"{actor}_{draw(st.sampled_from(CODES[:5]))}_int{draw(st.integers(1, 4))}_ver1"


valid_saliences = st.one_of(
    st.sampled_from([30, 50, 70, 100, 30.0, 70.0, 100.0, 69.5, 30.5, 0, 0.0]),
    st.floats(0, 100),
    st.integers(0, 100),
    st.integers(0, 100).map(str),
)


@st.composite
def valid_entries(draw: st.DrawFn) -> list[dict[str, Any]]:
    codes = draw(st.lists(st.sampled_from(CODES), min_size=1, max_size=2, unique=True))
    return [{"emotion": c, "salience": draw(valid_saliences)} for c in codes]


def valid_predictions() -> st.SearchStrategy[dict[str, Any]]:
    return st.dictionaries(clip_names(), valid_entries(), min_size=1, max_size=20)


#: Any JSON value, for the places where a file may hold anything.
json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(-(10**30), 10**30)
    | st.floats(allow_nan=True, allow_infinity=True)
    | st.text(max_size=12),
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=5), inner, max_size=3)
    ),
    max_leaves=6,
)

odd_text = st.one_of(
    st.text(max_size=10),
    st.sampled_from(
        ["\ud800", "ang\udfff", " 70 ", "\u0667\u0660", "7_0", "\u00a070", "1e999", "-0", "nan"]
    ),
)

saliences = st.one_of(
    valid_saliences,
    st.floats(-5, 150),
    st.sampled_from([math.nan, math.inf, -math.inf]),
    st.integers(-(10**400), 10**400),
    odd_text,
    json_values,
)
emotions = st.one_of(
    st.sampled_from(CODES),
    st.sampled_from(["happy", "anger", "", "ANG", "neutral", "\ud83d", "é"]),
    json_values,
)


@st.composite
def odd_entries(draw: st.DrawFn) -> Any:
    if draw(st.integers(0, 15)) == 0:
        return draw(json_values)  # no list at all
    entries = []
    for _ in range(draw(st.sampled_from([0, 1, 1, 2, 2, 3]))):
        if draw(st.integers(0, 15)) == 0:
            entries.append(draw(json_values))  # no dict
            continue
        entry: dict[str, Any] = {}
        keys = draw(st.permutations(["emotion", "salience", "extra"]))
        for key in keys:
            if key == "emotion" and draw(st.integers(0, 20)):
                entry[key] = draw(emotions)
            elif key == "salience" and draw(st.integers(0, 20)):
                entry[key] = draw(saliences)
            elif key == "extra" and draw(st.integers(0, 5)) == 0:
                entry[key] = draw(json_values)
        entries.append(entry)
    return entries


names = st.one_of(clip_names(), clip_names(), st.text(max_size=12), odd_text)


@st.composite
def documents(draw: st.DrawFn) -> Any:
    """A submission, bare or wrapped (sometimes with more keys), or anything."""
    preds = draw(st.dictionaries(names, odd_entries(), max_size=12))
    shape = draw(st.integers(0, 9))
    if shape == 0:
        return draw(json_values)
    if shape <= 3:
        return preds
    extra = draw(
        st.dictionaries(st.sampled_from(["version", "team", "preds"]), json_values, max_size=2)
    )
    items = [("predictions", preds), *extra.items()]
    if draw(st.booleans()):
        items.reverse()
    return dict(items)


@st.composite
def layouts(draw: st.DrawFn) -> dict[str, Any]:
    """How json.dumps lays a document out."""
    return {
        "indent": draw(st.sampled_from([None, None, 0, 1, 4, "\t"])),
        "ensure_ascii": draw(st.booleans()),
        "separators": draw(st.sampled_from([None, (",", ":"), (", ", ": "), (" ,", " : ")])),
    }


def dumps(document: Any, layout: dict[str, Any]) -> bytes:
    text = json.dumps(document, **layout).encode("utf-8", "surrogatepass")
    return text


# --- the oracle ----------------------------------------------------------


def outcome(run: Callable[[], bf.Aligned]) -> tuple[str, Any, list[str]]:
    """What a run gave: its encodings or its problems, and its warnings."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            aligned = run()
        except bf.ValidationError as error:
            result: tuple[str, Any] = (
                "problems",
                [(p.clip, p.kind, p.message) for p in error.problems],
            )
        except TypeError as error:
            result = ("type error", str(error))
        else:
            result = (
                "aligned",
                (
                    aligned.pred.mask.tolist(),
                    aligned.pred.salience.tolist(),
                    aligned.label.mask.tolist(),
                    aligned.label.salience.tolist(),
                    list(aligned.names or ()),
                ),
            )
    return (*result, [str(w.message) for w in caught])


def python_reading(path: Path, labels: Any, strict: bool) -> bf.Aligned:
    """The file read by Python's json (with its check of repeated keys and
    of the top level) and the prediction dict it gives aligned."""
    inner = load_predictions(path)
    return bf.align({"predictions": inner}, labels, strict=strict)


def check_file(path: Path, data: bytes, labels: Any = None, strict: bool = True) -> None:
    """The native reading of `data` against Python's: the same encodings, or
    the same problems (kinds and messages), and the same warnings."""
    path.write_bytes(data)
    try:
        json.loads(data.decode("utf-8-sig"))
    except (json.JSONDecodeError, UnicodeDecodeError):
        pass
    except (RecursionError, ValueError):
        assume(False)  # nested beyond Python's recursion, an int beyond 4,300 digits
    native = outcome(lambda: bf.align(path, labels, strict=strict))
    assert native == outcome(lambda: python_reading(path, labels, strict))


def _problems(path: Path) -> list[bf.Problem]:
    with pytest.raises(bf.ValidationError) as caught:
        bf.score(path)
    return caught.value.problems


FUZZ = settings(suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])


# --- the tests -----------------------------------------------------------


@FUZZ
@given(valid_predictions(), st.sampled_from([4, None, 0, 2]), st.booleans())
def test_valid_predictions_round_trip(
    folder: Path, preds: dict[str, Any], indent: int | None, wrapped: bool
) -> None:
    path = folder / "round.json"
    bf.write_submission(preds, path, indent=indent)
    data = path.read_bytes()
    expected = json.dumps({"predictions": preds}, indent=indent, ensure_ascii=False) + "\n"
    assert data == expected.encode("utf-8")
    assert bf.read_submission(path) == preds
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # fraction warnings
        assert bf.score(path) == bf.score(json.loads(data))
    if not wrapped:
        path.write_bytes(json.dumps(preds).encode())
    check_file(path, path.read_bytes())


@FUZZ
@given(documents(), layouts(), st.booleans(), st.booleans(), st.booleans())
def test_any_document_reads_as_the_dict_path(
    folder: Path, document: Any, layout: dict[str, Any], bom: bool, strict: bool, listed: bool
) -> None:
    data = (BOM if bom else b"") + dumps(document, layout)
    labels = None
    if listed and isinstance(document, dict):
        inner = document.get("predictions", document)
        names = [n for n in inner if isinstance(n, str)] if isinstance(inner, dict) else []
        labels = [*names[1:], "A1_ang_int1_ver1"]  # one missing, perhaps one extra
    check_file(folder / "any.json", data, labels, strict)


@st.composite
def corruptions(draw: st.DrawFn) -> bytes:
    data = bytearray(dumps(draw(documents()), draw(layouts())))
    for _ in range(draw(st.integers(1, 3))):
        how = draw(st.sampled_from(["flip", "insert", "delete", "cut"]))
        at = draw(st.integers(0, max(len(data) - 1, 0)))
        byte = draw(st.one_of(st.sampled_from(b'{}[]",:\\ \n0-.eE\xff\xc3'), st.integers(0, 255)))
        if how == "flip" and data:
            data[at] = byte
        elif how == "insert":
            data.insert(at, byte)
        elif how == "delete" and data:
            del data[at]
        else:
            del data[at:]
    return bytes(data)


@FUZZ
@given(corruptions(), st.booleans())
def test_corrupted_bytes_give_a_clean_error_or_the_same_result(
    folder: Path, data: bytes, strict: bool
) -> None:
    check_file(folder / "corrupt.json", data, None, strict)


def test_a_clip_given_twice_is_an_error_naming_it(tmp_path: Path) -> None:
    name = "A1_ang_int1_ver1"
    path = tmp_path / "twice.json"
    path.write_text(
        f'{{"predictions": {{"{name}": [{{"emotion": "ang", "salience": 100}}],\n'
        f' "{name}": [{{"emotion": "sad", "salience": 100}}]}}}}'
    )
    # json.load keeps the last: the clip would score as sad, wrongly.
    assert json.loads(path.read_text())["predictions"][name][0]["emotion"] == "sad"
    for read in (bf.score, bf.read_submission, bf.check_submission):
        try:
            problems = read(path)  # type: ignore[operator]
        except bf.ValidationError as error:
            problems = error.problems
        assert [(p.clip, p.kind) for p in problems] == [(name, "duplicate_clip")], read
    with pytest.raises(bf.ValidationError, match="appears 2 times in"):
        bf.read_submission(path, validate=False)
    with pytest.raises(bf.ValidationError, match="appears 2 times in"):
        bf.score(path, strict=False)


def test_keys_given_twice_are_errors(tmp_path: Path) -> None:
    entry = tmp_path / "entry.json"
    entry.write_text(
        '{"predictions": {"A1_ang_int1_ver1": [{"emotion": "sad", "emotion": "ang", '
        '"salience": 100}]}}'
    )
    assert [(p.clip, p.kind, p.message) for p in _problems(entry)] == [
        ("A1_ang_int1_ver1", "duplicate_key", "entry 0 has the key 'emotion' 2 times")
    ]
    top = tmp_path / "top.json"
    top.write_text('{"predictions": {"A1_ang_int1_ver1": []}, "predictions": {}}')
    assert [(p.clip, p.kind, p.message) for p in bf.check_submission(top)] == [
        (None, "duplicate_key", f"the top-level key 'predictions' appears 2 times in {top}")
    ]
    # A key given twice deep inside a value the reader ignores is seen too.
    nested = tmp_path / "nested.json"
    nested.write_text(
        '{"A1_ang_int1_ver1": [{"emotion": "ang", "salience": 100, "x": {"a": 1, "a": 2}}]}'
    )
    assert [p.kind for p in _problems(nested)] == ["duplicate_key"]


def test_many_clips_across_chunks_with_one_repeat(tmp_path: Path) -> None:
    """Across the reader's chunks, a repeat far apart is still found, and
    every other clip still scores as the dict path does."""
    rng = np.random.default_rng(0)
    preds = {}
    for i in range(60_000):
        a, b = PAIRS[rng.integers(len(PAIRS))]
        preds[f"A{i}_mix_{a}_{b}_30_70_ver1"] = [
            {"emotion": a, "salience": 30.0},
            {"emotion": b, "salience": 70.0},
        ]
    path = tmp_path / "many.json"
    text = json.dumps({"predictions": preds}, indent=4)
    path.write_text(text)
    assert path.stat().st_size > 4 * 256 * 1024
    assert bf.score(path) == bf.score(preds)
    first = next(iter(preds))
    again = f'"{first}": [{{"emotion": "ang", "salience": 100}}]'
    path.write_text('{"predictions": ' + json.dumps(preds)[:-1] + f", {again}}}}}")
    problems = bf.check_submission(path)
    assert [(p.clip, p.kind) for p in problems] == [(first, "duplicate_clip")]


@pytest.mark.parametrize(
    "text",
    [
        '{"predictions": {\n  "A1_ang_int1_ver1": [{"emotion": "ang", "salience": 10}\n}}',
        '{"predictions": {"A1_ang_int1_ver1": [{"emotion": "ang, "salience": 10}]}}',
        '{\n\n   "predictions": {"A1": [{"emotion": "ang",}]}}',
        '{"predictions": {"A1": [{"emotion": "é\\x"}]}}',
        '{"predictions": {"A1": [{"emotion": "\\u12"}]}}',
        '{"predictions": {"A1": [{"emotion": "ang\tx"}]}}',
        '{"predictions": {"A1": [1, 2,]}}',
        '{"predictions": {}} x',
        '{"é": "\u00e9", "a": nul}',
        "\n\n\n[1,\n 2",
    ],
)
def test_syntax_errors_say_what_python_says_where_it_says_it(tmp_path: Path, text: str) -> None:
    path = tmp_path / "bad.json"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(json.JSONDecodeError) as python:
        json.loads(text)
    (problem,) = _problems(path)
    assert problem.kind == "invalid_json"
    where = f"line {python.value.lineno}, column {python.value.colno}"
    assert problem.message.startswith(f"{path} is not valid JSON: {python.value.msg}")
    assert problem.message.endswith(where)
    assert " at at " not in problem.message
    with pytest.raises(bf.ValidationError) as caught:
        load_predictions(path)  # Python's json, as the package words its errors
    assert caught.value.problems == [problem]


def test_numbers_and_literals_read_as_python_reads_them(tmp_path: Path) -> None:
    name = "A1_mix_ang_hap_30_70_ver1"
    path = tmp_path / "numbers.json"
    for salience, kind in [
        ("NaN", "salience_nan"),
        ("-Infinity", "salience_infinite"),
        ("1e400", "salience_infinite"),
        ("1" * 400, "salience_too_large"),
        ('"\u0667\u0660"', None),  # Arabic-Indic digits seven, zero: float() reads 70.0
        ("69.5", None),
    ]:
        path.write_text(
            f'{{"{name}": [{{"emotion": "ang", "salience": 30}}, '
            f'{{"emotion": "hap", "salience": {salience}}}]}}',
            encoding="utf-8",
        )
        if kind is None:
            assert bf.score(path).salience == 1.0
        else:
            assert [p.kind for p in _problems(path)] == [kind]
    assert math.isinf(json.loads("1e400"))


def test_unusual_inputs_are_clean_errors(tmp_path: Path) -> None:
    path = tmp_path / "odd.json"
    for data, kind in [
        (BOM, "invalid_json"),
        (BOM + b" \n", "invalid_json"),
        (b"\x0c", "empty_file"),
        (b"[" * 5000 + b"]" * 5000, "invalid_json"),
        # An unterminated string past the length limit: refused as soon as it is.
        (b'"' + b"x" * 2_000_000, "too_large"),
        (b"{" + b'"a": 1, ' * 200_000 + b'"\xe9"', "not_utf8"),
    ]:
        path.write_bytes(data)
        assert [p.kind for p in _problems(path)] == [kind]
    path.write_bytes(b"[" * 5000 + b"]" * 5000)
    assert _problems(path)[0].message == f"{path} is not valid JSON: nested too deeply"
    path.write_bytes(b'{"A1_ang_int1_ver1": "' + b"x" * 1_000 + b'"}')
    (problem,) = _problems(path)  # a long value is cut in the message
    assert problem.kind == "not_a_list"
    assert problem.message.endswith("got str 'xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx…")
