"""Importing a declaration file, in one direction: read (:mod:`.reader`) → normalise
(:mod:`.normalise`) → stage and write through the store's public functions (:mod:`.pipeline`);
:mod:`.job` runs an import in a process of its own for the dashboard."""

from __future__ import annotations

from .pipeline import ImportProgress, ImportResult, file_checksum, import_file, load_reference
from .reader import UnreadableFile

__all__ = ["ImportProgress", "ImportResult", "UnreadableFile", "file_checksum", "import_file", "load_reference"]
