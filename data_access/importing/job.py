"""An import run in a process of its own, for the dashboard's upload page.

The dashboard serves every viewer from one process. An import in that process would share its CPU
(the GIL) and its memory with them: a large or hostile file would slow every page and could take the
server down with it. So the page saves the upload to a private temporary file and runs the same
import as the command line (``python -m data_access import``) in a child process at a lower CPU
priority, reading its progress and result as JSON lines. The child removes the file when it is done,
also when the viewer leaves the page before the end (the import then completes on its own).
"""

from __future__ import annotations

import fcntl
import json
import os
import subprocess
import sys
import tempfile
import threading
from collections.abc import Callable
from dataclasses import fields
from pathlib import Path

from ..errors import CodedError
from ..settings import PROJECT_ROOT
from .pipeline import ImportProgress, ImportResult, UnreadableFile

#: How much lower the import's CPU priority is than the dashboard's (nice increment, 0..19).
IMPORT_NICENESS = 10


class ImportFailed(CodedError):
    """The import process stopped without a result (a crash, the store gone): ``import.failed`` with
    the process's exit code and the last line it wrote on stderr (``detail``), for the log."""

    def __init__(self, returncode: int | None, detail: str = "") -> None:
        super().__init__("import.failed", returncode=returncode, detail=detail)


class ImportBusy(CodedError):
    """Another import started from the dashboard is still running (``import.busy``): one at a time, so
    that two large files never share the machine with the viewers."""

    def __init__(self) -> None:
        super().__init__("import.busy")


#: Held by the dashboard's running import (an advisory lock, so that every server process on the
#: machine sees it); released when the import process has ended.
LOCK_PATH = Path(tempfile.gettempdir()) / "thaibinh-dashboard-import.lock"


def _take_lock() -> int:
    fd = os.open(LOCK_PATH, os.O_RDWR | os.O_CREAT, 0o600)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        os.close(fd)
        raise ImportBusy() from None
    return fd


def _release_lock(fd: int) -> None:
    fcntl.flock(fd, fcntl.LOCK_UN)
    os.close(fd)


def save_upload(data: bytes | memoryview, suffix: str = "") -> Path:
    """Write an uploaded file to a new private temporary file (mode 0600) and return its path."""
    fd, name = tempfile.mkstemp(prefix="upload-", suffix=suffix)
    with os.fdopen(fd, "wb") as out:
        out.write(data)
    return Path(name)


def _end(child: subprocess.Popen, path: Path | None, lock: int) -> None:
    """Wait for the import process, then free the lock and remove the spooled file (also when the
    child died before it could: killed, out of memory)."""
    child.wait()
    _release_lock(lock)
    if path is not None:
        path.unlink(missing_ok=True)


def _follow_to_end(child: subprocess.Popen, path: Path | None, lock: int) -> None:
    assert child.stdout is not None
    for _ in child.stdout:
        pass
    _end(child, path, lock)


def _unreadable(event: object) -> UnreadableFile:
    """The import's error from its ``unreadable`` event: ``{"code": …, "params": {…}}`` (dates come as
    ISO text)."""
    if isinstance(event, dict) and isinstance(event.get("code"), str):
        params = event.get("params")
        return UnreadableFile(event["code"], **(params if isinstance(params, dict) else {}))
    return UnreadableFile("file.unknown", detail=str(event))


def _from_dict(cls, data: dict):
    names = {f.name for f in fields(cls)}
    return cls(**{k: v for k, v in data.items() if k in names})


def run_import_process(
    path: Path,
    file_name: str,
    *,
    sheet: str | None,
    created_by: str,
    progress: Callable[[ImportProgress], None] | None = None,
    remove_file: bool = True,
) -> ImportResult:
    """Import ``path`` in a child process and return its result.

    ``progress`` is called after each committed batch. Raises :class:`UnreadableFile` (with the
    import's code and parameters) when the file cannot be read, :class:`ImportFailed` when the process
    ends without a result, :class:`ImportBusy` (removing ``path`` if asked to) when another import
    from the dashboard is running. With ``remove_file`` the child deletes ``path`` when it is done.
    """
    try:
        lock = _take_lock()
    except ImportBusy:
        if remove_file:
            path.unlink(missing_ok=True)
        raise
    # "--option=value": a file or sheet name that starts with "-" is still a value.
    command = [
        sys.executable,
        "-m",
        "data_access",
        "import",
        str(path),
        "--events",
        f"--file-name={file_name}",
        f"--created-by={created_by}",
        f"--niceness={IMPORT_NICENESS}",
    ]
    if sheet:
        command.append(f"--sheet={sheet}")
    if remove_file:
        command.append("--remove-file")
    # The child lowers its own priority (--niceness): a preexec hook is unsafe in a threaded server.
    # stderr goes to a file: a pipe nobody reads while stdout is followed could fill and block the child.
    with tempfile.TemporaryFile(mode="w+", encoding="utf-8") as errors_file:
        try:
            child = subprocess.Popen(
                command, cwd=PROJECT_ROOT, stdout=subprocess.PIPE, stderr=errors_file, text=True, encoding="utf-8"
            )
        except BaseException:
            _release_lock(lock)
            raise
        result: ImportResult | None = None
        unreadable: UnreadableFile | None = None
        assert child.stdout is not None
        try:
            for line in child.stdout:
                try:
                    event = json.loads(line)
                except ValueError:
                    continue
                if "progress" in event and progress is not None:
                    progress(_from_dict(ImportProgress, event["progress"]))
                elif "result" in event:
                    result = _from_dict(ImportResult, event["result"])
                elif "unreadable" in event:
                    unreadable = _unreadable(event["unreadable"])
        except BaseException:
            # The viewer left (Streamlit stops the page's run): the import goes on to its end, its
            # output still read so that it never blocks on a full pipe.
            threading.Thread(
                target=_follow_to_end, args=(child, path if remove_file else None, lock), daemon=True
            ).start()
            raise
        _end(child, path if remove_file else None, lock)
        errors_file.seek(0)
        errors = errors_file.read()
    if unreadable is not None:
        raise unreadable
    if result is None:
        last = (errors or "").strip().splitlines()
        raise ImportFailed(child.returncode, last[-1] if last else "")
    return result
