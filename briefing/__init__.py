"""Briefings for the Department's leadership: PowerPoint, Excel and the Word report of one local day.

The figures are read once through :mod:`data_access.queries` (never SQL of its own, never a personal
field) into a :class:`BriefingFigures`; each file is drawn from it, so all carry the same numbers.

- :func:`build_briefing` writes bao-cao-D.pptx / .xlsx / .docx into a folder;
- :func:`gather` and :func:`pptx_bytes` / :func:`xlsx_bytes` / :func:`docx_bytes` give the files as
  bytes, for a page's downloads;
- :func:`report_command` / :func:`run_report` are the ``report`` command of the command line.
"""

from .build import (
    BUILDERS,
    FORMATS,
    MIME_TYPES,
    briefing_bytes,
    build_briefing,
    file_name,
    parse_day,
    parse_formats,
    report_command,
    run_report,
    write_files,
)
from .deck import pptx_bytes
from .document import docx_bytes
from .figures import BriefingError, BriefingFigures, CheckpointDay, gather
from .template import template_path
from .workbook import xlsx_bytes

__all__ = [
    "BUILDERS",
    "FORMATS",
    "MIME_TYPES",
    "BriefingError",
    "BriefingFigures",
    "CheckpointDay",
    "briefing_bytes",
    "build_briefing",
    "docx_bytes",
    "file_name",
    "gather",
    "parse_day",
    "parse_formats",
    "pptx_bytes",
    "report_command",
    "run_report",
    "template_path",
    "write_files",
    "xlsx_bytes",
]
