"""Vietnamese (or English) number and date formats, through Babel."""

from __future__ import annotations

import datetime as dt
import re

from babel.dates import format_date, format_datetime, format_timedelta
from babel.numbers import format_decimal, format_percent

from data_access.timeutil import to_local

LOCALES = {"vi": "vi_VN", "en": "en_GB"}


def number(value: float | int, lang: str = "vi") -> str:
    """1.234 (vi) or 1,234 (en)."""
    return format_decimal(value, locale=LOCALES[lang])


def signed(value: float | int, lang: str = "vi") -> str:
    """A change with its sign: +1.234 / -56 / 0 (ASCII minus: st.metric reads it to colour the arrow)."""
    text = number(abs(value), lang)
    return f"+{text}" if value > 0 else (f"-{text}" if value < 0 else text)


def percent(share: float | None, lang: str = "vi", digits: int = 1) -> str:
    """75,4% (vi); an em dash when there is nothing to divide."""
    if share is None:
        return "—"
    pattern = "#,##0." + "0" * digits + "%" if digits else "#,##0%"
    return format_percent(share, format=pattern, locale=LOCALES[lang])


def local_time(ts_utc: dt.datetime, lang: str = "vi", pattern: str = "HH:mm:ss") -> str:
    """A naive UTC instant as local time text."""
    return format_datetime(to_local(ts_utc), pattern, locale=LOCALES[lang])


def local_datetime(ts_utc: dt.datetime, lang: str = "vi") -> str:
    """25/11/2026 14:05."""
    return local_time(ts_utc, lang, "dd/MM/yyyy HH:mm")


def day(value: dt.date, lang: str = "vi") -> str:
    """25/11 (short day label for charts and tables)."""
    return format_date(value, "dd/MM", locale=LOCALES[lang])


def date(value: dt.date, lang: str = "vi") -> str:
    """25/11/2026."""
    return format_date(value, "dd/MM/yyyy", locale=LOCALES[lang])


def ago(then_utc: dt.datetime, now_utc: dt.datetime, lang: str = "vi") -> str:
    """How long ago: "3 giây trước"."""
    delta = then_utc - now_utc
    if abs(delta.total_seconds()) < 1:
        delta = dt.timedelta(seconds=-1)
    return format_timedelta(delta, locale=LOCALES[lang], add_direction=True, threshold=1.5)


def share(part: float, whole: float) -> float | None:
    """part / whole, None when whole is zero."""
    return part / whole if whole else None


#: Every ASCII punctuation character: CommonMark lets each be escaped with a backslash, which turns
#: off emphasis, links, images, HTML, Streamlit's ":red[…]" and ":material/…:" directives and "$" maths.
_MARKDOWN_PUNCTUATION = frozenset("!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~")
#: An invisible word joiner. GitHub-style autolinks ("https://…", "www.…", "name@host") are found in
#: the text after escapes are resolved, so escaping cannot stop them; a joiner inside the pattern can.
_JOINER = "\u2060"
_AUTOLINK_STARTS = re.compile(r"(?i)(://|www\.|@)")


def escape_markdown(value: object) -> str:
    """Text from a file, a form or a store row, made safe for any Streamlit element that renders
    Markdown (st.markdown, st.caption, st.error, a progress text…): shown as typed, on one line,
    never as a link, an image, HTML or formatting."""
    text = " ".join(str(value).split()) if value is not None else ""
    text = _AUTOLINK_STARTS.sub(lambda m: _JOINER.join(m.group(0)) + _JOINER, text)
    return "".join(f"\\{ch}" if ch in _MARKDOWN_PUNCTUATION else ch for ch in text)
