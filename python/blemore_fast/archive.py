"""Submission zips, now :mod:`blemore_fast.inputs.zips`; these names stay importable here."""

from __future__ import annotations

from .inputs.zips import is_zip, pick_json, read_json_member, zip_files, zip_one

__all__ = ["is_zip", "pick_json", "read_json_member", "zip_files", "zip_one"]
