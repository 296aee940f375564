"""Command line of SPEC §5: ``python -m data_access <command>``."""

from __future__ import annotations

import argparse
import signal
import sys
from collections.abc import Callable, Sequence

from pathlib import Path

from sqlalchemy.engine import make_url
from sqlalchemy.exc import SQLAlchemyError

from . import simulator
from .settings import get_settings
from .store import StoreError, check_store, create_store_engine, display_url, init_store

STORE_MESSAGES = {
    "missing": "kho dữ liệu không tồn tại (chạy: python -m data_access init)",
    "unreachable": "không kết nối được kho dữ liệu",
    "not_a_store": "tệp/cơ sở dữ liệu này không phải kho khai báo",
    "not_initialised": "kho dữ liệu chưa được khởi tạo (chạy: python -m data_access init)",
    "outdated": "lược đồ kho dữ liệu cũ (chạy: python -m data_access init)",
}

Command = Callable[[argparse.Namespace], int]
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
    signal.signal(signal.SIGTERM, lambda *_: stopping.append(True))
    print("Đang phát khai báo mô phỏng (Ctrl-C để dừng)…", flush=True)
    try:
        written = simulator.feed(engine, rate=args.rate, interval=args.interval, stop=lambda: bool(stopping))
    except KeyboardInterrupt:
        return 0
    print(f"Đã dừng; {written} khai báo.")
    return 0


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of every command."""
    parser = argparse.ArgumentParser(prog="python -m data_access",
                                     description="Kho khai báo y tế tại các chốt kiểm soát Thái Bình")
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("init", help="tạo hoặc nâng cấp lược đồ và dữ liệu tham chiếu")
    p = sub.add_parser("seed", help="tạo lịch sử mô phỏng đến hiện tại")
    p.add_argument("--days", type=int, required=True)
    p.add_argument("--seed", type=int, default=2021)
    p.add_argument("--scale", type=float, default=1.0)
    p = sub.add_parser("feed", help="phát khai báo mô phỏng theo thời gian thực")
    p.add_argument("--rate", type=float, default=None, help="khai báo mỗi giây (mặc định: theo giờ trong ngày)")
    p.add_argument("--interval", type=float, default=2.0, help="giây giữa hai lần ghi")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run one command; store problems are one line on stderr and a non-zero exit."""
    args = build_parser().parse_args(argv)
    try:
        return COMMANDS[args.command](args)
    except StoreError as exc:
        print(f"Lỗi: {STORE_MESSAGES[exc.kind]}: {exc.target}"
              + (f" ({exc.detail})" if exc.detail else ""), file=sys.stderr)
        return 1
    except SQLAlchemyError as exc:
        detail = str(getattr(exc, "orig", None) or exc).splitlines()[0]
        print(f"Lỗi: {STORE_MESSAGES['unreachable']}: {display_url(get_settings().store_url)} ({detail})",
              file=sys.stderr)
        return 1
