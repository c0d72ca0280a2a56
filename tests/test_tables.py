"""Probability tables read by column name, from pandas, polars and Arrow.

A table's columns may come in any order: every reader must give what the
array in challenge order gives (the array being the positional truth), and
a table read by position would not (the tests check that too, so that they
can fail)."""

from __future__ import annotations

import sys
from pathlib import Path

import blemore_fast as bf
import numpy as np
import pandas as pd
import polars as pl
import pyarrow as pa
import pytest
from blemore_fast.encoded import to_dict
from blemore_fast.synthetic import make_dataset
from hicmae import load_outputs

#: The issue's column order, which a positional reader gets wrong.
REORDERED = ["neu", "sad", "hap", "fea", "disg", "ang"]


def frames(names: list[str], probs: np.ndarray) -> dict[str, object]:
    """The same probabilities as a reordered pandas frame, a polars frame
    and a pyarrow table (and polars/arrow in challenge order)."""
    frame = pd.DataFrame(probs, columns=list(bf.EMOTIONS))
    frame.insert(0, "filename", names)
    reordered = frame[["filename", *REORDERED]]
    return {
        "pandas reordered": reordered,
        "pandas index": reordered.set_index("filename"),
        "polars": pl.from_pandas(reordered),
        "pyarrow": pa.Table.from_pandas(reordered, preserve_index=False),
        "polars challenge order": pl.from_pandas(frame),
        "arrow record batch": pa.RecordBatch.from_pandas(frame, preserve_index=False),
        "ProbTable": bf.ProbTable(tuple(names), probs),
    }


def check_tables(names: list[str], probs: np.ndarray, labels: object) -> None:
    expected = bf.decode(probs, alpha=0.3, beta=0.1)
    grid = bf.grid_search(probs, labels, alphas=[0.1, 0.3, 0.5], betas=[0.05, 0.2])
    for kind, table in frames(names, probs).items():
        decoded = bf.decode(table, alpha=0.3, beta=0.1)
        assert isinstance(decoded, bf.Encoded), kind
        np.testing.assert_array_equal(decoded.mask, expected.mask, err_msg=kind)
        np.testing.assert_array_equal(decoded.salience, expected.salience, err_msg=kind)
        assert decoded.names == tuple(names), kind
        got = bf.grid_search(table, labels, alphas=[0.1, 0.3, 0.5], betas=[0.05, 0.2])
        np.testing.assert_array_equal(got.presence_correct, grid.presence_correct, err_msg=kind)
        np.testing.assert_array_equal(got.salience_correct, grid.salience_correct, err_msg=kind)
        accumulator = bf.Accumulator()
        accumulator.update(table, labels, alpha=0.3, beta=0.1)
        assert accumulator.compute() == bf.score(expected, labels), kind


def test_real_tables_decode_and_search_as_the_array(data_dir: Path) -> None:
    names, probs = load_outputs(data_dir / "hicmae" / "test_epoch100_ce.csv")
    check_tables(names, probs, names)
    # The example: presence 0.3148 by name; 0.0354 read by position.
    table = frames(names, probs)["pandas reordered"]
    assert round(bf.score(bf.decode(table, alpha=0.3, beta=0.1), names).presence, 4) == 0.3148
    positional = bf.decode(table[REORDERED].to_numpy(), alpha=0.3, beta=0.1)
    assert round(bf.score(positional, names).presence, 4) == 0.0354


def test_synthetic_tables_decode_and_search_as_the_array() -> None:
    data = make_dataset(seed=3)
    rows = data.select("test")
    names = data.clips["filename"].to_numpy()[rows].tolist()
    check_tables(names, np.asarray(data.probs["good"][rows]), data.clips[rows])


def test_named_rows_match_labels_by_name() -> None:
    names = ["A101_ang_int1_ver1", "A102_hap_int1_ver1"]
    probs = np.array([[0.9, 0, 0, 0.1, 0, 0], [0.1, 0, 0, 0.9, 0, 0]])
    table = pl.DataFrame({"filename": names, **dict(zip(bf.EMOTIONS, probs.T, strict=True))})
    # Labels in the other order are matched by name, not by row.
    result = bf.grid_search(table, names[::-1], alphas=[0.5], betas=[0.1])
    assert result.presence == 1.0
    accumulator = bf.Accumulator()
    accumulator.update(table, alpha=0.5, beta=0.1)  # labels from the clip names
    assert accumulator.compute().presence == 1.0
    with pytest.raises(ValueError, match="names= names an array's rows"):
        bf.decode(table, alpha=0.5, beta=0.1, names=names)


@pytest.mark.parametrize(
    ("columns", "message"),
    [
        (["filename", *bf.EMOTIONS[:5]], "missing column.s. neu"),
        (["filename", *bf.EMOTIONS[:5], "neutral"], "unknown column 'neutral' .did you mean 'neu'"),
        (["filename", *bf.EMOTIONS, "actor"], "unknown column 'actor'"),
    ],
)
def test_bad_columns_are_named(columns: list[str], message: str) -> None:
    frame = pd.DataFrame(np.full((1, len(columns)), 0.1), columns=columns)
    frame["filename"] = ["A101_ang_int1_ver1"]
    for table in (frame, pl.from_pandas(frame), pa.Table.from_pandas(frame)):
        with pytest.raises(bf.ValidationError, match=message):
            bf.decode(table, alpha=0.3, beta=0.1)


def test_duplicated_column_is_named() -> None:
    frame = pd.DataFrame(np.full((1, 7), 0.1), columns=[*bf.EMOTIONS, "ang"])
    with pytest.raises(bf.ValidationError, match="column 'ang' appears 2 times"):
        bf.decode(frame, alpha=0.3, beta=0.1)
    arrow = pa.table([pa.array([0.1])] * 7, names=[*bf.EMOTIONS, "ang"])
    with pytest.raises(bf.ValidationError, match="column 'ang' appears 2 times"):
        bf.grid_search(arrow, ["A101_ang_int1_ver1"])


def test_classes_is_for_arrays() -> None:
    frame = pd.DataFrame(np.full((1, 6), 0.1), columns=REORDERED)
    with pytest.raises(TypeError, match="classes= is for arrays"):
        bf.decode(frame, alpha=0.3, beta=0.1, classes=REORDERED)


def test_float32_columns_stay_float32() -> None:
    # Decisions depend on the dtype: 0.1447 in float32 is not 0.1447 in float64.
    frame = pl.DataFrame(
        {c: [v] for c, v in zip(bf.EMOTIONS, [0.5, 0.1447, 0, 0, 0, 0], strict=True)}
    )
    frame = frame.cast(pl.Float32)
    array = frame.to_numpy()
    assert array.dtype == np.float32
    expected = bf.decode(array, alpha=0.1447, beta=0.1).mask
    np.testing.assert_array_equal(bf.decode(frame, alpha=0.1447, beta=0.1).mask, expected)


def test_long_predictions_and_metadata_from_polars_and_arrow() -> None:
    data = make_dataset(seed=2)
    rows = data.select("test")
    names = data.clips["filename"].to_numpy()[rows].tolist()
    preds = to_dict(bf.decode(data.probs["good"][rows], alpha=0.3, beta=0.1), names)
    long = pd.DataFrame(
        [(n, e["emotion"], e["salience"]) for n, es in preds.items() for e in es],
        columns=["filename", "emotion", "salience"],
    )
    metadata = data.clips[rows].reset_index(drop=True)
    expected = bf.score(preds, metadata)
    for kind in (pl.from_pandas, lambda f: pa.Table.from_pandas(f, preserve_index=False)):
        assert bf.score(kind(long), kind(metadata)) == expected
        accumulator = bf.Accumulator()
        accumulator.update(kind(long), kind(metadata))
        assert accumulator.compute() == expected


def test_no_library_is_imported_until_given(tmp_path: Path) -> None:
    import subprocess

    code = (
        "import sys, numpy as np, blemore_fast as bf\n"
        "bf.decode(np.eye(6), alpha=0.3, beta=0.1)\n"
        "bf.score({'A102_ang_int1_ver1': [{'emotion': 'ang', 'salience': 100}]})\n"
        "print(sorted(m for m in ('polars', 'pyarrow') if m in sys.modules))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


class CapsuleOnly:
    """Exposes only the Arrow PyCapsule interface, as DuckDB or DataFusion results do."""

    def __init__(self, table: pa.Table) -> None:
        self.table = table

    def __arrow_c_stream__(self, requested_schema: object = None) -> object:
        return self.table.__arrow_c_stream__(requested_schema)


def test_arrow_pycapsule_objects_are_read() -> None:
    probs = np.array([[0.6, 0, 0, 0.3, 0.1, 0]])
    table = pa.table(dict(zip(REORDERED[::-1], probs.T, strict=True)))
    np.testing.assert_array_equal(
        bf.decode(CapsuleOnly(table), alpha=0.2, beta=0.1).mask,
        bf.decode(probs, alpha=0.2, beta=0.1).mask,
    )


def test_logit_files_read_by_polars_decode_with_logits_true(data_dir: Path) -> None:
    # The dataset's CSVs hold logits: refused as probabilities, read with logits=True.
    table = pl.read_csv(data_dir / "hicmae" / "test_epoch100_ce.csv")
    with pytest.raises(ValueError, match="logits=True"):
        bf.decode(table, alpha=0.3, beta=0.1)
    decoded = bf.decode(table, alpha=0.3, beta=0.1, logits=True)
    assert round(bf.score(decoded).presence, 4) == 0.3148


def test_missing_values_and_integer_columns() -> None:
    values = {c: [0.5, 0.1] for c in bf.EMOTIONS}
    with_null = pl.DataFrame({**values, "ang": [0.5, None]})
    with pytest.raises(ValueError, match="row 1, column 0 is NaN"):
        bf.decode(with_null, alpha=0.3, beta=0.1)
    nullable = pd.DataFrame(values).astype("Float64")
    nullable.loc[1, "ang"] = pd.NA
    with pytest.raises(ValueError, match="row 1, column 0 is NaN"):
        bf.decode(nullable, alpha=0.3, beta=0.1)
    with pytest.raises(TypeError, match="column 'hap' .* floating-point"):
        bf.decode(pl.DataFrame({**values, "hap": [1, 0]}), alpha=0.3, beta=0.1)
    with pytest.raises(bf.ValidationError, match="filename is empty or not a string"):
        bf.decode(pl.DataFrame({"filename": ["a", None], **values}), alpha=0.3, beta=0.1)
    with pytest.raises(bf.ValidationError, match="a: appears in 2 rows"):
        bf.decode(pl.DataFrame({"filename": ["a", "a"], **values}), alpha=0.3, beta=0.1)


def test_one_column_is_not_a_table() -> None:
    # A pandas Series or Index exports an Arrow stream too: as labels it holds clip names.
    names = ["A101_ang_int1_ver1", "A102_hap_int1_ver1"]
    expected = bf.score({n: [{"emotion": "ang", "salience": 100}] for n in names}, names)
    for column in (pd.Series(names), pd.Index(names)):
        got = bf.score({n: [{"emotion": "ang", "salience": 100}] for n in names}, column)
        assert got == expected
