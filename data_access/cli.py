"""Command line of SPEC §5: ``python -m data_access <command>``."""

from __future__ import annotations

import argparse
import signal
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

from babel.dates import format_date
from babel.numbers import format_decimal
from sqlalchemy.engine import make_url
from sqlalchemy.exc import SQLAlchemyError

from . import cli_admin, simulator
from .errors import CodedError
from .settings import get_settings
from .store import StoreError, check_store, create_store_engine, display_url, init_store

Command = Callable[[argparse.Namespace], int]


def _n(value: int) -> str:
    """A count in Vietnamese style: 1.234.567."""
    return format_decimal(value, locale="vi_VN")


def _date(value) -> str:
    """A date in Vietnamese style: 25/11/2026."""
    return format_date(value, "dd/MM/yyyy", locale="vi_VN")


def error_line(error: CodedError, *, file: str | None = None, line: int | None = None) -> str:
    """``Lỗi [code]: <the Vietnamese text>`` of a coded error, for stderr: the words come from the
    dashboard's one catalogue (:func:`dashboard.i18n.error_text`; that module imports no streamlit).
    ``file`` names the file that could not be read, ``line`` the line of a file the error is about."""
    from dashboard.i18n import error_text

    return f"Lỗi [{error.code}]: {error_text(error, 'vi', file=file, line=line)}"


def words(key: str, **values: object) -> str:
    """A text of the one catalogue in Vietnamese (a role's name, a label), for the commands' output."""
    from dashboard.i18n import t

    return t(key, "vi", **values)


COMMANDS: dict[str, Command] = {}


def command(name: str) -> Callable[[Command], Command]:
    """Register a sub-command handler."""

    def register(fn: Command) -> Command:
        COMMANDS[name] = fn
        return fn

    return register


def store_engine(*, check: bool = True):
    """The writers' engine on the configured store, checked unless ``check`` is False."""
    url = get_settings().store_url
    path = make_url(url).database if make_url(url).get_backend_name() == "sqlite" else None
    if check and path and not Path(path).exists():
        raise StoreError("missing", display_url(url))
    engine = create_store_engine(url)
    if check:
        check_store(engine, url)
    return engine


@command("init")
def _init(args: argparse.Namespace) -> int:
    engine = store_engine(check=False)
    init_store(engine)
    print(f"Kho dữ liệu sẵn sàng: {display_url(get_settings().store_url)}")
    return 0


@command("seed")
def _seed(args: argparse.Namespace) -> int:
    engine = store_engine()

    def progress(done: int, total: int) -> None:
        print(f"\rMô phỏng: {done}/{total} giờ", end="", file=sys.stderr, flush=True)

    written = simulator.seed(engine, days=args.days, seed=args.seed, scale=args.scale, progress=progress)
    print(file=sys.stderr)
    print(f"Đã tạo {written} khai báo mô phỏng cho {args.days} ngày.")
    return 0


@command("feed")
def _feed(args: argparse.Namespace) -> int:
    engine = store_engine()
    stopping = []
    # Ctrl-C and SIGTERM end the loop between two writes, never in the middle of one.
    for signum in (signal.SIGINT, signal.SIGTERM):
        signal.signal(signum, lambda *_: stopping.append(True))
    print("Đang phát khai báo mô phỏng (Ctrl-C để dừng)…", flush=True)
    if args.surge and args.surge.upper() not in simulator.checkpoint_ids(engine):
        print(error_line(CodedError("cli.unknown_checkpoint", checkpoint=args.surge)), file=sys.stderr)
        return 2
    written = simulator.feed(
        engine,
        rate=args.rate,
        interval=args.interval,
        stop=lambda: bool(stopping),
        surge=args.surge.upper() if args.surge else None,
        backfill=not args.no_backfill,
    )
    print(f"Đã dừng; đã ghi {written} khai báo.", flush=True)
    return 0


# --- IT team: import, hot zones, data quality ---------------------------------------------


def _who() -> str:
    """Who runs the command, for the batch and change records (roles come with a later issue)."""
    import os

    return os.environ.get("USER") or "cli"


@command("import")
def _import(args: argparse.Namespace) -> int:
    import os

    if args.niceness:
        os.nice(args.niceness)  # asked by the dashboard, whose viewers come first
    path = Path(args.file)
    try:
        return _import_file(args, path)
    finally:
        if args.remove_file:
            path.unlink(missing_ok=True)


def _import_file(args: argparse.Namespace, path: Path) -> int:
    import json

    from .importing.pipeline import UnreadableFile, import_file

    name = args.file_name or path.name
    events = args.events

    def event(**data) -> None:
        try:
            print(json.dumps(data, ensure_ascii=False, default=str), flush=True)
        except OSError:
            pass  # nobody follows any more: the import itself goes on

    if not path.is_file():
        missing = UnreadableFile("file.missing")
        if events:
            event(unreadable={"code": missing.code, "params": missing.params})
        print(error_line(missing, file=name), file=sys.stderr)
        return 2
    engine = store_engine()
    tty = sys.stderr.isatty()

    def progress(p) -> None:
        if events:
            event(progress=vars(p))
            return
        line = f"Đang nhập {name}: {p.fraction:.0%} · {_n(p.rows_in)} dòng"
        print(("\r" + line) if tty else line, end="" if tty else "\n", file=sys.stderr, flush=True)

    try:
        result = import_file(
            engine, path, name, sheet=args.sheet, created_by=args.created_by or _who(), progress=progress
        )
    except UnreadableFile as exc:
        if tty:
            print(file=sys.stderr)
        if events:
            event(unreadable={"code": exc.code, "params": exc.params})
        print(error_line(exc, file=name), file=sys.stderr)
        return 2
    if tty:
        print(file=sys.stderr)
    if events:
        event(result=result.as_json())
    elif args.json:
        print(json.dumps(result.as_json(), ensure_ascii=False))
    else:
        if result.resumed_from_line:
            print(f"Tiếp tục lần nhập bị gián đoạn (sau dòng {result.resumed_from_line}).")
        print(f"Tệp {result.file_name} (lô nhập #{result.batch_id}): {_n(result.rows_in)} dòng")
        print(
            f"  nhận: {_n(result.accepted)} · trùng: {_n(result.duplicates)} · cách ly: {_n(result.quarantined)}"
            f" · cảnh báo: {_n(result.warnings)}"
        )
        if result.unrecognised_columns:
            print(f"  cột không nhận diện (bỏ qua): {', '.join(result.unrecognised_columns)}")
        if result.ids_derived:
            print("  không có cột mã khai báo: mã được tạo từ thời gian, chốt, hướng và CCCD/số điện thoại/họ tên")
    return 0


@command("hotzones")
def _hotzones(args: argparse.Namespace) -> int:
    from . import hotzones
    from .importing.pipeline import UnreadableFile, load_reference
    from .queries import hot_zones

    engine = store_engine()
    if args.action == "list":
        with engine.connect() as conn:
            from .timeutil import local_today

            zones = hot_zones.list_zones(conn, on=local_today())
        if not zones:
            print("Chưa có vùng dịch nào.")
        for z in zones:
            place = z["province_name"] + (f" / {z['district_name']}" if z["district_name"] else "")
            until = _date(z["valid_to"]) if z["valid_to"] else "nay"
            state = "đang áp dụng" if z["active"] else "hết/chưa hiệu lực"
            print(f"#{z['id']}\t{place}\t{z['label']}\t{_date(z['valid_from'])} – {until}\t{state}")
        return 0
    path = Path(args.file)
    try:
        if not path.is_file():
            raise UnreadableFile("file.missing")
        with engine.connect() as conn:
            ref = load_reference(conn)
        zones, problems = hotzones.read_zone_file(path, ref)
    except UnreadableFile as exc:
        print(error_line(exc, file=path.name), file=sys.stderr)
        return 2
    if problems:
        for problem in problems:
            print(error_line(problem.error, line=problem.line), file=sys.stderr)
        print("Danh sách vùng dịch không thay đổi (sửa các dòng trên rồi nhập lại).", file=sys.stderr)
        return 2
    with engine.begin() as conn:
        change = hotzones.replace_zones(conn, zones, changed_by=_who())
    print(
        f"Vùng dịch: {len(zones)} trong tệp; thêm {change.added}, sửa {change.updated}, xóa {change.deleted};"
        f" phân loại lại {change.reclassified} khai báo."
    )
    return 0


@command("quality")
def _quality(args: argparse.Namespace) -> int:
    import json

    from .queries import quality
    from .timeutil import now_utc

    engine = store_engine()
    with engine.connect() as conn:
        data = quality.report(conn, now_utc())
    if args.json:
        print(json.dumps(data, ensure_ascii=False, default=str))
        return 0
    t = data["imports_total"]
    print("BÁO CÁO CHẤT LƯỢNG DỮ LIỆU")
    print(
        f"Nhập tệp: {t['rows_in']} dòng · nhận {t['accepted']} · trùng {t['duplicates']}"
        f" · cách ly {t['quarantined']} · cảnh báo {t['warnings']}"
    )
    print("Độ mới theo chốt:")
    for r in data["freshness"]:
        since = "chưa có khai báo" if r["minutes_since"] is None else f"{r['minutes_since']:.0f} phút trước"
        print(f"  {r['name']}: {since}{'  [IM LẶNG]' if r['silent'] else ''}")
    drops = [r for r in data["hourly_vs_last_week"] if r["drop"]]
    print(f"Giờ sụt giảm so với cùng giờ tuần trước (24 giờ qua): {len(drops)}")
    for r in drops:
        print(f"  {r['hour_start']} UTC: {r['crossings']} (tuần trước {r['last_week']})")
    print("Lý do cách ly:")
    for r in data["quarantine_reasons"] or [{"field": "—", "code": "", "rows": 0}]:
        print(f"  {r['field']} {r['code']}: {r['rows']}")
    print("Cảnh báo theo trường:")
    for r in data["warnings_by_field"] or [{"field": "—", "code": "", "rows": 0}]:
        print(f"  {r['field']} {r['code']}: {r['rows']}")
    print(f"Dòng trùng: {data['duplicates']}")
    return 0


@command("report")
def _report(args: argparse.Namespace) -> int:
    # The briefing package reads the store through the query functions; it checks the date and the
    # formats before it opens the store (store_engine: a missing store is the usual one-line error).
    from briefing import report_command

    return report_command(args.date, args.out, args.format)


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of every command."""
    parser = argparse.ArgumentParser(
        prog="python -m data_access", description="Kho khai báo y tế tại các chốt kiểm soát Thái Bình"
    )
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("init", help="tạo hoặc nâng cấp lược đồ và dữ liệu tham chiếu")
    p = sub.add_parser("seed", help="tạo lịch sử mô phỏng đến hiện tại")
    p.add_argument("--days", type=int, required=True)
    p.add_argument("--seed", type=int, default=2021)
    p.add_argument("--scale", type=float, default=1.0)
    p = sub.add_parser("feed", help="phát khai báo mô phỏng theo thời gian thực")
    p.add_argument("--rate", type=float, default=None, help="khai báo mỗi giây (mặc định: theo giờ trong ngày)")
    p.add_argument("--interval", type=float, default=2.0, help="giây giữa hai lần ghi")
    p.add_argument(
        "--surge",
        default=None,
        metavar="CHOT",
        help="thêm người nguy cơ cao đến chốt này (mã chốt, ví dụ TAN_DE) để thử cảnh báo trên bản đồ",
    )
    p.add_argument(
        "--no-backfill", action="store_true", help="không bù khoảng thời gian từ khai báo mô phỏng cuối cùng đến nay"
    )
    # IT team commands
    p = sub.add_parser("import", help="nhập tệp khai báo CSV/XLSX")
    p.add_argument("file")
    p.add_argument("--sheet", default=None, help="tên trang tính XLSX (mặc định: trang đầu)")
    p.add_argument("--json", action="store_true", help="in kết quả thành một đối tượng JSON")
    # For the dashboard's upload page (data_access.importing.job), not for people: progress and result as
    # JSON lines, the name the file had when uploaded, who uploaded it, and the spooled copy removed.
    p.add_argument("--events", action="store_true", help=argparse.SUPPRESS)
    p.add_argument("--file-name", default=None, help=argparse.SUPPRESS)
    p.add_argument("--created-by", default=None, help=argparse.SUPPRESS)
    p.add_argument("--remove-file", action="store_true", help=argparse.SUPPRESS)
    p.add_argument("--niceness", type=int, default=0, help=argparse.SUPPRESS)
    p = sub.add_parser("hotzones", help="danh sách vùng dịch")
    hz = p.add_subparsers(dest="action", required=True)
    hz.add_parser("list", help="liệt kê vùng dịch")
    hz.add_parser("import", help="thay danh sách vùng dịch bằng tệp CSV/XLSX").add_argument("file")
    p = sub.add_parser("quality", help="báo cáo chất lượng dữ liệu")
    p.add_argument("--json", action="store_true")
    p = sub.add_parser("report", help="báo cáo một ngày cho lãnh đạo Sở (PowerPoint, Excel, Word)")
    p.add_argument("--date", default=None, help="ngày YYYY-MM-DD (mặc định: hôm qua)")
    p.add_argument("--out", required=True, help="thư mục ghi tệp")
    p.add_argument("--format", default=None, help="các định dạng, ví dụ pptx,xlsx,docx (mặc định: cả ba)")
    cli_admin.add_parsers(sub)  # users, audit, purge
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run one command; store problems are one line on stderr (:func:`error_line`) and a non-zero exit."""
    args = build_parser().parse_args(argv)
    try:
        return {**COMMANDS, **cli_admin.COMMANDS}[args.command](args)
    except StoreError as exc:
        print(error_line(exc), file=sys.stderr)
        return 1
    except SQLAlchemyError as exc:
        detail = str(getattr(exc, "orig", None) or exc).splitlines()[0]
        print(error_line(StoreError("unreachable", display_url(get_settings().store_url), detail)), file=sys.stderr)
        return 1
