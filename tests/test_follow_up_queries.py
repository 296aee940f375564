"""The health officers' follow-up list (data_access/queries/follow_up.py) and status changes
(data_access/follow_up.py), reconciled with direct counts over the raw rows, on both backends."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import and_, func, select

from data_access import follow_up
from data_access.follow_up import FollowUpError
from data_access.queries import follow_up as fq
from data_access.risk import HotZoneIndex
from data_access.store import schema, write_declarations
from data_access.timeutil import LOCAL_TZ, local_midnight_utc, to_store
from tests.support import declaration

NOW_LOCAL = dt.datetime(2026, 11, 20, 14, 25, 30, tzinfo=LOCAL_TZ)
NOW = to_store(NOW_LOCAL)
TODAY = NOW_LOCAL.date()
DAY = dt.timedelta(days=1)
d = schema.declarations.c


def local(day: dt.date, hour: int = 0, minute: int = 0, second: int = 0) -> dt.datetime:
    return dt.datetime(day.year, day.month, day.day, hour, minute, second, tzinfo=LOCAL_TZ)


def high(cp: int, at: dt.datetime, **kw) -> dict:
    """A high-risk declaration (contact with a confirmed case) unless ``kw`` says otherwise."""
    return declaration(cp, at, **{"contact_f0": True, **kw})


ROWS = [
    # today, up to now and after it
    high(1, local(TODAY, 0, 0, 0), full_name="Nguyễn Văn An", phone="0912345678", id_number="034090001234"),
    high(
        2, local(TODAY, 9, 15), full_name="Trần Thị Bình", phone="0987654321", id_number="034190005678", direction="out"
    ),
    high(
        3,
        local(TODAY, 14, 25, 29),
        full_name="ĐỖ ĐỨC CƯỜNG",
        phone="0369000111",
        id_number="036085009999",
        origin_province_code="33",
        origin_district="Tiên Lữ",
        destination_district_code="339",
    ),
    high(1, local(TODAY, 14, 25, 30), full_name="Sau Bây Giờ"),  # at now: not yet
    high(1, local(TODAY, 18, 0), full_name="Tối Nay"),
    # symptoms and travel through a hot zone: high for another reason
    declaration(2, local(TODAY, 8, 0), full_name="Phạm Hùng", fever=True, visited_hotzone=True, phone="0911222333"),
    # not high risk
    declaration(1, local(TODAY, 10, 0), full_name="Nguyễn Văn Ân", fever=True),
    declaration(1, local(TODAY, 11, 0), full_name="Nguyễn An"),
    # yesterday, to its last second; and the day before
    high(1, local(TODAY - DAY, 23, 59, 59), full_name="Lê Thị Hoa", phone=None, id_number=None),
    high(2, local(TODAY - DAY, 0, 0, 0), full_name=None, phone="0909090909"),
    high(3, local(TODAY - 2 * DAY, 12, 0), full_name="Nguyễn Văn An", phone="0912345678"),
]


@pytest.fixture
def fstore(engine):
    """A store with ROWS; returns the engine and the store ids by full name (and phone when nameless)."""
    with engine.begin() as conn:
        write_declarations(conn, ROWS, HotZoneIndex([]))
        ids = {
            (r.full_name or r.phone, r.declared_at): r.id
            for r in conn.execute(select(d.id, d.full_name, d.phone, d.declared_at))
        }
    return engine, ids


def _id(ids, name, day=TODAY):
    return next(i for (n, at), i in ids.items() if n == name and local_midnight_utc(day) <= at)


def _window(first: dt.date, last: dt.date):
    return and_(
        d.declared_at >= local_midnight_utc(first),
        d.declared_at < min(local_midnight_utc(last + DAY), NOW),
        d.risk_level == "high",
    )


def _count(conn, *conds) -> int:
    return conn.execute(select(func.count()).select_from(schema.declarations).where(*conds)).scalar()


FILTERS = [
    {},
    {"checkpoint_ids": [1]},
    {"checkpoint_ids": [2, 3]},
    {"directions": ["out"]},
    {"checkpoint_ids": [1], "directions": ["in"]},
    {"reasons": ["symptom_travel"]},
    {"reasons": ["contact_f0"], "checkpoint_ids": [3]},
]


@pytest.mark.parametrize("days", [0, 1, 2])
@pytest.mark.parametrize("where", FILTERS)
def test_the_list_holds_the_high_risk_travellers_before_now_newest_first(fstore, where, days):
    engine, _ = fstore
    first = TODAY - days * DAY
    conds = [_window(first, TODAY)]
    if "checkpoint_ids" in where:
        conds.append(d.checkpoint_id.in_(where["checkpoint_ids"]))
    if "directions" in where:
        conds.append(d.direction.in_(where["directions"]))
    if "reasons" in where:
        conds.append(d.risk_reason.in_(where["reasons"]))
    with engine.connect() as conn:
        frame = fq.travellers(conn, first_day=first, last_day=TODAY, now=NOW, **where)
        expected = conn.execute(select(d.id).where(*conds).order_by(d.declared_at.desc(), d.id.desc())).scalars().all()
        assert fq.traveller_count(conn, first_day=first, last_day=TODAY, now=NOW, **where) == len(expected)
    assert list(frame["id"]) == expected
    assert list(frame.columns) == fq.COLUMNS
    assert set(frame["status"]) <= {"not_contacted"}


def test_a_row_shows_names_contact_details_and_local_time(fstore):
    engine, ids = fstore
    with engine.connect() as conn:
        frame = fq.travellers(conn, first_day=TODAY, last_day=TODAY, now=NOW)
    row = frame[frame["id"] == _id(ids, "ĐỖ ĐỨC CƯỜNG")].iloc[0]
    assert row["declared_at_local"] == dt.datetime(2026, 11, 20, 14, 25, 29)
    assert (row["checkpoint"], row["direction"], row["phone"], row["id_number"]) == (
        "Cầu Triều Dương",
        "in",
        "0369000111",
        "036085009999",
    )
    assert (row["origin_province"], row["origin_district"], row["destination_district"]) == (
        "Hưng Yên",
        "Tiên Lữ",
        "Hưng Hà",
    )
    assert (row["risk_reason"], row["status"], row["status_at"], row["status_by"], row["note"]) == (
        "contact_f0",
        "not_contacted",
        None,
        None,
        None,
    )
    assert frame["declared_at_local"].iloc[-1] == dt.datetime(2026, 11, 20, 0, 0, 0)


@pytest.mark.parametrize(
    ("search", "names"),
    [
        ("nguyen van an", {"Nguyễn Văn An"}),  # diacritics, case and spacing ignored
        ("NGUYỄN VĂN", {"Nguyễn Văn An"}),
        ("đỗ đức", {"ĐỖ ĐỨC CƯỜNG"}),
        ("cuong", {"ĐỖ ĐỨC CƯỜNG"}),
        ("345678", {"Nguyễn Văn An"}),  # phone
        ("+84 912 345 678", {"Nguyễn Văn An"}),
        ("190005", {"Trần Thị Bình"}),  # ID number
        ("09", {"Nguyễn Văn An", "Trần Thị Bình", "Phạm Hùng", "0909090909", "ĐỖ ĐỨC CƯỜNG"}),  # phones, IDs
        ("%", set()),
        ("a%n", set()),
        ("---", set()),
    ],
)
def test_search_by_name_phone_or_id_number(fstore, search, names):
    engine, _ = fstore
    first = TODAY - 2 * DAY
    with engine.connect() as conn:
        frame = fq.travellers(conn, first_day=first, last_day=TODAY, now=NOW, search=search)
        n = fq.traveller_count(conn, first_day=first, last_day=TODAY, now=NOW, search=search)
    found = {
        name if isinstance(name, str) else phone for name, phone in zip(frame["full_name"], frame["phone"], strict=True)
    }
    assert found == names
    assert n == len(frame)
    if search == "nguyen van an":
        assert len(frame) == 2  # today's and the day before yesterday's


def test_pages_of_the_list(fstore):
    engine, _ = fstore
    args = dict(first_day=TODAY - 2 * DAY, last_day=TODAY, now=NOW)
    with engine.connect() as conn:
        whole = fq.travellers(conn, **args)
        pages = [fq.travellers(conn, **args, limit=3, offset=k) for k in (0, 3, 6)]
    assert len(whole) == 7
    assert [i for p in pages for i in p["id"]] == list(whole["id"])


def test_status_changes_history_and_the_status_filter(fstore):
    engine, ids = fstore
    an, binh, hoa = _id(ids, "Nguyễn Văn An"), _id(ids, "Trần Thị Bình"), _id(ids, "Lê Thị Hoa", TODAY - DAY)
    t = local_midnight_utc(TODAY) + dt.timedelta(hours=3)
    with engine.begin() as conn:
        follow_up.set_status(conn, an, "contacted", "Đã gọi, hẹn xét nghiệm", by="bs.lan", at=t)
        follow_up.set_status(conn, an, "tested", None, by="bs.lan", at=t + dt.timedelta(hours=1))
        follow_up.set_status(conn, binh, "home_isolation", "  ", by="bs.minh", at=t)
        follow_up.set_status(conn, hoa, "closed", "Âm tính", by="bs.minh", at=t + dt.timedelta(hours=2))
    args = dict(first_day=TODAY - DAY, last_day=TODAY, now=NOW)
    with engine.connect() as conn:
        frame = fq.travellers(conn, **args).set_index("id")
        assert frame.loc[an, "status"] == "tested" and frame.loc[an, "status_by"] == "bs.lan"
        assert frame.loc[an, "status_at"] == dt.datetime(2026, 11, 20, 4, 0) and frame.loc[an, "note"] is None
        assert frame.loc[binh, "status"] == "home_isolation" and frame.loc[binh, "note"] is None  # blank: no note
        assert frame.loc[hoa, "status"] == "closed" and frame.loc[hoa, "note"] == "Âm tính"
        for statuses in (["not_contacted"], ["tested", "closed"], ["contacted"], ["not_contacted", "home_isolation"]):
            got = fq.travellers(conn, **args, statuses=statuses)
            assert set(got["status"]) <= set(statuses)
            assert fq.traveller_count(conn, **args, statuses=statuses) == len(got)
            assert len(got) == sum(s in statuses for s in frame["status"])
        history = fq.history(conn, [an, binh, _id(ids, "Phạm Hùng")])
        f = schema.follow_ups.c
        assert len(history) == conn.execute(select(func.count()).where(f.declaration_id.in_([an, binh]))).scalar()
        g = schema.audit_log.c
        audited = conn.execute(select(g.username, g.details, g.rows).where(g.action == "follow_up_status")).all()
    assert list(zip(history["declaration_id"], history["status"], history["changed_by"], strict=True)) == [
        (an, "contacted", "bs.lan"),
        (binh, "home_isolation", "bs.minh"),
        (an, "tested", "bs.lan"),
    ]
    assert history["changed_at_local"].iloc[0] == dt.datetime(2026, 11, 20, 3, 0)
    assert history["note"].iloc[0] == "Đã gọi, hẹn xét nghiệm"
    assert len(audited) == 4 and ("bs.lan", {"declaration_id": an, "status": "contacted", "note": True}, 1) in audited
    assert "Âm tính" not in str(audited)  # the note stays out of the log


def test_a_status_that_cannot_be_set(fstore):
    engine, ids = fstore
    low = _id(ids, "Nguyễn An")
    an = _id(ids, "Nguyễn Văn An")
    cases = [
        ((an, "cured", None), "follow_up.bad_status"),
        ((an, "contacted", "x" * 501), "follow_up.note_too_long"),
        ((low, "contacted", None), "follow_up.not_high_risk"),
        ((10**9, "contacted", None), "follow_up.unknown_declaration"),
    ]
    for (decl, status, note), code in cases:
        with pytest.raises(FollowUpError) as info, engine.begin() as conn:
            follow_up.set_status(conn, decl, status, note, by="bs.lan")
        assert info.value.code == code
    with engine.begin() as conn:
        follow_up.set_status(conn, an, "contacted", "x" * 500, by="bs.lan")
        assert conn.execute(select(func.count()).select_from(schema.follow_ups)).scalar() == 1
    assert follow_up.STATUSES == (
        "not_contacted",
        "contacted",
        "home_isolation",
        "facility_isolation",
        "tested",
        "closed",
    )
