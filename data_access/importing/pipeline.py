"""Importing a declaration file (SPEC §3): the one code path of ``python -m data_access import`` and the
IT team's upload page.

The file is streamed (:func:`data_access.importing.reader.read_table`) and written in batches of rows, one
transaction each: the batch's declarations with their risk, staged by the reading side and added
to the rollups (:mod:`data_access.store.staging`), its quarantined rows, warnings and duplicates, and the
import batch record's counts and ``last_line``.
So an import that stops anywhere (killed, disk full, store gone) leaves the store exactly as after its
last committed batch, and the record says where that was. Running the same file again (same
checksum) resumes that batch after ``last_line``; a file whose import finished is imported afresh
and adds nothing, every row being a duplicate or quarantined again.

Every row ends in exactly one of accepted, duplicate, quarantined: rows_in = accepted + duplicates +
quarantined, in every committed state.

Large files are read and normalised by worker processes (``import_workers``) while this process
writes; the chunks arrive in file order through bounded queues, so memory stays flat whatever the
file's size, and the result is the same as the inline path that small files (and tests) take. Every
chunk is normalised column-wise (:mod:`data_access.importing.normalise`), CSV and XLSX alike.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import signal
from collections.abc import Callable, Generator, Iterator
from dataclasses import asdict, dataclass, field
from itertools import islice
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Engine, insert, select, update

from .. import audit
from ..fields import (
    CheckpointRef,
    DistrictRef,
    ProvinceRef,
    Reference,
    clip,
)
from ..risk import HotZoneIndex
from ..settings import get_settings
from ..store import (
    ROW_COLUMNS,
    Staged,
    insert_kind,
    load_hot_zones,
    new_batch,
    open_stage,
    schema,
    stage,
    write_staged,
)
from ..timeutil import UTC, now_utc
from .normalise import ColumnPreparer
from .reader import UnreadableFile, nfc_cells, read_table

__all__ = ["ImportProgress", "ImportResult", "UnreadableFile", "file_checksum", "import_file", "load_reference"]

#: Test-only hook: after this many committed batches the process kills itself (SIGKILL), to prove
#: that an import interrupted between batches resumes cleanly. Never set it in production.
KILL_HOOK_ENV = "DATA_ACCESS_TEST_KILL_AFTER_BATCHES"
#: Batches of at least this many rows start with a smaller chunk (see _prepared_chunks).
_SMALL_FIRST_CHUNK_FROM = 1_000


@dataclass
class ImportProgress:
    """Where a running import is, after each committed batch."""

    rows_in: int = 0
    accepted: int = 0
    duplicates: int = 0
    quarantined: int = 0
    warnings: int = 0
    last_line: int = 0
    fraction: float = 0.0  #: share of the file read, 0..1


@dataclass
class ImportResult:
    """The outcome of an import: its batch record and the four counts (cumulative over resumptions)."""

    batch_id: int
    file_name: str
    rows_in: int
    accepted: int
    duplicates: int
    quarantined: int
    warnings: int
    resumed_from_line: int = 0  #: 0 unless an interrupted import of the same file was continued
    status: str = "done"
    #: header texts of the file's columns that were read into no field (ignored)
    unrecognised_columns: list[str] = field(default_factory=list)
    #: True when the file had no declaration-id column: ids were derived from the rows' content
    ids_derived: bool = False
    extra: dict = field(default_factory=dict)

    def as_json(self) -> dict:
        """The counts as one JSON-ready object (``import --json``)."""
        data = asdict(self)
        data.pop("extra")
        return data


def load_reference(conn: Connection) -> Reference:
    """The reference data the field normalisers match against, from the store."""
    c, p, d = schema.checkpoints.c, schema.provinces.c, schema.districts.c
    return Reference(
        checkpoints=tuple(
            CheckpointRef(r.id, r.code, r.name) for r in conn.execute(select(c.id, c.code, c.name).order_by(c.id))
        ),
        provinces=tuple(
            ProvinceRef(r.code, r.name, r.kind) for r in conn.execute(select(p.code, p.name, p.kind).order_by(p.code))
        ),
        districts=tuple(
            DistrictRef(r.code, r.name, r.kind) for r in conn.execute(select(d.code, d.name, d.kind).order_by(d.code))
        ),
    )


def file_checksum(source: str | os.PathLike | bytes, sheet: str | None = None) -> str:
    """SHA-256 of the file's bytes (and the sheet asked for): what identifies "the same import"."""
    digest = hashlib.sha256()
    if isinstance(source, bytes):
        digest.update(source)
    else:
        with open(source, "rb") as stream:
            while chunk := stream.read(1 << 20):
                digest.update(chunk)
    if sheet:
        digest.update(b"\x00sheet:" + sheet.encode())
    return digest.hexdigest()


def _json_cell(value: object) -> object:
    """A raw cell as JSON: text stays text (never interpreted, at most its kept prefix: the reader
    cuts long cells already), dates become ISO text."""
    if isinstance(value, str):
        return clip(value)
    if value is None or isinstance(value, (bool, int)):
        return value
    if isinstance(value, float):
        return value if value == value and value not in (float("inf"), float("-inf")) else str(value)
    if isinstance(value, (dt.datetime, dt.date, dt.time)):
        return value.isoformat()
    return str(value)


_DECL_ID = ROW_COLUMNS.index("declaration_id")


@dataclass
class _Chunk:
    """One batch of read rows, normalised and prepared, ready to be written in one transaction."""

    rows: int
    last_line: int
    fraction: float
    good: int  #: rows without errors
    staged: Staged  #: those rows, staged for the store (:func:`staging.stage`)
    #: source line of a good row with warnings -> (its declaration id, [(field, code, raw value)])
    warnings: dict[int, tuple[str, list[tuple[str, str, str]]]]
    quarantined: list[dict]


def _quarantine(reader, line: int, cells: list, errors, received: dt.datetime) -> dict:
    """The quarantined_rows record of a row with errors: reasons, and the row as read (header -> cell)."""
    return dict(
        line_number=line,
        created_at=received,
        reasons=[{"field": f, "code": c, "raw": raw} for f, c, raw in errors],
        raw={clip(str(k)): _json_cell(v) for k, v in reader.original(cells).items()},
    )


def _prepared_chunks(
    source,
    file_name: str,
    sheet: str | None,
    ref: Reference,
    zones: HotZoneIndex,
    now: dt.datetime,
    resumed_from: int,
    batch_rows: int,
    target: tuple[str, int | None] = ("sqlalchemy", None),
    encoding: str | None = None,
    *,
    part: int = 0,
    parts: int = 1,
) -> Generator[_Chunk, None, None]:
    """Read the file and yield its chunks after line ``resumed_from``, normalised and prepared.

    Each chunk is normalised column by column (:mod:`data_access.importing.normalise`). Its good rows
    are staged for ``target`` (:func:`store.insert_kind`, batch id) here (:func:`store.stage`), so
    that the writer only loads them. ``encoding`` is the CSV file's, if
    known. With ``parts`` > 1, only chunks number ``part``, ``part + parts``… are prepared (the
    others are read and skipped): several processes can share the work of one file, each reading it.
    """
    reader = read_table(source, file_name, sheet, encoding)
    kind, batch_id = target

    def chunk(buffer: list, lines: list[int], columns: list, warnings: dict, quarantined: list) -> _Chunk:
        """The chunk of ``buffer`` whose good rows are ``columns`` (:data:`ROW_COLUMNS` order)."""
        decl_ids = columns[_DECL_ID]
        return _Chunk(
            len(buffer),
            buffer[-1][0],
            reader.progress,
            len(lines),
            stage(kind, lines, columns, batch_id),
            {lines[i]: (decl_ids[i], found) for i, found in warnings.items()},
            quarantined,
        )

    def make_columns(buffer: list) -> _Chunk:
        received = now_utc()
        columns, row_warnings, errors = preparer.prepare([cells for _, cells in buffer], received)
        lines = [line for line, _ in buffer]
        if not errors:
            return chunk(buffer, lines, columns, row_warnings, [])
        keep = [i for i in range(len(buffer)) if i not in errors]
        quarantined = [
            _quarantine(reader, line, nfc_cells(cells), errors[i], received)
            for i, (line, cells) in enumerate(buffer)
            if i in errors
        ]
        position = {i: k for k, i in enumerate(keep)}
        return chunk(
            buffer,
            [lines[i] for i in keep],
            [[column[i] for i in keep] for column in columns],
            {position[i]: found for i, found in row_warnings.items()},
            quarantined,
        )

    preparer = ColumnPreparer(reader.columns, ref, zones, now, typed=reader.format != "csv")
    items: Iterator[Any] = reader.iter_cells(nfc=False)
    # With large batches the first chunk is a tenth of the others, so that the writer starts sooner.
    size = batch_rows // 10 if batch_rows >= _SMALL_FIRST_CHUNK_FROM else batch_rows
    index = 0
    buffer: list = []
    while True:
        # rows are taken a slice at a time, without a Python step per row
        items_read: list[Any] = list(islice(items, size - len(buffer)))
        if resumed_from and items_read and items_read[0][0] <= resumed_from:
            buffer += [item for item in items_read if item[0] > resumed_from]  # the rest was committed
        else:
            buffer += items_read
        if len(buffer) < size and items_read:
            continue
        if not buffer:
            return
        if index % parts == part:
            yield make_columns(buffer)
        buffer = []
        index += 1
        size = batch_rows


def _alive(pid: int) -> bool:
    """Whether process ``pid`` runs (a killed importer not yet reaped is a zombie: not alive)."""
    try:
        with open(f"/proc/{pid}/stat", "rb") as stat:
            return stat.read().rsplit(b")", 1)[1].split()[0] not in (b"Z", b"X")
    except FileNotFoundError:
        return False
    except OSError:  # no /proc: fall back to a signal-0 probe
        try:
            os.kill(pid, 0)
        except OSError:
            return False
        return True


def _worker(queue, main_pid: int, args: tuple, part: int, parts: int) -> None:
    """Worker process: prepare this part's chunks and hand them over through ``queue`` (bounded).

    If the importer dies (killed between batches), the worker stops within a second instead of
    waiting for ever on the full queue, so nothing is left behind holding the terminal's pipes.
    """
    import gc
    import queue as queue_module

    # The worker makes millions of short-lived tuples and strings and no reference cycles worth
    # collecting: the cyclic collector would only rescan them (a third of the worker's time).
    gc.disable()

    def put(message) -> None:
        while True:
            try:
                queue.put(message, timeout=0.5)
                return
            except queue_module.Full:
                if not _alive(main_pid):
                    os._exit(0)

    try:
        for chunk in _prepared_chunks(*args, part=part, parts=parts):
            put(("chunk", chunk))
        put(("end",))
    except UnreadableFile as exc:
        put(("unreadable", exc.code, exc.params))
    except Exception as exc:  # noqa: BLE001 - reported to the importer, which raises it
        put(("error", f"{type(exc).__name__}: {exc}"))


def _chunks_from_workers(args: tuple, workers: int) -> Generator[_Chunk, None, None]:
    """The chunks of :func:`_prepared_chunks`, in file order, prepared by ``workers`` processes."""
    import multiprocessing
    import queue as queue_module

    # fork from a single-threaded process (the CLI): the workers start at once with every module
    # loaded (importing them afresh took 0.6 s of a 20 s import). forkserver from a threaded one (the
    # dashboard), where a fork could copy a lock another thread holds.
    import threading

    # (typed Any: the stubs' BaseContext does not declare the Process and Queue every context has)
    ctx: Any = multiprocessing.get_context("fork" if threading.active_count() == 1 else "forkserver")
    queues = [ctx.Queue(maxsize=2) for _ in range(workers)]
    procs = [
        ctx.Process(target=_worker, args=(q, os.getpid(), args, k, workers), daemon=True) for k, q in enumerate(queues)
    ]
    for proc in procs:
        proc.start()
    try:
        index = 0
        while True:
            q, proc = queues[index % workers], procs[index % workers]
            while True:
                try:
                    message = q.get(timeout=1.0)
                    break
                except queue_module.Empty:
                    if not proc.is_alive() and q.empty():
                        raise RuntimeError(f"import worker stopped unexpectedly (exit code {proc.exitcode})") from None
            if message[0] == "chunk":
                yield message[1]
                index += 1
            elif message[0] == "end":
                return
            elif message[0] == "unreadable":
                raise UnreadableFile(message[1], **message[2])
            else:
                raise RuntimeError(f"import worker failed: {message[1]}")
    finally:
        for proc in procs:
            proc.terminate()
        for proc in procs:
            proc.join(timeout=5)
        for q in queues:
            q.cancel_join_thread()
            q.close()


class _Batcher:
    """Writes prepared chunks, each in one transaction on the import's connection, and keeps the
    running counts."""

    def __init__(self, conn: Connection, batch_id: int, counts: ImportProgress):
        self.conn, self.batch_id, self.counts = conn, batch_id, counts

    def write(self, chunk: _Chunk) -> None:
        """Store and count one chunk in one transaction, with the batch record's counts and last line."""
        b = self.batch_id
        with self.conn.begin():
            conn = self.conn
            written = write_staged(conn, chunk.staged, chunk.good, b)
            duplicate_lines = {line for line, _ in written.duplicates}
            warnings = [
                dict(batch_id=b, line_number=line, declaration_id=decl_id, field=f, code=c, raw_value=raw)
                for line, (decl_id, found) in sorted(chunk.warnings.items())
                if line not in duplicate_lines
                for f, c, raw in found
            ]
            duplicates = [
                dict(batch_id=b, line_number=line, declaration_id=decl_id) for line, decl_id in written.duplicates
            ]
            quarantined = [dict(q, batch_id=b) for q in chunk.quarantined]
            for table, rows in (
                (schema.quarantined_rows, quarantined),
                (schema.import_warnings, warnings),
                (schema.duplicate_rows, duplicates),
            ):
                if rows:
                    conn.execute(insert(table), rows)
            c = self.counts
            c.rows_in += chunk.rows
            c.accepted += written.inserted
            c.duplicates += len(duplicates)
            c.quarantined += len(quarantined)
            c.warnings += len(warnings)
            c.last_line = chunk.last_line
            conn.execute(
                update(schema.import_batches)
                .where(schema.import_batches.c.id == b)
                .values(
                    rows_in=c.rows_in,
                    accepted=c.accepted,
                    duplicates=c.duplicates,
                    quarantined=c.quarantined,
                    warnings=c.warnings,
                    last_line=c.last_line,
                )
            )


def _open_batch(engine: Engine, file_name: str, checksum: str, created_by: str) -> tuple[int, ImportProgress]:
    """The unfinished batch of this same file to resume, or a new one."""
    b = schema.import_batches.c
    with engine.begin() as conn:
        row = conn.execute(
            select(b.id, b.rows_in, b.accepted, b.duplicates, b.quarantined, b.warnings, b.last_line)
            .where(b.kind == "import", b.checksum == checksum, b.status.in_(("running", "failed")))
            .order_by(b.id.desc())
            .limit(1)
        ).first()
        if row is not None:
            conn.execute(update(schema.import_batches).where(b.id == row.id).values(status="running"))
            return row.id, ImportProgress(
                row.rows_in, row.accepted, row.duplicates, row.quarantined, row.warnings, row.last_line
            )
        return new_batch(
            conn, "import", file_name=file_name, checksum=checksum, created_by=created_by
        ), ImportProgress()


def _finish(engine: Engine, batch_id: int, status: str, *, by: str, file_name: str, counts: ImportProgress) -> None:
    """Close the batch record, and write the import to the audit log (who imported which file)."""
    with engine.begin() as conn:
        conn.execute(
            update(schema.import_batches)
            .where(schema.import_batches.c.id == batch_id)
            .values(status=status, finished_at=now_utc())
        )
        audit.record(
            conn,
            "import",
            username=by,
            details={
                "batch_id": batch_id,
                "file_name": file_name,
                "status": status,
                "accepted": counts.accepted,
                "duplicates": counts.duplicates,
                "quarantined": counts.quarantined,
            },
            rows=counts.rows_in,
        )


def import_file(
    engine: Engine,
    source: str | os.PathLike | bytes,
    file_name: str | None = None,
    *,
    sheet: str | None = None,
    created_by: str = "cli",
    progress: Callable[[ImportProgress], None] | None = None,
    batch_rows: int | None = None,
    workers: int | None = None,
    now: dt.datetime | None = None,
) -> ImportResult:
    """Import a declaration file (a path, or the bytes of an upload) into the store.

    Raises :class:`UnreadableFile` (a code and its parameters) when the file cannot be read as a
    declaration table; the rows committed before a read failure in the middle of the file stay, and
    the batch is marked failed, to be resumed by importing the fixed (or same) file again.
    ``progress`` is called after each committed batch; an exception it raises stops the import
    there (what was committed stays, and a later run resumes). ``workers`` processes read and
    normalise while this one writes (default: ``import_workers`` for files of more than
    ``import_parallel_bytes``, else none). ``now`` (aware) is the reference for "in the future".
    """
    if file_name is None:
        file_name = Path(os.fsdecode(source)).name if not isinstance(source, bytes) else "upload"
    now = now or dt.datetime.now(UTC)
    settings = get_settings()
    batch_rows = batch_rows or settings.import_batch_rows
    reader = read_table(source, file_name, sheet)  # unreadable files fail before any batch exists
    if workers is None:
        workers = settings.import_workers if reader.total_bytes > settings.import_parallel_bytes else 0
    checksum = file_checksum(source, sheet)
    with engine.connect() as conn:
        ref = load_reference(conn)
        zones = HotZoneIndex(load_hot_zones(conn))
    batch_id, counts = _open_batch(engine, file_name, checksum, created_by)
    resumed_from = counts.last_line
    kill_after = int(os.environ.get(KILL_HOOK_ENV) or 0)
    with engine.connect() as conn:
        target = (insert_kind(conn), batch_id)
        args = (source, file_name, sheet, ref, zones, now, resumed_from, batch_rows, target, reader.encoding)
        chunks = _chunks_from_workers(args, workers) if workers > 0 else _prepared_chunks(*args)
        committed = 0
        try:
            with open_stage(conn):
                batcher = _Batcher(conn, batch_id, counts)
                for chunk in chunks:
                    batcher.write(chunk)
                    committed += 1
                    if kill_after and committed >= kill_after:
                        os.kill(os.getpid(), signal.SIGKILL)
                    counts.fraction = chunk.fraction
                    if progress:
                        progress(counts)
        except BaseException:
            try:
                _finish(engine, batch_id, "failed", by=created_by, file_name=file_name, counts=counts)
            except Exception:  # noqa: BLE001 - the store may be the thing that failed; the record stays "running"
                pass
            raise
        finally:
            chunks.close()
    _finish(engine, batch_id, "done", by=created_by, file_name=file_name, counts=counts)
    if progress and counts.fraction < 1.0:
        counts.fraction = 1.0
        progress(counts)
    counts.fraction = 1.0
    return ImportResult(
        batch_id,
        file_name,
        counts.rows_in,
        counts.accepted,
        counts.duplicates,
        counts.quarantined,
        counts.warnings,
        resumed_from,
        unrecognised_columns=list(reader.unrecognised_headers),
        ids_derived="declaration_id" not in reader.mapped_fields,
    )
