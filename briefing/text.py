"""Vietnamese wording and number formats shared by the deck, the workbook and the report.

Numbers are Vietnamese style through Babel (1.234; 76,4%), as the dashboard shows them, and every
sentence is written from a :class:`~briefing.figures.BriefingFigures`.
"""

from __future__ import annotations

import datetime as dt

from babel.numbers import format_decimal, format_percent

from data_access.timeutil import to_local

from .figures import REASONS, BriefingFigures, CheckpointDay

LOCALE = "vi_VN"

NO_DATA = "Không có dữ liệu khai báo trong ngày"

PROVINCE = "Tỉnh Thái Bình"
TEAM = "Tổ CNTT phòng, chống dịch Covid-19"
TITLE = "Tình hình khai báo y tế tại các chốt kiểm soát"

REASON_LABELS = {
    "reason_contact_f0": "Tiếp xúc F0",
    "reason_hotzone_origin": "Đi từ vùng dịch",
    "reason_symptom_travel": "Có triệu chứng và qua vùng dịch",
}
#: Labels in the order of :data:`~briefing.figures.REASONS`.
REASON_NAMES = tuple(REASON_LABELS[r] for r in REASONS)

#: Hot-zone labels and import file names are typed by people: cut long ones short in prose.
TEXT_LIMIT = 80


def number(value: float | int) -> str:
    """1.234 (a mean to one decimal: 1.234,5)."""
    if isinstance(value, float) and not value.is_integer():
        return format_decimal(round(value, 1), format="#,##0.0", locale=LOCALE)
    return format_decimal(int(value), locale=LOCALE)


def percent(share: float | None, digits: int = 1) -> str:
    """76,4%; an em dash when there is nothing to divide."""
    if share is None:
        return "—"
    pattern = "#,##0." + "0" * digits + "%" if digits else "#,##0%"
    return format_percent(share, format=pattern, locale=LOCALE)


def signed(value: float | int) -> str:
    """A change with its sign: +1.234 / -56 / 0."""
    text = number(abs(value))
    return f"+{text}" if value > 0 else (f"-{text}" if value < 0 else text)


def points(now: float | None, before: float | None) -> str:
    """The change of a share in percentage points: "+1,2 điểm %", or "" when either is missing."""
    if now is None or before is None:
        return ""
    return f"{signed(round((now - before) * 100, 1))} điểm %"


def date(value: dt.date) -> str:
    """19/11/2026."""
    return value.strftime("%d/%m/%Y")


def short_date(value: dt.date) -> str:
    """19/11 (chart categories)."""
    return value.strftime("%d/%m")


def date_line(value: dt.date, place: str = "Thái Bình") -> str:
    """The date line of an administrative document (Decree 30/2020/NĐ-CP): "Thái Bình, ngày 05 tháng 02
    năm 2026" — a day below 10 and the months 1 and 2 take a leading zero, the other months do not."""
    month = f"{value.month:02d}" if value.month < 3 else str(value.month)
    return f"{place}, ngày {value.day:02d} tháng {month} năm {value.year}"


def cutoff(fig: BriefingFigures) -> str:
    """The local time the figures of a running day are counted up to: "09:30"."""
    return to_local(fig.now).strftime("%H:%M")


def clip(text: str, limit: int = TEXT_LIMIT) -> str:
    """``text`` on one line, at most ``limit`` characters."""
    one = " ".join(str(text).split())
    return one if len(one) <= limit else one[: limit - 1] + "…"


def change_phrase(now: int, before: int, unit: str = "lượt") -> str:
    """How a count moved against the day before: "tăng 2,1% (+232 lượt) so với ngày trước (11.070 lượt)",
    "giảm …", "không đổi so với ngày trước", or that the day before has nothing to compare with."""
    if before == 0:
        return "ngày trước không có số liệu để so sánh" if now else "ngày trước cũng không có"
    diff = now - before
    if diff == 0:
        return f"không đổi so với ngày trước ({number(before)} {unit})"
    word = "tăng" if diff > 0 else "giảm"
    return f"{word} {percent(abs(diff) / before)} ({signed(diff)} {unit}) so với ngày trước ({number(before)} {unit})"


def change_short(now: int, before: int) -> str:
    """A card's change line: "+232 (+2,1%) so với ngày trước", or that there is no day before."""
    if before == 0:
        return "ngày trước: không có số liệu" if now else "ngày trước: 0"
    diff = now - before
    rel = diff / before
    sign = "+" if rel > 0 else ("-" if rel < 0 else "")
    return f"{signed(diff)} ({sign}{percent(abs(rel))}) so với ngày trước"


def target_phrase(share: float | None, target: float) -> str:
    """A share against the target: "đạt mục tiêu 80%" or "thấp hơn mục tiêu 80% là 3,6 điểm %"."""
    if share is None:
        return "chưa có số liệu"
    gap = round((target - share) * 100, 1)
    if gap <= 0:
        return f"đạt mục tiêu {percent(target, 0)}"
    return f"thấp hơn mục tiêu {percent(target, 0)} là {number(gap)} điểm %"


def hour_ranges(hours: tuple[int, ...]) -> str:
    """Consecutive hours as ranges: (1, 2, 3, 7) → "01:00–04:00, 07:00–08:00"."""
    ranges: list[tuple[int, int]] = []
    for h in hours:
        if ranges and ranges[-1][1] == h:
            ranges[-1] = (ranges[-1][0], h + 1)
        else:
            ranges.append((h, h + 1))
    return ", ".join(f"{a:02d}:00–{b:02d}:00" for a, b in ranges)


def main_reasons(row: CheckpointDay) -> list[tuple[str, int]]:
    """The high-risk reasons with at least one traveller, most first."""
    found = [(REASON_NAMES[i], n) for i, n in enumerate(row.reasons) if n]
    return sorted(found, key=lambda x: -x[1])


def quality_notes(fig: BriefingFigures) -> list[str]:
    """The data-quality notes: silent hours per checkpoint, hours well below last week's, imports of
    the day and their quarantined rows (one sentence each)."""
    notes = []
    for name, hours in fig.silent_hours:
        if len(hours) >= 24:
            notes.append(f"{name}: không có khai báo nào cả ngày.")
        else:
            notes.append(f"{name}: {len(hours)} giờ không có khai báo ({hour_ranges(hours)}).")
    if fig.drops:
        parts = ", ".join(
            f"{d.hour:02d}:00 ({number(d.crossings)}, tuần trước {number(d.last_week)})" for d in fig.drops[:6]
        )
        more = f" và {len(fig.drops) - 6} giờ khác" if len(fig.drops) > 6 else ""
        notes.append(f"{len(fig.drops)} giờ có số khai báo thấp bất thường so với cùng giờ tuần trước: {parts}{more}.")
    if fig.imports:
        rows_in = sum(i.rows_in for i in fig.imports)
        notes.append(
            f"Nhập {number(len(fig.imports))} tệp trong ngày: {number(rows_in)} dòng, nhận "
            f"{number(sum(i.accepted for i in fig.imports))}, trùng {number(sum(i.duplicates for i in fig.imports))},"
            f" cách ly {number(fig.quarantined)} dòng (thiếu hoặc sai trường bắt buộc)."
        )
    else:
        notes.append("Không có tệp nào được nhập trong ngày; không có dòng bị cách ly.")
    if not fig.silent_hours and not fig.drops:
        span = "mọi giờ của ngày" if fig.complete else "mọi giờ đã qua của ngày"
        notes.insert(0, f"Các chốt đều có khai báo trong {span}; không có giờ sụt giảm bất thường.")
    if not fig.complete:
        notes.append(f"Số liệu tính đến {cutoff(fig)} (ngày chưa kết thúc); ngày trước được tính đến cùng giờ.")
    return notes


def crossings_sentence(fig: BriefingFigures) -> str:
    """The report's first sentence: the day's crossings against the day before and the 7-day mean."""
    t = fig.total
    if not fig.has_data:
        return f"{NO_DATA} {date(fig.day)} tại {number(len(fig.checkpoints))} chốt kiểm soát."
    mean = f"; trung bình 7 ngày trước là {number(t.mean_7d)} lượt/ngày" if t.mean_7d is not None else ""
    return (
        f"Trong ngày, {number(t.crossings)} lượt người qua {number(len(fig.checkpoints))} chốt "
        f"({number(t.crossings_in)} lượt vào, {number(t.crossings_out)} lượt ra), "
        f"{change_phrase(t.crossings, t.previous)}{mean}."
    )


def busiest_sentence(fig: BriefingFigures) -> str:
    """Which checkpoint carried most of the day's traffic."""
    if not fig.has_data:
        return ""
    top = max(fig.checkpoints, key=lambda r: r.crossings)
    return (
        f"Chốt đông nhất là {top.name} với {number(top.crossings)} lượt "
        f"({percent(top.crossings / fig.total.crossings)} tổng số)."
    )


def high_risk_sentence(fig: BriefingFigures) -> str:
    """The day's high-risk travellers, their main reasons, checkpoints and origin provinces."""
    t = fig.total
    if not fig.has_data:
        return ""
    if t.high_risk == 0:
        return f"Không có lượt người nào thuộc diện nguy cơ cao ({change_phrase(0, t.high_risk_previous)})."
    reasons = "; ".join(f"{name[0].lower()}{name[1:]}: {number(n)}" for name, n in main_reasons(t))
    where = ", ".join(
        f"{r.name} {number(r.high_risk)}" for r in sorted(fig.checkpoints, key=lambda r: -r.high_risk) if r.high_risk
    )
    origins = ", ".join(f"{clip(o.province)} ({number(o.high_risk)})" for o in fig.origins[:3])
    moved = change_phrase(t.high_risk, t.high_risk_previous)
    return (
        f"Có {number(t.high_risk)} lượt người thuộc diện nguy cơ cao, {moved}; "
        f"theo lý do (một người có thể có nhiều lý do) — {reasons}; theo chốt: {where}"
        + (f"; đi từ nhiều nhất: {origins}" if origins else "")
        + "."
    )


def adoption_sentence(fig: BriefingFigures) -> str:
    """Electronic declaration, Bluezone and free Wi-Fi against the target."""
    t = fig.total
    if not fig.has_data:
        return ""
    text = (
        f"Tỷ lệ khai báo điện tử đạt {percent(t.electronic_share)} ({number(t.electronic)} lượt), "
        f"{target_phrase(t.electronic_share, fig.target)}"
    )
    moved = points(t.electronic_share, t.electronic_share_previous)
    if moved:
        text += f" ({moved} so với ngày trước)"
    text += f"; tỷ lệ cài Bluezone {percent(t.bluezone_share)}, {target_phrase(t.bluezone_share, fig.target)}"
    if t.wifi_open:
        text += (
            f"; {number(t.free_wifi)} khai báo qua Wi-Fi miễn phí tại chốt "
            f"({percent(t.wifi_share)} số khai báo điện tử tại các chốt có Wi-Fi)"
        )
    lagging = [r for r in fig.checkpoints if r.electronic_share is not None and r.electronic_share < fig.target]
    if lagging:
        worst = min(lagging, key=lambda r: r.electronic_share or 0.0)
        text += f". Chốt thấp nhất: {worst.name} ({percent(worst.electronic_share)})"
    return text + "."
