"""Vùng dịch: the editor's table, what an edit changed, and the change log as a table."""

from __future__ import annotations

import datetime as dt
import math

import pandas as pd

from data_access.hotzones import ZoneProblem

from .. import formatting as fmt
from ..i18n import error_text, t

ZONE_COLUMNS = ("id", "province_code", "district_name", "label", "valid_from", "valid_to")


def zone_frame(zones: pd.DataFrame, active: str, inactive: str) -> pd.DataFrame:
    """The editor's table: :data:`ZONE_COLUMNS` plus a read-only state; blanks as blanks (not "None")."""
    frame = zones[list(ZONE_COLUMNS)].copy()
    frame["district_name"] = frame["district_name"].fillna("")
    for column in ("valid_from", "valid_to"):
        frame[column] = pd.to_datetime(frame[column])
    frame["state"] = [active if a else inactive for a in zones["active"]]
    return frame


def zone_edits(before: pd.DataFrame, after: pd.DataFrame) -> tuple[list[dict], list[tuple[int, dict]], list[int]]:
    """What an edit of the zone table did: rows added, rows changed (id, new values), ids deleted.

    ``before``/``after`` have :data:`ZONE_COLUMNS`; added rows have no id. Rows left entirely blank
    are ignored (an empty line the editor adds).
    """

    def clean(v):
        if v is None or (isinstance(v, float) and math.isnan(v)) or v is pd.NaT:
            return None
        if isinstance(v, pd.Timestamp):
            return v.date()
        if isinstance(v, dt.datetime):
            return v.date()
        if isinstance(v, str):
            return v.strip() or None
        return v

    old = {int(r["id"]): {k: clean(r[k]) for k in ZONE_COLUMNS[1:]} for r in before.to_dict("records")}
    added, changed, seen = [], [], set()
    for r in after.to_dict("records"):
        values = {k: clean(r.get(k)) for k in ZONE_COLUMNS[1:]}
        zone_id = clean(r.get("id"))
        if zone_id is None:
            if any(v is not None for v in values.values()):
                added.append(values)
            continue
        zone_id = int(zone_id)
        seen.add(zone_id)
        if zone_id in old and values != old[zone_id]:
            changed.append((zone_id, values))
    deleted = [i for i in old if i not in seen]
    return added, changed, deleted


#: How many of a hot-zone file's problem lines the page names.
PROBLEMS_SHOWN = 5


def problems_text(problems: list[ZoneProblem], lang: str) -> str:
    """The first :data:`PROBLEMS_SHOWN` problem lines of a hot-zone file, in ``lang``: "dòng 3: Tỉnh
    không hợp lệ: “X”; dòng 7: …"."""
    return "; ".join(error_text(p.error, lang, line=p.line) for p in problems[:PROBLEMS_SHOWN])


def changes_table(changes: list[dict], provinces: dict[str, str], lang: str) -> pd.DataFrame:
    """The hot-zone change log: when, who, what, how many declarations re-classified."""

    def describe(z):
        if not z:
            return ""
        if isinstance(z, list):
            return t("it.hz.n_zones", lang, n=len(z))
        place = provinces.get(z.get("province_code"), z.get("province_code"))
        if z.get("district_name"):
            place += f" / {z['district_name']}"
        until = fmt.date(dt.date.fromisoformat(z["valid_to"]), lang) if z.get("valid_to") else "…"
        return f"{place} — {z.get('label')} ({fmt.date(dt.date.fromisoformat(z['valid_from']), lang)} – {until})"

    return pd.DataFrame(
        [
            {
                t("it.hz.when", lang): fmt.local_datetime(c["changed_at"], lang),
                t("it.col.by", lang): c["changed_by"],
                t("it.hz.action", lang): t(f"it.hz.action.{c['action']}", lang),
                t("it.hz.before", lang): describe(c["before"]),
                t("it.hz.after", lang): describe(c["after"]),
                t("it.hz.reclassified", lang): fmt.number(int(c["reclassified"]), lang),
            }
            for c in changes
        ]
    )
