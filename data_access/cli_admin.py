"""The accounts, audit-log and purge commands of SPEC §5 (``users``, ``audit``, ``purge``), and the
store's ``backup`` and ``restore`` (:mod:`data_access.backup`).

:func:`add_parsers` adds their sub-parsers to :func:`data_access.cli.build_parser`'s, and
:data:`COMMANDS` maps each command's name to its handler. Changes made here are audited with the user
name "cli". Passwords are read from the first line of standard input (``--password-stdin``), never
from the command line, where other users of the machine could read them.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
from collections.abc import Callable

from babel.dates import format_date, format_datetime
from babel.numbers import format_decimal

from .errors import CodedError

#: Who the audit log says made a change from the command line.
CLI_USER = "cli"

Command = Callable[[argparse.Namespace], int]


def _role(role: str) -> str:
    """A role's name in Vietnamese, from the one catalogue."""
    from .cli import words

    return words(f"role.{role}")


def _n(value: int) -> str:
    return format_decimal(value, locale="vi_VN")


def _error_line(error: CodedError) -> str:
    """``Lỗi [code]: <Vietnamese text>``, worded by the one catalogue (:func:`data_access.cli.error_line`)."""
    from .cli import error_line

    return error_line(error)


def _fail(error: CodedError) -> int:
    print(_error_line(error), file=sys.stderr)
    return 2


def _read_password() -> str:
    """The first line of standard input, without its line ending (spaces are part of a password)."""
    from .accounts import AccountError

    password = sys.stdin.readline().rstrip("\r\n")
    if not password:
        raise AccountError("account.password_missing")
    return password


# --- users ---------------------------------------------------------------------------------------


def _users(args: argparse.Namespace) -> int:
    from . import accounts
    from .cli import store_engine

    try:
        if args.action in ("add", "reset-password"):
            password = _read_password()
            if args.action == "add":
                engine = store_engine()
                with engine.begin() as conn:
                    account = accounts.add_account(
                        conn, args.name, args.role, password, display_name=args.display_name, by=CLI_USER
                    )
                print(f"Đã tạo tài khoản {account.username} (vai trò: {_role(account.role)}).")
            else:
                # The length is checked before the store is opened: a short password is refused alike.
                if len(password) < accounts.MIN_PASSWORD_LENGTH:
                    raise accounts.AccountError("account.password_too_short", min_length=accounts.MIN_PASSWORD_LENGTH)
                engine = store_engine()
                with engine.begin() as conn:
                    accounts.reset_password(conn, args.name, password, by=CLI_USER)
                print(
                    f"Đã đặt lại mật khẩu của {args.name.strip().lower()};"
                    " các phiên đăng nhập của tài khoản đã kết thúc."
                )
            return 0
        engine = store_engine()
        if args.action == "list":
            with engine.connect() as conn:
                found = accounts.list_accounts(conn)
            if args.json:
                print(json.dumps([_account_json(a) for a in found], ensure_ascii=False))
                return 0
            if not found:
                print(
                    "Chưa có tài khoản nào (tạo: python -m data_access users add TÊN --role VAI_TRÒ --password-stdin)."
                )
            for a in found:
                state = "đang dùng" if a.enabled else "đã khóa"
                print(f"{a.username}\t{a.display_name or '—'}\t{a.role} ({_role(a.role)})\t{state}")
            return 0
        enabled = args.action == "enable"
        with engine.begin() as conn:
            account = accounts.set_enabled(conn, args.name, enabled, by=CLI_USER)
        if enabled:
            print(f"Đã mở lại tài khoản {account.username}.")
        else:
            print(f"Đã khóa tài khoản {account.username}; các phiên đăng nhập của tài khoản đã kết thúc.")
        return 0
    except CodedError as error:
        if error.code.startswith("store."):
            raise  # the command line's own one-line store message (cli.main)
        return _fail(error)


def _account_json(account) -> dict:
    """An account as JSON: username, display_name, role, enabled."""
    return {
        "username": account.username,
        "display_name": account.display_name,
        "role": account.role,
        "enabled": account.enabled,
    }


# --- audit ---------------------------------------------------------------------------------------


def _audit(args: argparse.Namespace) -> int:
    import pandas as pd

    from .cli import store_engine
    from .queries import audit as audit_queries

    since = None
    if args.since:
        try:
            since = dt.date.fromisoformat(args.since)
        except ValueError:
            return _fail(CodedError("cli.bad_date", value=args.since))
    engine = store_engine()
    with engine.connect() as conn:
        frame = audit_queries.entries(conn, since=since, username=args.user, limit=args.limit)
    records = frame.to_dict("records")
    if args.json:
        out = [
            {
                "id": int(r["id"]),
                "at": r["at"].isoformat(),
                "at_local": r["at_local"].isoformat(),
                "username": r["username"],
                "action": r["action"],
                "page": r["page"],
                "details": r["details"],
                "rows": None if pd.isna(r["rows"]) else int(r["rows"]),
            }
            for r in records
        ]
        print(json.dumps(out, ensure_ascii=False, default=str))
        return 0
    if not records:
        print(
            "Nhật ký không có mục nào"
            + (f" từ {format_date(since, 'dd/MM/yyyy', locale='vi_VN')}" if since else "")
            + "."
        )
        return 0
    for r in records:
        rows = r["rows"]
        shown_rows = "" if pd.isna(rows) else f"{_n(int(rows))} dòng"
        details = json.dumps(r["details"], ensure_ascii=False) if r["details"] else ""
        when = format_datetime(r["at_local"].to_pydatetime(), "dd/MM/yyyy HH:mm:ss", locale="vi_VN")
        print("\t".join([when, r["username"] or "—", r["action"], r["page"] or "", shown_rows, details]).rstrip())
    if len(records) == args.limit:
        print(f"(chỉ hiện {_n(args.limit)} mục mới nhất; dùng --since hoặc --user để lọc)", file=sys.stderr)
    return 0


# --- purge ---------------------------------------------------------------------------------------


def _purge(args: argparse.Namespace) -> int:
    from .cli import store_engine
    from .purge import purge_personal
    from .timeutil import now_utc

    if args.personal_older_than < 0:
        return _fail(CodedError("cli.bad_days"))
    engine = store_engine()
    with engine.begin() as conn:
        result = purge_personal(
            conn, older_than_days=args.personal_older_than, now=now_utc(), dry_run=args.dry_run, by=CLI_USER
        )
    day = format_date(result.cutoff_day, "dd/MM/yyyy", locale="vi_VN")
    counts = (
        f"{_n(result.declarations)} khai báo trước ngày {day}; {_n(result.quarantined_rows)} dòng cách ly,"
        f" {_n(result.warnings)} cảnh báo, {_n(result.follow_up_notes)} ghi chú theo dõi"
    )
    if args.dry_run:
        print(f"Chạy thử (không thay đổi gì): sẽ xóa họ tên, CCCD, số điện thoại, biển số của {counts}.")
    else:
        print(f"Đã xóa họ tên, CCCD, số điện thoại, biển số của {counts}. Số liệu tổng hợp giữ nguyên.")
    return 0


# --- backup and restore --------------------------------------------------------------------------


def _headline(counts: dict[str, int]) -> dict[str, str]:
    """The counts a person checks a backup by, formatted: declarations, hourly rollup rows, audit rows."""
    from .backup import HEADLINE_TABLES

    return {name: _n(counts.get(name, 0)) for name in HEADLINE_TABLES}


def _backup(args: argparse.Namespace) -> int:
    from . import backup
    from .cli import words
    from .settings import get_settings

    try:
        done = backup.backup(get_settings().store_url, args.out, keep=args.keep)
    except backup.BackupError as error:
        return _fail(error)
    print(words("cli.backup_done", path=str(done.path), tables=_n(len(done.counts)), **_headline(done.counts)))
    return 0


def _restore(args: argparse.Namespace) -> int:
    from . import backup
    from .cli import words
    from .settings import get_settings
    from .store import display_url

    url = get_settings().store_url
    try:
        counts = backup.restore(args.file, url)
    except backup.BackupError as error:
        return _fail(error)
    print(
        words(
            "cli.restore_done",
            file=args.file,
            store=display_url(url),
            tables=_n(len(counts)),
            **_headline(counts),
        )
    )
    return 0


COMMANDS: dict[str, Command] = {
    "users": _users,
    "audit": _audit,
    "purge": _purge,
    "backup": _backup,
    "restore": _restore,
}


def add_parsers(sub) -> None:
    """Add the ``users``, ``audit``, ``purge``, ``backup`` and ``restore`` sub-parsers to ``sub`` (the
    sub-parsers action of :func:`data_access.cli.build_parser`)."""
    p = sub.add_parser("users", help="tài khoản đăng nhập bảng điều khiển")
    users = p.add_subparsers(dest="action", required=True)
    add = users.add_parser("add", help="tạo tài khoản (mật khẩu: dòng đầu của đầu vào chuẩn)")
    add.add_argument("name", help="tên đăng nhập: 3–50 ký tự a-z, 0-9, . _ -")
    add.add_argument("--role", required=True, help="leadership, health, it, admin hoặc wallscreen")
    add.add_argument("--display-name", default=None, help="tên hiển thị")
    add.add_argument("--password-stdin", action="store_true", required=True, help="đọc mật khẩu từ đầu vào chuẩn")
    lst = users.add_parser("list", help="liệt kê tài khoản")
    lst.add_argument("--json", action="store_true", help="in thành JSON")
    users.add_parser("disable", help="khóa tài khoản (kết thúc các phiên đăng nhập)").add_argument("name")
    users.add_parser("enable", help="mở lại tài khoản").add_argument("name")
    reset = users.add_parser("reset-password", help="đặt lại mật khẩu (dòng đầu của đầu vào chuẩn)")
    reset.add_argument("name")
    reset.add_argument("--password-stdin", action="store_true", required=True, help="đọc mật khẩu từ đầu vào chuẩn")

    p = sub.add_parser("audit", help="nhật ký truy cập và thay đổi")
    p.add_argument("--since", default=None, help="từ ngày YYYY-MM-DD (giờ Việt Nam)")
    p.add_argument("--user", default=None, help="chỉ các mục của tên đăng nhập này")
    p.add_argument("--json", action="store_true", help="in thành JSON")
    p.add_argument("--limit", type=int, default=1000, help="số mục mới nhất tối đa (mặc định 1000)")

    p = sub.add_parser("purge", help="xóa dữ liệu cá nhân của khai báo cũ, giữ nguyên số liệu")
    p.add_argument("--personal-older-than", type=int, required=True, metavar="DAYS", help="khai báo cũ hơn số ngày này")
    p.add_argument("--dry-run", action="store_true", help="chỉ đếm, không xóa")

    p = sub.add_parser("backup", help="sao lưu kho dữ liệu (PostgreSQL: pg_dump -Fc; SQLite: bản sao trực tuyến)")
    p.add_argument("--out", required=True, help="thư mục ghi bản sao lưu")
    p.add_argument("--keep", type=int, default=None, metavar="N", help="chỉ giữ N bản sao lưu mới nhất trong thư mục")
    p = sub.add_parser("restore", help="khôi phục bản sao lưu vào kho dữ liệu trống (DATABASE_URL)")
    p.add_argument("file", help="tệp sao lưu (có tệp .json đi kèm)")
