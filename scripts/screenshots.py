#!/usr/bin/env python3
"""Full-page PNG screenshots of a running Streamlit dashboard, taken with Debian chromium.

Example::

    make run &                                # or any other running instance
    python scripts/screenshots.py --url http://localhost:8501 --out screenshots/ \\
        --paths "" luu-luong --sizes 1440x900 1920x1080 --store sqlite:///data/declarations.db --role admin

The dashboard shows nothing before sign-in: with ``--store`` (the server's store, reachable from here)
the pages are taken signed in as an account of ``--role`` made in that store (``screenshot-<role>``).

For every URL path and every size it writes ``<path or "overview">-<W>x<H>.png``
(slashes in the path become ``_``), prints the files written, and prints the text of
any ``stException`` box found.  Exit status: 0 all clean, 1 some page showed an
exception or failed to load, 2 chromium/playwright unavailable.
"""

from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path

import browser_support  # scripts/ is sys.path[0] when run as a script


def parse_size(text: str) -> tuple[int, int]:
    match = re.fullmatch(r"\s*(\d+)\s*[xX]\s*(\d+)\s*", text)
    if not match:
        raise argparse.ArgumentTypeError(f"size must look like 1440x900, got {text!r}")
    return int(match.group(1)), int(match.group(2))


def file_stem(path: str) -> str:
    cleaned = path.strip("/")
    return re.sub(r"[^\w.-]+", "_", cleaned) if cleaned else "overview"


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--url", default="http://localhost:8501", help="base URL of the app")
    parser.add_argument("--out", type=Path, default=Path("screenshots"), help="output folder")
    parser.add_argument(
        "--paths", nargs="+", default=[""], metavar="PATH",
        help='URL paths of the pages ("" is the overview page)',
    )  # fmt: skip
    parser.add_argument(
        "--sizes", nargs="+", type=parse_size, default=[(1440, 900)], metavar="WxH",
        help="viewport sizes, e.g. 1440x900 1920x1080",
    )  # fmt: skip
    parser.add_argument("--store", default=None, help="the server's store URL: sign in with a session made there")
    parser.add_argument("--role", default="admin", help="the role of the account the pages are taken as")
    parser.add_argument("--timeout", type=float, default=60.0, help="seconds to wait per page")
    parser.add_argument("--settle", type=float, default=1.0, help="extra seconds after idle")
    return parser


def session_for(store_url: str, role: str) -> str:
    """A session of account ``screenshot-<role>`` (made if missing) in the store: the cookie's value."""
    import secrets

    from data_access import accounts
    from data_access.store import create_store_engine
    from data_access.timeutil import now_utc

    engine = create_store_engine(store_url)
    with engine.begin() as conn:
        name = f"screenshot-{role}"
        account = accounts.get_account(conn, name) or accounts.add_account(
            conn, name, role, secrets.token_urlsafe(16), by="screenshots"
        )
        token = accounts.start_session(conn, account, now_utc())
    engine.dispose()
    return token


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    executable = browser_support.find_chromium()
    if executable is None:
        print("Debian chromium not installed (apt-get install chromium)", file=sys.stderr)
        return 2
    try:
        from playwright.sync_api import Error as PlaywrightError
        from playwright.sync_api import sync_playwright
    except ImportError as exc:
        print(f"playwright python package not importable: {exc}", file=sys.stderr)
        return 2

    args.out.mkdir(parents=True, exist_ok=True)
    base = args.url.rstrip("/")
    if args.store:
        browser_support.SESSIONS[base] = session_for(args.store, args.role)
    written: list[Path] = []
    problems = 0
    with sync_playwright() as playwright:
        browser = browser_support.launch_chromium(playwright, executable)
        try:
            for path in args.paths:
                url = f"{base}/{path.strip('/')}"
                for width, height in args.sizes:
                    target = args.out / f"{file_stem(path)}-{width}x{height}.png"
                    page = None
                    try:
                        page = browser_support.open_app(browser, url, (width, height))
                        browser_support.wait_for_app(
                            page, timeout_ms=int(args.timeout * 1000),
                            settle_ms=int(args.settle * 1000),
                        )  # fmt: skip
                        browser_support.full_page_screenshot(page, target)
                        written.append(target)
                        print(f"wrote {target}")
                        for text in browser_support.exception_texts(page):
                            problems += 1
                            print(f"stException on {url} at {width}x{height}:\n{text}\n")
                    except PlaywrightError as exc:
                        problems += 1
                        print(f"FAILED {url} at {width}x{height}: {exc}", file=sys.stderr)
                    finally:
                        if page is not None:
                            page.context.close()
        finally:
            browser.close()

    print(f"{len(written)} screenshot(s) in {args.out}:")
    for target in written:
        print(f"  {target}")
    if problems:
        print(f"{problems} problem(s) found", file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
