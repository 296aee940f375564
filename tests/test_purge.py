"""Erasing old personal data (data_access/purge.py) keeps every count, rollup, risk level and the
distinct-vehicle figure, on SQLite and PostgreSQL, with the simulator's data over 40 days."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import func, insert, select

from data_access import follow_up, simulator
from data_access.domain import PERSONAL_FIELDS
from data_access.purge import PurgeResult, purge_personal
from data_access.queries import traffic
from data_access.store import new_batch, rollup, schema
from data_access.timeutil import LOCAL_TZ, local_midnight_utc, to_store

NOW_LOCAL = dt.datetime(2026, 11, 20, 14, 25, 30, tzinfo=LOCAL_TZ)
NOW = to_store(NOW_LOCAL)
TODAY = NOW_LOCAL.date()
DAYS = 30
CUTOFF = TODAY - dt.timedelta(days=DAYS)  # the first local day kept: 21/10/2026
d = schema.declarations.c

RAW = {
    "Họ và tên": "Nguyễn Văn An",
    "Số điện thoại": "0912345678",
    "Số điện thoại (2)": "0987654321",
    "Số CCCD/CMND": "034090001234",
    "Biển số": "17B1-234.56",
    "Chốt kiểm soát": "Cầu Tân Đệ",
    "Thời gian khai báo": "hôm qua",
    "Ghi chú riêng": "nhà số 5, ngõ 12",  # no declaration field: could hold anything
}
KEPT_RAW = {"Chốt kiểm soát": "Cầu Tân Đệ", "Thời gian khai báo": "hôm qua"}
REASONS = [{"field": "declared_at", "code": "invalid", "raw": "hôm qua"}]


def _snapshot_rollups(conn) -> dict:
    return {r.table.name: sorted(map(tuple, conn.execute(select(r.table)).all()), key=repr) for r in rollup.ROLLUPS}


def _declarations(conn) -> dict:
    cols = [d.id, d.local_day, d.risk_level, d.risk_reason, d.origin_in_hotzone, d.plate_hash, d.declaration_id]
    return {r[0]: tuple(r[1:]) for r in conn.execute(select(*cols))}


def _personal(conn) -> dict:
    return {r[0]: tuple(r[1:]) for r in conn.execute(select(d.id, *(d[f] for f in PERSONAL_FIELDS)))}


def _everything_else(conn) -> dict:
    return {
        "quarantine": sorted(
            map(
                tuple,
                conn.execute(
                    select(
                        schema.quarantined_rows.c.id, schema.quarantined_rows.c.raw, schema.quarantined_rows.c.reasons
                    )
                ).all(),
            ),
            key=repr,
        ),
        "warnings": sorted(map(tuple, conn.execute(select(schema.import_warnings)).all()), key=repr),
        "follow_ups": sorted(map(tuple, conn.execute(select(schema.follow_ups)).all()), key=repr),
        "audit": conn.execute(select(func.count()).select_from(schema.audit_log)).scalar(),
    }


@pytest.fixture
def pstore(engine):
    """40 days of simulated declarations up to NOW, with quarantined rows, warnings and follow-up
    notes on both sides of the cutoff."""
    simulator.seed(engine, days=40, seed=11, scale=0.02, now=NOW)
    old_start, young_start = local_midnight_utc(CUTOFF - dt.timedelta(days=5)), local_midnight_utc(CUTOFF)
    with engine.begin() as conn:
        batch = new_batch(conn, "import", file_name="old.csv")
        conn.execute(
            insert(schema.quarantined_rows),
            [
                dict(batch_id=batch, line_number=2, reasons=REASONS, raw=RAW, created_at=old_start),
                dict(batch_id=batch, line_number=3, reasons=REASONS, raw=RAW, created_at=young_start),
            ],
        )

        def some(since, level=None):
            stmt = select(d.id, d.declaration_id).where(d.declared_at >= since, d.phone.is_not(None))
            if level:
                stmt = stmt.where(d.risk_level == level)
            return conn.execute(stmt.order_by(d.declared_at).limit(1)).one()

        old, young = some(old_start), some(young_start)
        conn.execute(
            insert(schema.import_warnings),
            [
                dict(
                    batch_id=batch,
                    line_number=4,
                    declaration_id=old.declaration_id,
                    field="phone",
                    code="invalid",
                    raw_value="09 sai",
                ),
                dict(
                    batch_id=batch,
                    line_number=4,
                    declaration_id=old.declaration_id,
                    field="birth_year",
                    code="invalid",
                    raw_value="19x0",
                ),
                dict(
                    batch_id=batch,
                    line_number=5,
                    declaration_id=young.declaration_id,
                    field="phone",
                    code="invalid",
                    raw_value="09 sai",
                ),
            ],
        )
        old_high, young_high = some(old_start, "high"), some(young_start, "high")
        follow_up.set_status(conn, old_high.id, "contacted", "Gọi 0912345678", by="bs.lan", at=old_start)
        follow_up.set_status(conn, young_high.id, "contacted", "Gọi lại sau", by="bs.lan", at=young_start)
    return engine


def _expected(conn) -> PurgeResult:
    old = d.declared_at < local_midnight_utc(CUTOFF)
    any_personal = [d[f].is_not(None) for f in PERSONAL_FIELDS]
    from sqlalchemy import or_

    n = conn.execute(select(func.count()).where(old, or_(*any_personal))).scalar()
    return PurgeResult(declarations=n, quarantined_rows=1, warnings=1, cutoff_day=CUTOFF, follow_up_notes=1)


def test_purge_erases_old_personal_data_and_keeps_every_figure(pstore):
    engine = pstore
    days = [TODAY - dt.timedelta(days=k) for k in range(40)]
    with engine.connect() as conn:
        rollups = _snapshot_rollups(conn)
        kept = _declarations(conn)
        personal = _personal(conn)
        others = _everything_else(conn)
        vehicles = traffic.people_and_vehicles_by_day(conn, days[-1], TODAY, now=NOW)
        expected = _expected(conn)
        audit_before = others["audit"]
    assert expected.declarations > 1000  # the simulator's old days hold personal data to erase
    assert sum(v[3] is not None for v in personal.values()) > 100  # and plates

    # a dry run counts and changes nothing
    with engine.begin() as conn:
        assert purge_personal(conn, older_than_days=DAYS, now=NOW, dry_run=True) == expected
    with engine.connect() as conn:
        assert _personal(conn) == personal and _everything_else(conn) == others

    with engine.begin() as conn:
        assert purge_personal(conn, older_than_days=DAYS, now=NOW, by="cli") == expected

    with engine.connect() as conn:
        after = _personal(conn)
        # personal fields before the cutoff are gone, from the cutoff on untouched
        for i, (day, *_rest) in kept.items():
            if day < CUTOFF:
                assert after[i] == (None, None, None, None)
            else:
                assert after[i] == personal[i]
        assert sum(kept[i][0] >= CUTOFF for i in kept) > 1000
        # every count, rollup, risk level and plate hash as it was
        assert _snapshot_rollups(conn) == rollups
        assert _declarations(conn) == kept
        assert traffic.people_and_vehicles_by_day(conn, days[-1], TODAY, now=NOW).equals(vehicles)
        # quarantined rows of that age keep only non-personal declaration fields; younger ones all
        q = schema.quarantined_rows.c
        raws = dict(conn.execute(select(q.line_number, q.raw)).all())
        assert raws == {2: KEPT_RAW, 3: RAW}
        assert conn.execute(select(q.reasons)).scalars().all() == [REASONS, REASONS]
        w = schema.import_warnings.c
        warnings = sorted(conn.execute(select(w.line_number, w.field, w.raw_value)).all())
        assert warnings == [(4, "birth_year", "19x0"), (4, "phone", None), (5, "phone", "09 sai")]
        f = schema.follow_ups.c
        assert sorted(conn.execute(select(f.status, f.note, f.changed_by)).all(), key=repr) == sorted(
            [("contacted", None, "bs.lan"), ("contacted", "Gọi lại sau", "bs.lan")], key=repr
        )
        g = schema.audit_log.c
        entries = conn.execute(select(g.username, g.details, g.rows).where(g.action == "purge")).all()
        assert conn.execute(select(func.count()).select_from(schema.audit_log)).scalar() == audit_before + 1
    assert entries == [
        (
            "cli",
            {
                "older_than_days": DAYS,
                "cutoff_day": CUTOFF.isoformat(),
                "declarations": expected.declarations,
                "quarantined_rows": 1,
                "warnings": 1,
                "follow_up_notes": 1,
            },
            expected.declarations,
        )
    ]

    # a second purge finds nothing left; a re-classification's rebuild keeps the purged days' fill counts
    with engine.begin() as conn:
        assert purge_personal(conn, older_than_days=DAYS, now=NOW) == PurgeResult(0, 0, 0, CUTOFF, 0)
        rollup.rebuild_days(conn, days)
    with engine.connect() as conn:
        assert _snapshot_rollups(conn) == rollups


def test_a_purge_of_zero_days_keeps_today(sqlite_engine):
    simulator.seed(sqlite_engine, days=2, seed=3, scale=0.01, now=NOW)
    with sqlite_engine.begin() as conn:
        result = purge_personal(conn, older_than_days=0, now=NOW)
        today = conn.execute(
            select(func.count()).where(d.declared_at >= local_midnight_utc(TODAY), d.full_name.is_not(None))
        ).scalar()
        left = conn.execute(select(func.count()).where(d.full_name.is_not(None))).scalar()
    assert result.cutoff_day == TODAY and result.declarations > 0
    assert today == left > 0
    with pytest.raises(ValueError), sqlite_engine.begin() as conn:
        purge_personal(conn, older_than_days=-1, now=NOW)
