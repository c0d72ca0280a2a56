"""Labels read from clip names, in the dataset's naming scheme.

``A102_ang_int1_ver1`` (a basic emotion at intensity 1-4),
``A303_neu_sit2_ver1`` (neutral, situation 1-4) and
``A411_mix_ang_hap_30_70_ver1`` (a blend: ang at 30, hap at 70).
A file extension such as ``.mp4`` is tolerated.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from . import _core

__all__ = ["ClipName", "labels_from_filenames", "parse_filename"]


@dataclass(frozen=True)
class ClipName:
    """A parsed clip name, the result of :func:`parse_filename`.

    Attributes
    ----------
    name : str
        The name as given.
    actor : str
        The actor, such as ``A411``.
    emotions : tuple of str
        One emotion code, or the blend's two in the name's order.
    saliences : tuple of int
        Paired with ``emotions``: ``(100,)`` for a single emotion, ``(30, 70)``
        for ``..._mix_ang_hap_30_70_...``.
    intensity, situation : int or None
        The intensity (1-4) of an emotion, or the situation (1-4) of a neutral
        clip; ``None`` for a blend.
    version : int
        The recording's version.

    Examples
    --------
    >>> clip = parse_filename("A411_mix_ang_hap_30_70_ver1.mp4")
    >>> clip.actor, clip.emotions, clip.saliences, clip.mix
    ('A411', ('ang', 'hap'), (30, 70), True)
    """

    name: str
    actor: str
    emotions: tuple[str, ...]
    saliences: tuple[int, ...]
    intensity: int | None
    situation: int | None
    version: int

    @property
    def mix(self) -> bool:
        """True for a blend of two emotions."""
        return len(self.emotions) == 2

    def label(self) -> list[dict[str, object]]:
        """The label in the official format, as the published scorer builds it."""
        if self.mix:
            return [
                {"emotion": e, "salience": str(s)}
                for e, s in zip(self.emotions, self.saliences, strict=True)
            ]
        return [{"emotion": self.emotions[0], "salience": 1.0}]


def parse_filename(name: str) -> ClipName:
    """Parses a clip name in the dataset's naming scheme.

    Parameters
    ----------
    name : str
        A clip name such as ``A411_mix_ang_hap_30_70_ver1``, with or without a
        file extension.

    Returns
    -------
    ClipName
        The actor, emotions, saliences, intensity or situation and version.

    Raises
    ------
    ValueError
        Naming the clip and the shapes a name can have.

    Examples
    --------
    >>> parse_filename("A411_mix_ang_hap_30_70_ver1.mp4").saliences
    (30, 70)
    """
    if not isinstance(name, str):
        raise TypeError(f"name must be a str, got {type(name).__name__}")
    actor, emotions, saliences, intensity, situation, version = _core.parse_clip_name(name)
    return ClipName(name, actor, tuple(emotions), tuple(saliences), intensity, situation, version)


def labels_from_filenames(names: Iterable[str]) -> dict[str, list[dict[str, object]]]:
    """The label dict ``{clip: [{"emotion", "salience"}, ...]}`` of clip names.

    Parameters
    ----------
    names : iterable of str
        Clip names in the dataset's scheme.

    Returns
    -------
    dict
        Each clip's label entries, saliences as shares (``1.0`` for a single
        emotion, ``0.3`` and ``0.7`` for a 30/70 blend), as the published code
        builds them.

    Raises
    ------
    ValidationError
        Listing every name that does not parse.

    Examples
    --------
    >>> labels_from_filenames(["A102_ang_int1_ver1"])
    {'A102_ang_int1_ver1': [{'emotion': 'ang', 'salience': 1.0}]}
    """
    from .errors import Problem, raise_if_any

    labels: dict[str, list[dict[str, object]]] = {}
    problems: list[Problem] = []
    for name in names:
        try:
            labels[name] = parse_filename(name).label()
        except (ValueError, TypeError) as error:
            problems.append(Problem(str(name), str(error), kind="bad_clip_name"))
    raise_if_any(problems, "clip names")
    return labels
