"""Backups of the store and their restore (``python -m data_access backup`` / ``restore``).

One command for both backends, reading the store from ``DATABASE_URL`` like every other command:

- PostgreSQL: ``pg_dump -Fc`` inside a snapshot exported by a transaction of ours, whose row counts
  are taken in that same snapshot, so the counts are those of the dump even while the feed writes.
- SQLite: the online backup API (a consistent copy while writers go on; no sqlite3 program needed),
  counted from the copy itself.

Each backup is a file and a manifest beside it (``<file>.json``: backend, schema revision, the row
count of every table, the file's SHA-256). The manifest is written last: a file without one is an
unfinished backup and is never restored or counted as kept. A restore goes only into an empty store
(a new database, a new file), checks the file against its manifest first, and the restored store
afterwards: every table's count equal to the manifest's, then :func:`check_store`.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import re
import shutil
import sqlite3
import subprocess
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import Connection, create_engine, func, inspect, select, table, text
from sqlalchemy.engine import URL, make_url

from .errors import CodedError
from .store import StoreError, check_store, create_store_engine, display_url
from .timeutil import LOCAL_TZ

#: Every backup file's name starts with this, then the local time it was taken (sortable).
PREFIX = "thaibinh-"
SUFFIXES = {"postgresql": ".dump", "sqlite": ".db"}
#: A backup's name: the prefix, the local time to the second, then "-2", "-3"… for a second backup
#: of the same second (see _target).
_NAME = re.compile(rf"{re.escape(PREFIX)}(\d{{8}}-\d{{6}})(?:-(\d+))?\.")
MANIFEST_VERSION = 1
#: The tables a person reads the restore's result by (the rest are counted and checked too).
HEADLINE_TABLES = ("declarations", "crossing_hourly", "audit_log")


class BackupError(CodedError):
    """A backup or a restore that could not be done (codes ``backup.*`` and ``restore.*``)."""


@dataclass(frozen=True)
class Backup:
    """A finished backup: the file, its manifest and the row counts it holds."""

    path: Path
    manifest: Path
    counts: dict[str, int]
    revision: str


def manifest_path(path: Path) -> Path:
    """The manifest of backup file ``path``."""
    return path.with_name(path.name + ".json")


def backend(url: str) -> str:
    """``postgresql`` or ``sqlite`` (the two backends of the store); another is refused."""
    name = make_url(url).get_backend_name()
    if name not in SUFFIXES:
        raise BackupError("backup.unsupported", backend=name)
    return name


def table_counts(conn: Connection) -> dict[str, int]:
    """The row count of every table of the store (its default schema), by name."""
    names = sorted(inspect(conn).get_table_names())
    return {name: int(conn.execute(select(func.count()).select_from(table(name))).scalar() or 0) for name in names}


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def _sqlite_file(url: str) -> Path:
    database = make_url(url).database
    if not database or database == ":memory:":
        raise BackupError("backup.unsupported", backend="sqlite :memory:")
    return Path(database)


# --- PostgreSQL: the client programs ----------------------------------------------------------


def _libpq(url: str) -> tuple[str, dict[str, str]]:
    """A libpq URI for pg_dump/pg_restore and the environment to run them in: the password goes in
    ``PGPASSWORD``, never on the command line, where other users of the machine could read it."""
    parsed = make_url(url)
    env = dict(os.environ)
    if parsed.password is not None:
        env["PGPASSWORD"] = str(parsed.password)
    uri = URL.create(
        "postgresql",
        username=parsed.username,
        host=parsed.host,
        port=parsed.port,
        database=parsed.database,
        query=parsed.query,  # host=/var/run/postgresql, sslmode=… are libpq parameters too
    )
    return uri.render_as_string(hide_password=False), env


def _tool(name: str) -> str:
    found = shutil.which(name)
    if found is None:
        raise BackupError("backup.tool_missing", tool=name)
    return found


def _run(tool: str, args: list[str], env: dict[str, str], code: str) -> None:
    result = subprocess.run([_tool(tool), *args], env=env, capture_output=True, text=True)
    if result.returncode != 0:
        lines = [line for line in result.stderr.splitlines() if line.strip()]
        raise BackupError(code, tool=tool, detail=lines[0] if lines else f"exit {result.returncode}")


# --- backup ------------------------------------------------------------------------------------


def _target(out_dir: Path, kind: str, now: dt.datetime) -> Path:
    stamp = now.astimezone(LOCAL_TZ).strftime("%Y%m%d-%H%M%S")
    path = out_dir / f"{PREFIX}{stamp}{SUFFIXES[kind]}"
    n = 1
    while path.exists() or manifest_path(path).exists():
        n += 1
        path = out_dir / f"{PREFIX}{stamp}-{n}{SUFFIXES[kind]}"
    return path


def _backup_sqlite(url: str, part: Path) -> tuple[dict[str, int], str]:
    source_path = _sqlite_file(url)
    if not source_path.exists():
        raise StoreError("missing", display_url(url), "file does not exist")
    try:
        source = sqlite3.connect(source_path, timeout=30)
        copy = sqlite3.connect(part)
        try:
            source.backup(copy)  # one step: a consistent snapshot, writers are not held up (WAL)
            # A file complete in itself: read-only opening (the restore) needs no -wal or -shm beside it.
            copy.execute("PRAGMA journal_mode=DELETE")
        finally:
            source.close()
            copy.close()
    except sqlite3.Error as exc:
        raise BackupError("backup.failed", tool="sqlite3", detail=str(exc)) from exc
    engine = create_engine(f"sqlite:///{part}")
    try:
        with engine.connect() as conn:
            counts = table_counts(conn)
            revision = _revision(conn)
    finally:
        engine.dispose()
    return counts, revision


def _revision(conn: Connection) -> str:
    if "alembic_version" not in inspect(conn).get_table_names():
        return ""
    return str(conn.execute(text("SELECT version_num FROM alembic_version")).scalar() or "")


def _backup_postgres(url: str, part: Path) -> tuple[dict[str, int], str]:
    uri, env = _libpq(url)
    _tool("pg_dump")  # said before anything is opened
    engine = create_store_engine(url)
    try:
        with engine.connect().execution_options(isolation_level="REPEATABLE READ") as conn:
            # The dump reads the snapshot this transaction exports, so the counts below are the dump's.
            snapshot = str(conn.execute(text("SELECT pg_export_snapshot()")).scalar_one())
            counts = table_counts(conn)
            revision = _revision(conn)
            _run("pg_dump", ["-Fc", "-w", f"--snapshot={snapshot}", "-f", str(part), "-d", uri], env, "backup.failed")
            conn.rollback()
    finally:
        engine.dispose()
    return counts, revision


def backup(url: str, out_dir: str | Path, *, now: dt.datetime | None = None, keep: int | None = None) -> Backup:
    """Back the store at ``url`` up into ``out_dir`` (made if missing): ``thaibinh-<local time>.dump``
    (PostgreSQL) or ``.db`` (SQLite) and its manifest. ``keep`` then removes all but the ``keep``
    newest finished backups of that folder. Raises :class:`BackupError` (or ``StoreError``)."""
    kind = backend(url)
    if keep is not None and keep < 1:
        raise BackupError("backup.bad_keep", keep=keep)
    folder = Path(out_dir)
    if folder.exists() and not folder.is_dir():
        raise BackupError("backup.not_a_folder", folder=str(folder))
    folder.mkdir(parents=True, exist_ok=True)
    path = _target(folder, kind, now or dt.datetime.now(dt.UTC))
    part = path.with_name(f".{path.name}.part")
    part.unlink(missing_ok=True)
    try:
        counts, revision = (_backup_postgres if kind == "postgresql" else _backup_sqlite)(url, part)
        os.replace(part, path)
    finally:
        part.unlink(missing_ok=True)
    manifest = {
        "version": MANIFEST_VERSION,
        "backend": kind,
        "store": display_url(url),
        "taken_at": (now or dt.datetime.now(dt.UTC)).isoformat(),
        "revision": revision,
        "file": path.name,
        "sha256": _sha256(path),
        "counts": counts,
    }
    written = manifest_path(path)
    part_manifest = written.with_name(f".{written.name}.part")
    part_manifest.write_text(json.dumps(manifest, indent=2, ensure_ascii=False), encoding="utf-8")
    os.replace(part_manifest, written)  # the backup counts as finished from here
    if keep is not None:
        prune(folder, keep)
    return Backup(path, written, counts, revision)


def finished(folder: str | Path) -> list[Path]:
    """The finished backups of ``folder`` (those with a manifest), oldest first."""
    found = []
    for manifest in Path(folder).glob(f"{PREFIX}*.json"):
        path = manifest.with_name(manifest.name[: -len(".json")])
        if path.is_file():
            found.append(path)
    return sorted(found, key=_age_order)


def _age_order(path: Path) -> tuple[str, int, str]:
    # By time, then by the same second's sequence number: by name alone "…-2.db" would sort before
    # "….db", the first of that second, and pruning would remove the newer of the two.
    named = _NAME.match(path.name)
    if named is None:
        return ("", 0, path.name)
    return (named.group(1), int(named.group(2) or 1), path.name)


def prune(folder: str | Path, keep: int) -> list[Path]:
    """Remove all but the ``keep`` newest finished backups of ``folder``; returns the removed files."""
    if keep < 1:
        raise BackupError("backup.bad_keep", keep=keep)
    removed = finished(folder)[:-keep]
    for path in removed:
        manifest_path(path).unlink(missing_ok=True)
        path.unlink(missing_ok=True)
    return removed


# --- restore -----------------------------------------------------------------------------------


def read_manifest(path: Path) -> dict:
    """The manifest of backup ``path``, checked against the file (it exists, its SHA-256 agrees)."""
    if not path.is_file():
        raise BackupError("restore.missing", file=str(path))
    manifest_file = manifest_path(path)
    try:
        manifest = json.loads(manifest_file.read_text(encoding="utf-8"))
        counts = {str(k): int(v) for k, v in manifest["counts"].items()}
        expected_sha = str(manifest["sha256"])
        kind = str(manifest["backend"])
    except (OSError, ValueError, KeyError, TypeError, AttributeError) as exc:
        raise BackupError("restore.no_manifest", file=manifest_file.name, detail=str(exc)) from exc
    if _sha256(path) != expected_sha:
        raise BackupError("restore.checksum", file=path.name)
    return {**manifest, "counts": counts, "backend": kind}


def _empty_target(url: str, kind: str) -> None:
    if kind == "sqlite":
        path = _sqlite_file(url)
        if path.exists() and path.stat().st_size > 0:
            raise BackupError("restore.target_not_empty", target=display_url(url))
        return
    engine = create_store_engine(url)
    try:
        with engine.connect() as conn:
            if inspect(conn).get_table_names():
                raise BackupError("restore.target_not_empty", target=display_url(url))
    finally:
        engine.dispose()


def _restore_sqlite(path: Path, url: str) -> None:
    target = _sqlite_file(url)
    target.parent.mkdir(parents=True, exist_ok=True)
    part = target.with_name(f".{target.name}.restore.part")
    part.unlink(missing_ok=True)
    try:
        source = sqlite3.connect(f"file:{path.resolve()}?mode=ro", uri=True)
        copy = sqlite3.connect(part)
        try:
            source.backup(copy)
            verdict = copy.execute("PRAGMA integrity_check").fetchone()[0]
        finally:
            source.close()
            copy.close()
        if verdict != "ok":
            raise BackupError("restore.failed", tool="sqlite3", detail=str(verdict))
        os.replace(part, target)  # the store appears whole or not at all
    finally:
        part.unlink(missing_ok=True)


def _restore_postgres(path: Path, url: str) -> None:
    uri, env = _libpq(url)
    # Objects belong to whoever restores (the owner role, or postgres, after which the roles script
    # hands them to the owner); grants come from the roles script, not from the dump.
    args = ["--no-owner", "--no-privileges", "--exit-on-error", "--single-transaction", "-w", "-d", uri, str(path)]
    _run("pg_restore", args, env, "restore.failed")


def restore(path: str | Path, url: str) -> dict[str, int]:
    """Restore backup ``path`` into the empty store at ``url``; returns its row counts, each checked
    equal to the manifest's. Raises :class:`BackupError`, or ``StoreError`` when the restored store
    fails :func:`check_store` (an older schema: run ``init``)."""
    source = Path(path)
    manifest = read_manifest(source)
    kind = backend(url)
    if manifest["backend"] != kind:
        raise BackupError("restore.wrong_backend", found=manifest["backend"], expected=kind)
    _empty_target(url, kind)
    (_restore_postgres if kind == "postgresql" else _restore_sqlite)(source, url)
    engine = create_store_engine(url)
    try:
        with engine.connect() as conn:
            counts = table_counts(conn)
        expected = manifest["counts"]
        for name in sorted(set(expected) | set(counts)):
            if counts.get(name) != expected.get(name):
                raise BackupError(
                    "restore.counts_differ", table=name, expected=expected.get(name, 0), found=counts.get(name, 0)
                )
        check_store(engine, url)
    finally:
        engine.dispose()
    return counts
