"""Clip names in the dataset's naming scheme."""

from __future__ import annotations

import dataclasses

import blemore_fast as bf
import pytest


def test_parse_filename_gives_a_typed_record() -> None:
    clip = bf.parse_filename("A411_mix_ang_hap_30_70_ver1.mov")
    assert clip == bf.ClipName(
        name="A411_mix_ang_hap_30_70_ver1.mov",
        actor="A411",
        emotions=("ang", "hap"),
        saliences=(30, 70),
        intensity=None,
        situation=None,
        version=1,
    )
    assert clip.mix
    with pytest.raises(dataclasses.FrozenInstanceError):
        clip.actor = "x"  # type: ignore[misc]
    single = bf.parse_filename("A102_disg_int3_ver2")
    assert (single.emotions, single.saliences, single.intensity, single.version) == (
        ("disg",),
        (100,),
        3,
        2,
    )
    neutral = bf.parse_filename("A303_neu_sit4_ver1.wav")
    assert (neutral.emotions, neutral.situation, neutral.intensity, neutral.mix) == (
        ("neu",),
        4,
        None,
        False,
    )


def test_labels_from_filenames_follow_the_published_format() -> None:
    assert bf.labels_from_filenames(
        ["A102_ang_int1_ver1", "A303_neu_sit2_ver1", "A411_mix_ang_hap_30_70_ver1"]
    ) == {
        "A102_ang_int1_ver1": [{"emotion": "ang", "salience": 1.0}],
        "A303_neu_sit2_ver1": [{"emotion": "neu", "salience": 1.0}],
        "A411_mix_ang_hap_30_70_ver1": [
            {"emotion": "ang", "salience": "30"},
            {"emotion": "hap", "salience": "70"},
        ],
    }


def test_labels_from_filenames_lists_every_bad_name() -> None:
    with pytest.raises(bf.ValidationError) as caught:
        bf.labels_from_filenames(["A1_ang_int1_ver1", "nope", "A1_mix_ang_ang_50_50_ver1"])
    assert [p.clip for p in caught.value.problems] == ["nope", "A1_mix_ang_ang_50_50_ver1"]
    assert "two different non-neutral emotions" in caught.value.problems[1].message


@pytest.mark.parametrize(
    "name",
    [
        "A102_ang_int1",
        "A102_neu_int1_ver1",
        "A102_ang_sit1_ver1",
        "A102_ang_intx_ver1",
        "A102_ang_int1_verx",
        "A411_mix_ang_hap_30_ver1",
        "A411_mix_hap_neu_50_50_ver1",
        "A 1_ang_int1_ver1",
        "",
    ],
)
def test_malformed_names_are_rejected(name: str) -> None:
    with pytest.raises(ValueError, match="is not a BlEmoRe clip name"):
        bf.parse_filename(name)


def test_emotions_are_the_six_codes() -> None:
    assert bf.EMOTIONS == ("ang", "disg", "fea", "hap", "sad", "neu")
