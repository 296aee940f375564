"""Writing a day's briefing to files, and the ``report`` command of the command line (SPEC §5, §8)."""

from __future__ import annotations

import argparse
import datetime as dt
import os
import re
import sys
import tempfile
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path

from sqlalchemy import Connection, Engine

from data_access.timeutil import local_today, now_utc

from .deck import pptx_bytes
from .document import docx_bytes
from .figures import BriefingError, BriefingFigures, gather
from .workbook import xlsx_bytes

#: The formats a briefing comes in, in the order they are written.
FORMATS = ("pptx", "xlsx", "docx")

#: Each format's builder: the figures in, the file's bytes out (what a download button needs).
BUILDERS: dict[str, Callable[[BriefingFigures], bytes]] = {
    "pptx": pptx_bytes,
    "xlsx": xlsx_bytes,
    "docx": docx_bytes,
}

#: The MIME type of each format (for a download).
MIME_TYPES = {
    "pptx": "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
}

_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def file_name(day: dt.date, fmt: str) -> str:
    """bao-cao-2026-11-19.pptx."""
    return f"bao-cao-{day.isoformat()}.{fmt}"


def parse_formats(text: str | Sequence[str] | None) -> tuple[str, ...]:
    """ "pptx,xlsx" (or a sequence of names) as formats in the order given, each once; None = all.
    Raises :class:`BriefingError` on an unknown one."""
    if text is None:
        return FORMATS
    parts = text.split(",") if isinstance(text, str) else list(text)
    names = [p.strip().lower().lstrip(".") for p in parts if p.strip()]
    unknown = [n for n in names if n not in BUILDERS]
    if unknown or not names:
        if unknown:
            raise BriefingError("report.bad_format", formats=unknown, choices=list(FORMATS))
        raise BriefingError("report.no_format", choices=list(FORMATS))
    return tuple(dict.fromkeys(names))


def parse_day(text: str | None, now: dt.datetime | None = None) -> dt.date:
    """The report's local day from ``YYYY-MM-DD``; None = yesterday (local). A bad date or a day after
    today raises :class:`BriefingError`."""
    today = local_today(now)
    if text is None or not text.strip():
        return today - dt.timedelta(days=1)
    value = text.strip()
    try:
        if not _DATE.match(value):
            raise ValueError(value)
        day = dt.date.fromisoformat(value)
    except ValueError:
        raise BriefingError("report.bad_date", value=value, example=today.isoformat()) from None
    if day > today:
        raise BriefingError("report.future_date", day=day, today=today)
    return day


def briefing_bytes(fig: BriefingFigures, formats: Iterable[str] = FORMATS) -> dict[str, bytes]:
    """Each asked format's file of ``fig`` (format → bytes), for downloads that write no file."""
    return {fmt: BUILDERS[fmt](fig) for fmt in formats}


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def write_files(fig: BriefingFigures, out_dir: Path, formats: Iterable[str] = FORMATS) -> list[Path]:
    """Write ``fig``'s files into ``out_dir`` (created if missing); returns their paths. Each file
    appears whole or not at all (written beside it, then renamed)."""
    out_dir.mkdir(parents=True, exist_ok=True)
    written = []
    for fmt, data in briefing_bytes(fig, formats).items():
        target = out_dir / file_name(fig.day, fmt)
        fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", dir=out_dir)
        try:
            with os.fdopen(fd, "wb") as fh:
                fh.write(data)
            # mkstemp makes the file private (0600); a briefing is for the staff who share the folder.
            os.chmod(tmp, 0o666 & ~_umask())
            os.replace(tmp, target)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
        written.append(target)
    return written


def build_briefing(
    engine_or_conn: Engine | Connection,
    day: dt.date,
    out_dir: Path,
    formats: Sequence[str] = FORMATS,
    now: dt.datetime | None = None,
) -> list[Path]:
    """Write the briefing of local ``day`` (bao-cao-D.pptx / .xlsx / .docx) into ``out_dir``.

    The figures are read once (:func:`briefing.figures.gather`, up to the end of ``day``, or up to
    ``now`` while the day runs), so every file carries the same numbers. ``now`` is naive UTC, the
    moment the briefing is made (default: the current time). Raises :class:`BriefingError` for a day
    after today or an unknown format.
    """
    chosen = parse_formats(formats)
    fig = gather(engine_or_conn, day, now)
    return write_files(fig, Path(out_dir), chosen)


def report_command(
    date_text: str | None,
    out: str,
    formats: str | None = None,
    *,
    engine: Engine | Connection | None = None,
    now: dt.datetime | None = None,
) -> int:
    """``python -m data_access report --date D --out DIR [--format pptx,xlsx,docx]``.

    ``date_text`` None = yesterday (local). Prints the written paths and returns 0; a bad or future
    date, an unknown format, an unusable folder or template: one Vietnamese line on stderr
    (``Lỗi [code]: …``, :func:`data_access.cli.error_line`) and 2.
    ``engine`` is the store to read (default: the command line's store engine, checked); problems of
    the store itself are raised for the command line to report.
    """
    from data_access.cli import error_line, store_engine

    now = now or now_utc()
    try:
        day = parse_day(date_text, now)
        chosen = parse_formats(formats)
        out_dir = Path(out)
        if out_dir.exists() and not out_dir.is_dir():
            raise BriefingError("report.not_a_folder", folder=out)
        if engine is None:
            engine = store_engine()
        fig = gather(engine, day, now)
        paths = write_files(fig, out_dir, chosen)
    except BriefingError as exc:
        print(error_line(exc), file=sys.stderr)
        return 2
    except OSError as exc:
        problem = BriefingError("report.cannot_write", folder=out, detail=str(exc.strerror or exc))
        print(error_line(problem), file=sys.stderr)
        return 2
    for path in paths:
        print(path)
    return 0


def run_report(args: argparse.Namespace) -> int:
    """The ``report`` sub-command from parsed arguments ``date``, ``out`` and ``format``."""
    return report_command(getattr(args, "date", None), args.out, getattr(args, "format", None))
