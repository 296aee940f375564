"""Presentation parts the pages share: checkpoint names on query frames, a filtered page's scope and
colours, a day range in words, field and problem names."""

from __future__ import annotations

import datetime as dt

import pandas as pd

from data_access.fields import FIELDS_BY_NAME

from .. import formatting as fmt
from ..charts import checkpoint_colors
from ..i18n import t


def with_names(frame: pd.DataFrame, checkpoints: pd.DataFrame) -> pd.DataFrame:
    """``frame`` with a ``checkpoint`` column (the checkpoint's name) from its checkpoint_id."""
    names = dict(zip(checkpoints["id"], checkpoints["name"], strict=False))
    return frame.assign(checkpoint=frame["checkpoint_id"].map(names))


def scope(filters, checkpoints: pd.DataFrame, now: dt.datetime) -> tuple[dt.date, dt.date, dict, dict[str, str]]:
    """What a filtered committee page shows at ``now``: its first and last local day, the query
    filters (``checkpoint_ids``, ``directions``) and the colours of the checkpoints on screen."""
    first, last = filters.days(now)
    where = dict(checkpoint_ids=filters.checkpoint_ids(checkpoints), directions=filters.directions, now=now)
    return first, last, where, shown_colors(checkpoint_colors(checkpoints), checkpoints, where["checkpoint_ids"])


def shown_colors(colors: dict[str, str], checkpoints: pd.DataFrame, ids: list[int] | None) -> dict[str, str]:
    """The checkpoint colours of the checkpoints on screen (colours stay those of all pages)."""
    if ids is None:
        return colors
    names = set(checkpoints.loc[checkpoints["id"].isin(ids), "name"])
    return {n: c for n, c in colors.items() if n in names}


def range_text(first_day: dt.date, last_day: dt.date, lang: str) -> str:
    """ "25/11/2026" or "20/11/2026 – 25/11/2026"."""
    a, b = fmt.date(first_day, lang), fmt.date(last_day, lang)
    return a if a == b else f"{a} – {b}"


def field_label(name: str, lang: str) -> str:
    """A declaration field's name as the user reads it ("Số điện thoại" / "phone")."""
    key = f"it.field.{name}"
    try:
        return t(key, lang)
    except KeyError:
        f = FIELDS_BY_NAME.get(name)
        return f.label if f is not None else name


def code_label(code: str, lang: str) -> str:
    """missing / invalid / future in words."""
    try:
        return t(f"it.code.{code}", lang)
    except KeyError:
        return code
