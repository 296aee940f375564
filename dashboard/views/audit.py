"""The audit log as the admin page shows it: local times, actions in words, details as short text."""

from __future__ import annotations

import json

import pandas as pd

from ..i18n import t


def action_label(action: str, lang: str) -> str:
    """An audit action in words ("Đăng nhập")."""
    return t(f"audit.action.{action}", lang)


def _details(value: object) -> str:
    if value is None or (isinstance(value, float) and pd.isna(value)):
        return ""
    text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False, default=str)
    return text if len(text) <= 300 else text[:299] + "…"


def shown(entries: pd.DataFrame, lang: str) -> pd.DataFrame:
    """Newest first: time, user, action, page, rows, details."""
    return pd.DataFrame(
        {
            t("audit.col.time", lang): entries["at_local"].map(
                lambda v: "" if v is None or v is pd.NaT else pd.Timestamp(v).strftime("%d/%m/%Y %H:%M:%S")
            ),
            t("audit.col.user", lang): entries["username"].fillna(""),
            t("audit.col.action", lang): entries["action"].map(lambda a: action_label(a, lang)),
            t("audit.col.page", lang): entries["page"].fillna(""),
            t("audit.col.rows", lang): entries["rows"].map(lambda v: "" if pd.isna(v) else str(int(v))),
            t("audit.col.details", lang): entries["details"].map(_details),
        }
    )
