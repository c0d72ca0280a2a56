"""The bundle's defaults, apart from the bundle itself: the command line's
help shows them without loading what builds a bundle (pandas among it)."""

from __future__ import annotations

from .._core import __version__

__all__ = ["DEFAULT_IMAGE", "DEFAULT_TITLE"]

DEFAULT_TITLE = "BlEmoRe: blended emotion recognition"
#: The image the bundle names unless told otherwise; build and push it from
#: the bundle's Dockerfile (Codabench pulls it from Docker Hub).
DEFAULT_IMAGE = f"blemore/blemore-fast-scoring:{__version__}"
