"""ProbTable as a first-class input, read_probs on several files, names maps with or without a header."""

from __future__ import annotations

from pathlib import Path

import blemore_fast as bf
import numpy as np
import pytest
from blemore_fast.probs import read_names_map

HEADER = "filename,ang,disg,fea,hap,sad,neu\n"


def write_folds(tmp_path: Path) -> list[Path]:
    rows = [
        "A101_ang_int1_ver1,0.7,0,0,0.3,0,0\n",
        "A102_hap_int1_ver1,0.1,0,0,0.9,0,0\n",
        "A103_neu_sit1_ver1,0,0,0,0.2,0,0.8\n",
    ]
    paths = []
    for k, row in enumerate(rows):
        path = tmp_path / f"fold{k}.csv"
        path.write_text(HEADER + row)
        paths.append(path)
    return paths


def test_probtable_is_first_class(tmp_path: Path) -> None:
    table = bf.read_probs(write_folds(tmp_path))
    expected = bf.decode(table.probs, alpha=0.2, beta=0.1)
    decoded = table.decode(alpha=0.2, beta=0.1)
    assert isinstance(decoded, bf.Encoded)
    np.testing.assert_array_equal(decoded.mask, expected.mask)
    assert decoded.names == table.names
    np.testing.assert_array_equal(bf.decode(table, alpha=0.2, beta=0.1).mask, expected.mask)
    grid = bf.grid_search(table, list(table.names), alphas=[0.2], betas=[0.1])
    assert (grid.presence, grid.n) == (bf.score(expected, list(table.names)).presence, 3)
    accumulator = bf.Accumulator()
    accumulator.update(table, alpha=0.2, beta=0.1)
    assert accumulator.compute() == bf.score(decoded)


def test_read_probs_pools_several_paths_and_a_glob(tmp_path: Path) -> None:
    paths = write_folds(tmp_path)
    pooled = bf.concat_probs(bf.read_probs(p) for p in paths)
    for given in (paths, [str(p) for p in paths], str(tmp_path / "fold*.csv")):
        table = bf.read_probs(given)
        assert table.names == pooled.names
        np.testing.assert_array_equal(table.probs, pooled.probs)
        assert table.sources == tuple(str(p) for p in paths)
    with pytest.raises(bf.ValidationError, match="no file matches"):
        bf.read_probs(str(tmp_path / "nothing*.csv"))
    # A clip in two files is an error, as concat_probs makes it.
    (tmp_path / "fold9.csv").write_text(HEADER + "A101_ang_int1_ver1,1,0,0,0,0,0\n")
    with pytest.raises(bf.ValidationError, match="appear in both"):
        bf.read_probs(str(tmp_path / "fold*.csv"))


def test_concat_probs_is_exported() -> None:
    assert "concat_probs" in bf.__all__


@pytest.mark.parametrize(
    "text",
    [
        "filename,submission\nA101_ang_int1_ver1,test_0001.mov\nA102_hap_int1_ver1,test_0002.mov\n",
        "A101_ang_int1_ver1,test_0001.mov\nA102_hap_int1_ver1,test_0002.mov\n",
    ],
)
def test_names_map_with_or_without_header(tmp_path: Path, text: str) -> None:
    path = tmp_path / "map.csv"
    path.write_text(text)
    assert read_names_map(path) == {
        "A101_ang_int1_ver1": "test_0001.mov",
        "A102_hap_int1_ver1": "test_0002.mov",
    }


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            "filename,test_0001.mov\nA102_hap_int1_ver1,test_0002.mov\n",
            "cannot tell whether line 1",
        ),
        ("old,new\nclip,video\n", r"line 1 \('old', 'new'\) was taken for the header"),
        ("old,new\n", "line 1 was taken for the header, and no row follows it"),
    ],
)
def test_names_map_header_that_cannot_be_told_is_an_error(
    tmp_path: Path, text: str, message: str
) -> None:
    path = tmp_path / "map.csv"
    path.write_text(text)
    with pytest.raises(bf.ValidationError, match=message):
        read_names_map(path)
