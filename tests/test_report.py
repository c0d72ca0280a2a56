"""`breakdown`, `confusion` and `baselines`, checked against the reference scorer
and against counts worked out independently from the clip names."""

from __future__ import annotations

import re
import warnings
from pathlib import Path
from typing import Any

import blemore_fast as bf
import numpy as np
import pandas as pd
import pytest
from blemore_fast import reference, synthetic
from blemore_fast.report import LABEL_CLASSES, OTHER
from hypothesis import given
from hypothesis import strategies as st

CODES = ["ang", "disg", "fea", "hap", "sad", "neu"]
# Categories read from the names by regex, independently of the library.
NAME = re.compile(
    r"^(?P<actor>A\d+)_(?:(?P<emotion>ang|disg|fea|hap|sad)_int(?P<intensity>\d)"
    r"|neu_sit(?P<situation>\d)"
    r"|mix_(?P<a>[a-z]+)_(?P<b>[a-z]+)_(?P<s1>\d+)_(?P<s2>\d+))_ver\d+$"
)


def categories(name: str) -> dict[str, str]:
    m = NAME.match(name)
    assert m, name
    result = {"all": "all", "actor": m["actor"]}
    if m["a"]:
        result |= {"kind": "blend", "pair": f"{m['a']}+{m['b']}", "ratio": f"{m['s1']}/{m['s2']}"}
    elif m["emotion"]:
        result |= {"kind": "single", "emotion": m["emotion"], "intensity": f"int{m['intensity']}"}
    else:
        result |= {"kind": "single", "emotion": "neu", "situation": f"sit{m['situation']}"}
    return result


def label_class(name: str) -> str:
    c = categories(name)
    return f"{c['pair']} {c['ratio']}" if c["kind"] == "blend" else c["emotion"]


@pytest.fixture(scope="module")
def test_set() -> tuple[pd.DataFrame, dict[str, Any]]:
    data = synthetic.make_dataset(seed=2)
    rows = data.select("test")
    clips = data.clips[rows].reset_index(drop=True)
    names = clips["filename"].tolist()
    preds = reference.probs_to_dict(reference.top2(data.probs["good"][rows]), names, 0.1, 0.2)
    return clips, preds


ALL_GROUPS = ("all", "kind", "emotion", "pair", "ratio", "intensity", "situation", "actor")


def test_breakdown_rows_equal_reference_on_each_category(
    test_set: tuple[pd.DataFrame, dict[str, Any]],
) -> None:
    clips, preds = test_set
    table = bf.breakdown(preds, clips, by=ALL_GROUPS)
    assert list(table.columns) == [
        "group",
        "category",
        "n",
        "n_blend",
        "presence_correct",
        "presence",
        "salience_correct",
        "salience",
    ]
    expected_rows = 0
    for group in ALL_GROUPS:
        members: dict[str, dict[str, Any]] = {}
        for name, entries in preds.items():
            category = categories(name).get(group)
            if category is not None:
                members.setdefault(category, {})[name] = entries
        rows = table[table["group"] == group].set_index("category")
        assert set(rows.index) == set(members), group
        expected_rows += len(members)
        for category, subset in members.items():
            want = reference.score(subset)
            got = rows.loc[category]
            assert got["n"] == want["n"] and got["n_blend"] == want["n_blend"]
            assert got["presence_correct"] == want["presence_correct"]
            assert got["salience_correct"] == want["salience_correct"]
            assert got["presence"] == want["presence"]
            if want["n_blend"]:
                assert got["salience"] == want["salience"]
            else:
                assert np.isnan(got["salience"])  # not 0.0: there is nothing to be right about
    assert len(table) == expected_rows


def test_breakdown_totals_add_up_to_score(test_set: tuple[pd.DataFrame, dict[str, Any]]) -> None:
    clips, preds = test_set
    total = reference.score(preds)
    table = bf.breakdown(preds, clips, by=ALL_GROUPS)
    counts = ["n", "n_blend", "presence_correct", "salience_correct"]
    want = [total[c] for c in counts]

    def sums(*groups: str) -> list[int]:
        return table[table["group"].isin(groups)][counts].sum().tolist()

    for partition in [
        ("all",),
        ("kind",),
        ("actor",),
        ("emotion", "pair"),
        ("intensity", "situation", "pair"),
    ]:
        assert sums(*partition) == want, partition
    ratio = sums("ratio")
    assert (ratio[1], ratio[3]) == (total["n_blend"], total["salience_correct"])


def test_breakdown_order_and_defaults(test_set: tuple[pd.DataFrame, dict[str, Any]]) -> None:
    clips, preds = test_set
    table = bf.breakdown(preds, clips)
    assert list(dict.fromkeys(table["group"])) == ["emotion", "pair", "ratio", "actor"]
    assert table[table["group"] == "emotion"]["category"].tolist() == CODES
    assert table[table["group"] == "ratio"]["category"].tolist() == ["30/70", "50/50", "70/30"]
    pairs = table[table["group"] == "pair"]["category"].tolist()
    assert pairs[:4] == ["ang+disg", "ang+fea", "ang+hap", "ang+sad"] and len(pairs) == 10
    actors = table[table["group"] == "actor"]["category"].tolist()
    assert actors == sorted(actors) and len(actors) == 11
    assert bf.breakdown(preds, clips, by="pair").equals(
        table[table["group"] == "pair"].reset_index(drop=True)
    )


def test_breakdown_reads_actor_and_folds_from_metadata() -> None:
    names = ["A101_ang_int1_ver1", "A101_neu_sit2_ver1", "A202_mix_fea_sad_50_50_ver1"]
    meta = pd.DataFrame(
        {
            "filename": names,
            "actor": ["x", "x", "y"],
            "fold": [0.0, np.nan, 1.0],
            "site": ["s", "t", "s"],
        }
    )
    preds = {
        names[0]: [{"emotion": "ang", "salience": 100}],
        names[1]: [{"emotion": "sad", "salience": 100}],
        names[2]: [{"emotion": "fea", "salience": 50}, {"emotion": "sad", "salience": 50}],
    }
    table = bf.breakdown(preds, meta, by=("actor", "fold", "site")).set_index(["group", "category"])
    assert table.loc[("actor", "x"), ["n", "presence_correct"]].tolist() == [2, 1]
    assert table.loc[("actor", "y"), ["n", "salience_correct"]].tolist() == [1, 1]
    # float folds from a CSV with blanks are shown as integers; blanks as (missing)
    assert [c for g, c in table.index if g == "fold"] == ["0", "1", "(missing)"]
    assert table.loc[("site", "s"), "n"] == 2
    # without metadata, the actor comes from the clip name
    by_name = bf.breakdown(preds, by="actor")
    assert by_name["category"].tolist() == ["A101", "A202"]


def test_breakdown_errors() -> None:
    preds = {"test_0001.mov": [{"emotion": "ang", "salience": 100}]}
    labels = {"test_0001.mov": [{"emotion": "ang", "salience": 1.0}]}
    with pytest.raises(
        ValueError, match=r"breakdown by 'actor' reads the clip names.*'test_0001.mov'"
    ):
        bf.breakdown(preds, labels)
    table = bf.breakdown(preds, labels, by=("emotion", "kind"))
    assert table["n"].tolist() == [1, 1]
    with pytest.raises(ValueError, match=r"unknown breakdown group 'colour'"):
        bf.breakdown(preds, labels, by=("colour",))
    with pytest.raises(ValueError, match="at least one group"):
        bf.breakdown(preds, labels, by=())
    with pytest.raises(TypeError, match="group names"):
        bf.breakdown(preds, labels, by=(1,))  # type: ignore[arg-type]


def test_breakdown_of_encoded_and_aligned_inputs(
    test_set: tuple[pd.DataFrame, dict[str, Any]],
) -> None:
    clips, preds = test_set
    aligned = bf.align(preds, clips)
    direct = bf.breakdown(preds, clips, by=("pair", "actor"))
    assert bf.breakdown(aligned, by=("pair", "actor")).equals(direct)
    encoded = bf.Encoded(aligned.pred.mask, aligned.pred.salience, names=aligned.names)
    assert bf.breakdown(encoded, by=("pair", "actor")).equals(direct)
    with pytest.raises(ValueError, match="labels and partition must be None"):
        bf.breakdown(aligned, clips)


def test_confusion_rows_sum_to_label_counts(test_set: tuple[pd.DataFrame, dict[str, Any]]) -> None:
    clips, preds = test_set
    matrix = bf.confusion(preds, clips)
    assert matrix.shape == (36, 37)
    assert matrix.index.tolist() == list(LABEL_CLASSES) and matrix.columns[-1] == OTHER
    label_counts = pd.Series([label_class(n) for n in preds]).value_counts()
    assert (matrix.sum(axis=1) == label_counts.reindex(matrix.index, fill_value=0)).all()
    # the decoded predictions are all canonical, so the columns count them by class
    pred_classes = pd.Series(
        [
            entries[0]["emotion"]
            if len(entries) == 1
            else f"{entries[0]['emotion']}+{entries[1]['emotion']} "
            f"{entries[0]['salience']:g}/{entries[1]['salience']:g}"
            for entries in preds.values()
        ]
    ).value_counts()
    assert (matrix.sum(axis=0) == pred_classes.reindex(matrix.columns, fill_value=0)).all()
    total = reference.score(preds)
    diagonal = np.diag(matrix.to_numpy()[:, :36])
    singles_right = total["presence_correct"] - sum(
        reference.presence_single(reference.label_from_filename(n), p)
        for n, p in preds.items()
        if "_mix_" in n
    )
    assert diagonal[:6].sum() == singles_right
    assert diagonal[6:].sum() == total["salience_correct"]


def test_confusion_other_column_by_hand() -> None:
    blend = "A1_mix_ang_hap_30_70_ver1"
    cases = {
        "three entries": [
            {"emotion": "ang", "salience": 30},
            {"emotion": "hap", "salience": 60},
            {"emotion": "sad", "salience": 10},
        ],
        "pair in three entries": [
            {"emotion": "ang", "salience": 30},
            {"emotion": "hap", "salience": 70},
            {"emotion": "ang", "salience": 30},
        ],
        "unknown code": [{"emotion": "joy", "salience": 100}],
        "ratio 60/40": [{"emotion": "ang", "salience": 60}, {"emotion": "hap", "salience": 40}],
        "neutral pair": [{"emotion": "hap", "salience": 50}, {"emotion": "neu", "salience": 50}],
        "fractions": [{"emotion": "ang", "salience": 0.3}, {"emotion": "hap", "salience": 0.7}],
    }
    for what, entries in cases.items():
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # the fraction warning
            matrix = bf.confusion({blend: entries}, strict=False)
        assert matrix.loc["ang+hap 30/70", OTHER] == 1, what
        assert matrix.to_numpy().sum() == 1, what
    # reversed entry order and string saliences are the same class
    matrix = bf.confusion(
        {blend: [{"emotion": "hap", "salience": "70"}, {"emotion": "ang", "salience": 30.4}]}
    )
    assert matrix.loc["ang+hap 30/70", "ang+hap 30/70"] == 1
    # a single emotion at any salience is that single class (presence is a set)
    matrix = bf.confusion({"A1_sad_int1_ver1": [{"emotion": "sad", "salience": 3}]})
    assert matrix.loc["sad", "sad"] == 1


def test_confusion_label_outside_classes_and_normalize() -> None:
    labels = {
        "c1": [{"emotion": "hap", "salience": 60}, {"emotion": "sad", "salience": 40}],
        "c2": [{"emotion": "hap", "salience": 1.0}],
        "c3": [{"emotion": "hap", "salience": 1.0}],
    }
    preds = {
        "c1": [{"emotion": "hap", "salience": 100}],
        "c2": [{"emotion": "hap", "salience": 100}],
        "c3": [{"emotion": "sad", "salience": 100}],
    }
    matrix = bf.confusion(preds, labels)
    assert matrix.shape == (37, 37) and matrix.index[-1] == OTHER
    assert matrix.loc[OTHER, "hap"] == 1
    shares = bf.confusion(preds, labels, normalize=True)
    assert shares.loc["hap", "hap"] == 0.5 and shares.loc["hap", "sad"] == 0.5
    assert shares.loc["ang"].isna().all()


clip_names = st.sampled_from(synthetic.actor_clip_names("A7") + synthetic.actor_clip_names("A9"))
entry = st.fixed_dictionaries(
    {
        "emotion": st.sampled_from([*CODES, "joy"]),
        "salience": st.sampled_from([100.0, 30, 50, 70, "70", 29.6, 60, 0.5]),
    }
)


@given(
    st.dictionaries(clip_names, st.lists(entry, min_size=1, max_size=3), min_size=1, max_size=25)
)
def test_breakdown_and_confusion_properties(preds: dict[str, list[dict[str, Any]]]) -> None:
    try:
        total = reference.score(preds)
    except (ValueError, TypeError):
        return  # the published scorer cannot score it; align rejects it too
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        table = bf.breakdown(preds, by=("kind", "emotion", "pair", "actor"), strict=False)
        matrix = bf.confusion(preds, strict=False)
    for group in ("kind", "actor"):
        rows = table[table["group"] == group]
        assert rows["n"].sum() == total["n"]
        assert rows["presence_correct"].sum() == total["presence_correct"]
        assert rows["salience_correct"].sum() == total["salience_correct"]
    label_counts = pd.Series([label_class(n) for n in preds]).value_counts()
    assert (matrix.sum(axis=1) == label_counts.reindex(matrix.index, fill_value=0)).all()
    assert np.diag(matrix.to_numpy()[:, :36])[6:].sum() == total["salience_correct"]


# --- baselines


def test_baselines_by_hand() -> None:
    train = [
        "A1_hap_int1_ver1",
        "A1_hap_int2_ver1",
        "A1_sad_int1_ver1",
        "A1_mix_fea_sad_50_50_ver1",
        "A1_mix_fea_sad_70_30_ver1",
        "A2_mix_fea_sad_70_30_ver1",
        "A1_mix_ang_hap_30_70_ver1",
    ]
    test = [
        "A3_hap_int1_ver1",
        "A3_sad_int1_ver1",
        "A3_mix_fea_sad_70_30_ver1",
        "A3_mix_fea_sad_30_70_ver1",
        "A3_mix_ang_hap_30_70_ver1",
    ]
    result = bf.baselines(train, test)
    assert result.single_emotion == "hap" and result.ties["single"] == ("hap",)
    assert (result.single.presence_correct, result.single.n) == (1, 5)
    assert result.single.salience_correct == 0 and result.single.n_blend == 3
    assert result.blend_pair == ("fea", "sad") and result.blend_ratio == "70/30"
    assert (result.blend.presence_correct, result.blend.salience_correct) == (2, 1)
    assert result.blend_by_ratio["30/70"].salience_correct == 1
    assert result.blend_by_ratio["50/50"].salience_correct == 0
    # the predictions, scored by the reference, give the same numbers
    want = reference.score({n: result.blend_prediction for n in test})
    assert (want["presence_correct"], want["salience_correct"]) == (2, 1)
    table = result.table()
    assert table["prediction"].tolist() == ["hap", "fea+sad 70/30"]


def test_baselines_break_ties_by_test_counts_then_order() -> None:
    train = [
        "A1_hap_int1_ver1",
        "A1_fea_int1_ver1",
        "A1_mix_ang_fea_30_70_ver1",
        "A1_mix_ang_hap_30_70_ver1",
    ]
    test = ["A2_hap_int1_ver1", "A2_mix_ang_hap_50_50_ver1"]
    result = bf.baselines(train, test)
    assert result.ties["single"] == ("fea", "hap") and result.single_emotion == "hap"
    assert result.ties["pair"] == ("ang+fea", "ang+hap") and result.blend_pair == ("ang", "hap")
    assert result.blend_ratio == "30/70"  # the only train ratio of ang+hap
    even = bf.baselines(train, ["A2_sad_int1_ver1"])
    assert even.single_emotion == "fea" and even.blend_pair == ("ang", "fea")  # class order


def test_baselines_errors() -> None:
    with pytest.raises(ValueError, match="no blend clip"):
        bf.baselines(["A1_hap_int1_ver1"], ["A2_hap_int1_ver1"])
    with pytest.raises(ValueError, match="no single-emotion clip"):
        bf.baselines(["A1_mix_ang_hap_30_70_ver1"], ["A2_hap_int1_ver1"])
    with pytest.raises(ValueError, match="0 test clips"):
        bf.baselines(["A1_hap_int1_ver1"], [])


def test_baselines_reproduce_the_challenge_figures(data_dir: Path) -> None:
    clips = pd.read_csv(data_dir / "clips.csv")
    train, test = clips[clips["partition"] == "train"], clips[clips["partition"] == "test"]
    result = bf.baselines(train, test)
    assert result.ties["single"] == ("fea", "hap") and result.single_emotion == "fea"
    assert result.ties["pair"] == ("ang+fea", "ang+hap") and result.blend_pair == ("ang", "hap")
    assert result.blend_ratio == "30/70"
    assert round(result.single.presence, 3) == 0.074
    assert round(result.blend.presence, 3) == 0.059
    assert round(result.blend.salience, 3) == 0.036
    rounded = {r: round(s.salience, 3) for r, s in result.blend_by_ratio.items()}
    assert rounded == {"30/70": 0.036, "50/50": 0.036, "70/30": 0.033}
    # the same predictions written out and scored by the reference
    names = test["filename"].tolist()
    single = reference.score({n: result.single_prediction for n in names})
    blend = reference.score({n: result.blend_prediction for n in names})
    assert single["presence"] == result.single.presence
    assert (blend["presence"], blend["salience"]) == (result.blend.presence, result.blend.salience)
