"""One actor rule for the statistics and the reports.

An actor comes from the label table's ``actor`` (or ``video_id``) column,
else from a clip name in the dataset's scheme; a name such as
``test_0001.mov`` names no actor, and every function that needs one says
how to give it.
"""

from __future__ import annotations

import blemore_fast as bf
import numpy as np
import pandas as pd
import pytest
from blemore_fast.actors import clip_actors

# Codabench-style names: no actor in them.
PLAIN = [f"test_{i:04d}.mov" for i in range(12)]
PLAIN_ACTORS = ["A1"] * 4 + ["A2"] * 4 + ["A3"] * 4
EMOTION = ["ang", "hap", "sad"]


def _plain_preds() -> dict[str, list[dict[str, object]]]:
    return {
        name: [{"emotion": EMOTION[i % 3] if i % 5 else "fea", "salience": 100}]
        for i, name in enumerate(PLAIN)
    }


def _plain_labels(actor_column: str | None = "actor") -> pd.DataFrame:
    table = pd.DataFrame(
        {
            "filename": PLAIN,
            "emotion_1": [EMOTION[i % 3] for i in range(len(PLAIN))],
            "emotion_2": [None] * len(PLAIN),
            "emotion_1_salience": [None] * len(PLAIN),
            "emotion_2_salience": [None] * len(PLAIN),
        }
    )
    if actor_column is not None:
        table[actor_column] = PLAIN_ACTORS
    return table


def _label_dict() -> dict[str, list[dict[str, object]]]:
    return {n: [{"emotion": EMOTION[i % 3], "salience": 1.0}] for i, n in enumerate(PLAIN)}


def test_plain_names_name_no_actor_for_bootstrap_and_compare() -> None:
    preds, labels = _plain_preds(), _label_dict()
    expected = (
        r"cluster='actor' reads the clip names, but 12 of them are not in the dataset's "
        r"scheme \(first: 'test_0000.mov'\).*metadata table with an 'actor' column.*"
        r"cluster= an array or \{clip: group\} mapping"
    )
    with pytest.raises(ValueError, match=expected):
        bf.bootstrap(preds, labels, cluster="actor")
    with pytest.raises(ValueError, match=expected):
        bf.compare(preds, preds, labels, cluster="actor")


def test_plain_names_name_no_actor_for_breakdown_and_report() -> None:
    preds, labels = _plain_preds(), _label_dict()
    expected = (
        r"breakdown by 'actor' reads the clip names, but 12 of them are not in the dataset's "
        r"scheme \(first: 'test_0000.mov'\).*metadata table with an 'actor' column.*"
        r"leave 'actor' out of by="
    )
    with pytest.raises(ValueError, match=expected):
        bf.breakdown(preds, labels, by="actor")
    with pytest.raises(ValueError, match=expected):
        bf.html_report(preds, labels, by=("actor",), plots=False)


# Three actors with few or no blends: cluster-t warns that so few groups promise
# no coverage and that salience has no interval; the actors are what is tested.
@pytest.mark.filterwarnings("ignore::RuntimeWarning")
@pytest.mark.parametrize("column", ["actor", "video_id"])
def test_an_actor_column_gives_the_actors_to_every_function(column: str) -> None:
    preds, labels = _plain_preds(), _plain_labels(column)
    table = bf.breakdown(preds, labels, by="actor")
    assert table["category"].tolist() == ["A1", "A2", "A3"]
    assert table["n"].tolist() == [4, 4, 4]
    by_column = bf.bootstrap(preds, labels, cluster="actor")
    by_array = bf.bootstrap(preds, labels, cluster=PLAIN_ACTORS)
    assert (by_column.cluster, by_column.n_units) == ("actor", 3)
    # assert_equal: the mean is NaN without blends in two actors, and NaN != NaN.
    np.testing.assert_equal(by_column.presence.as_dict(), by_array.presence.as_dict())
    np.testing.assert_equal(by_column.mean.as_dict(), by_array.mean.as_dict())
    paired = bf.compare(preds, preds, labels, cluster="actor")
    assert paired.n_units == 3


@pytest.mark.filterwarnings("ignore::RuntimeWarning")  # as above
def test_bootstrap_and_breakdown_agree_on_actors_from_names() -> None:
    names = [
        "A101_ang_int1_ver1",
        "A101_mix_ang_hap_30_70_ver1",
        "A2_neu_sit1_ver2.mp4",
        "A2_sad_int4_ver1",
        "B77_fea_int2_ver1",
    ]
    preds = {n: [{"emotion": "ang", "salience": 100}] for n in names}
    parsed = [bf.parse_filename(n).actor for n in names]
    assert parsed == ["A101", "A101", "A2", "A2", "B77"]
    assert bf.breakdown(preds, by="actor")["category"].tolist() == ["A101", "A2", "B77"]
    by_name = bf.bootstrap(preds, cluster="actor")
    by_array = bf.bootstrap(preds, cluster=parsed)
    assert by_name.n_units == 3
    np.testing.assert_equal(by_name.presence.as_dict(), by_array.presence.as_dict())


def test_clip_actors_rule() -> None:
    names = ["A101_ang_int1_ver1", "test_0001.mov"]
    with pytest.raises(ValueError, match=r"1 of them are not in the dataset's scheme"):
        clip_actors(names)
    table = pd.DataFrame({"actor": ["X", "Y"]}, index=pd.Index(names, name="filename"))
    assert clip_actors(names, table).tolist() == ["X", "Y"]
    # `actor` wins over `video_id`
    table["video_id"] = ["V", "W"]
    assert clip_actors(names, table).tolist() == ["X", "Y"]
    table["actor"] = ["X", None]
    with pytest.raises(ValueError, match=r"column is empty for 1 clip\(s\), e.g. test_0001.mov"):
        clip_actors(names, table, what="breakdown by 'actor'")
    with pytest.raises(ValueError, match="needs clip names or label metadata"):
        clip_actors(None)
    assert clip_actors([]).shape == (0,)
    assert isinstance(clip_actors(["A1_ang_int1_ver1"]), np.ndarray)
