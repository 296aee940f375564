"""The dashboard's web server: ``streamlit run dashboard/server.py`` (what ``make run`` starts).

Streamlit's own ASGI application (``st.App``) serving ``dashboard/app.py``, with two routes of ours
before it: the sign-in form (``/dang-nhap``) and sign-out (``/dang-xuat``). Signing in is a plain HTML
form posted to the server, so that the session cookie is set by a server response: HttpOnly (no page
script can read it), SameSite=Lax, Secure behind HTTPS. The app itself never sees a password.
"""

from __future__ import annotations

import html
import secrets
from functools import lru_cache
from pathlib import Path
from urllib.parse import urlencode, urlsplit

import streamlit as st
from sqlalchemy import Engine
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse, Response
from starlette.routing import Route

from dashboard.auth import SESSION_COOKIE, SIGN_IN_PATH, SIGN_OUT_PATH, sign_out_check
from dashboard.i18n import DEFAULT_LANGUAGE, LANGUAGES, error_text, t
from data_access import accounts
from data_access.errors import CodedError
from data_access.settings import get_settings
from data_access.store import create_store_engine
from data_access.timeutil import now_utc

CSRF_COOKIE = "tb_csrf"
LANG_COOKIE = "tb_lang"
#: The wall screen's session has no time limit (SPEC §8): its cookie outlives a browser restart.
WALLSCREEN_COOKIE_DAYS = 365
MAX_FIELD = 200


@lru_cache(maxsize=1)
def _engine(url: str) -> Engine:
    return create_store_engine(url)


def engine() -> Engine:
    """The writers' engine of this server process (sessions and audit entries)."""
    return _engine(get_settings().store_url)


def safe_next(value: str | None) -> str:
    """Where to go after signing in: a path of this server, never another site (an open redirect)."""
    if not value or len(value) > 2000 or not value.startswith("/") or value.startswith("//") or "\\" in value:
        return "/"
    parts = urlsplit(value)
    if parts.scheme or parts.netloc or parts.path.startswith((SIGN_IN_PATH, SIGN_OUT_PATH)):
        return "/"
    return value


def _lang(request: Request) -> str:
    chosen = request.query_params.get("lang") or request.cookies.get(LANG_COOKIE) or DEFAULT_LANGUAGE
    return chosen if chosen in LANGUAGES else DEFAULT_LANGUAGE


def _secure(request: Request) -> bool:
    return request.url.scheme == "https" or request.headers.get("x-forwarded-proto", "") == "https"


def _page(request: Request, lang: str, *, error: str | None = None, username: str = "", status: int = 200) -> Response:
    """The sign-in form, with a fresh anti-forgery token (also set as a cookie: both must match)."""
    token = secrets.token_urlsafe(24)
    next_path = safe_next(request.query_params.get("next"))
    other = "en" if lang == "vi" else "vi"
    e = html.escape
    switch = f"?{urlencode({'next': next_path, 'lang': other})}"
    alert = f'<p class="alert" role="alert">{e(error)}</p>' if error else ""
    body = f"""<!doctype html>
<html lang="{lang}"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{e(t("signin.title", lang))} — {e(t("app.short_title", lang))}</title>
<style>
body{{font-family:"Noto Sans",system-ui,sans-serif;background:#F3F5F8;color:#1A1A1A;margin:0}}
main{{max-width:26rem;margin:8vh auto;background:#fff;padding:2rem 2.2rem;border-radius:.6rem;
box-shadow:0 1px 4px rgba(0,0,0,.12)}}
h1{{font-size:1.35rem;margin:0 0 .3rem}} p.owner{{color:#555;font-size:.9rem;margin:0 0 1.4rem}}
label{{display:block;font-weight:600;margin:1rem 0 .3rem}}
input[type=text],input[type=password]{{width:100%;box-sizing:border-box;padding:.6rem;font-size:1rem;
border:1px solid #bbb;border-radius:.35rem}}
button{{margin-top:1.4rem;width:100%;padding:.7rem;font-size:1rem;font-weight:600;color:#fff;
background:#B71C1C;border:0;border-radius:.35rem;cursor:pointer}}
.alert{{background:#FDECEA;color:#8A1C1C;padding:.7rem;border-radius:.35rem}}
.lang{{text-align:right;font-size:.85rem}} .lang a{{color:#B71C1C}}
</style></head>
<body><main>
<p class="lang"><a href="{e(switch)}">{e(LANGUAGES[other])}</a></p>
<h1>{e(t("app.title", lang))}</h1>
<p class="owner">{e(t("app.owner", lang))}</p>
{alert}
<form method="post" action="{SIGN_IN_PATH}?{e(urlencode({"next": next_path, "lang": lang}))}">
<input type="hidden" name="csrf" value="{token}">
<label for="username">{e(t("signin.username", lang))}</label>
<input type="text" id="username" name="username" autocomplete="username" required maxlength="{MAX_FIELD}"
 value="{e(username)}" autofocus>
<label for="password">{e(t("signin.password", lang))}</label>
<input type="password" id="password" name="password" autocomplete="current-password" required
 maxlength="{MAX_FIELD}">
<button type="submit">{e(t("signin.submit", lang))}</button>
</form></main></body></html>"""
    response = HTMLResponse(body, status_code=status, headers={"Cache-Control": "no-store"})
    response.set_cookie(CSRF_COOKIE, token, httponly=True, samesite="strict", secure=_secure(request), path="/")
    response.set_cookie(LANG_COOKIE, lang, samesite="lax", secure=_secure(request), path="/")
    return response


def _signed_in_already(request: Request) -> bool:
    token = request.cookies.get(SESSION_COOKIE)
    if not token:
        return False
    with engine().begin() as conn:
        return accounts.session_account(conn, token, now_utc(), touch=False) is not None


def _sign_in(username: str, password: str) -> tuple[accounts.Account, str]:
    with engine().connect() as conn:
        now = now_utc()
        try:
            account = accounts.authenticate(conn, username, password, now)
        except accounts.SignInError:
            conn.commit()  # the failed attempt stays in the audit log: the lockout counts from it
            raise
        token = accounts.start_session(conn, account, now)
        conn.commit()
        return account, token


async def sign_in(request: Request) -> Response:
    """GET: the form (or straight on, when already signed in). POST: check the name and password."""
    lang = _lang(request)
    if request.method == "GET":
        if await run_in_threadpool(_signed_in_already, request):
            return RedirectResponse(safe_next(request.query_params.get("next")), status_code=303)
        return _page(request, lang)
    form = await request.form()
    typed = str(form.get("username") or "")[:MAX_FIELD].strip()
    password = str(form.get("password") or "")[:MAX_FIELD]
    sent, kept = str(form.get("csrf") or ""), request.cookies.get(CSRF_COOKIE) or ""
    if not sent or not kept or not secrets.compare_digest(sent, kept):
        return _page(request, lang, error=t("signin.expired_form", lang), username=typed, status=400)
    if not typed or not password:
        return _page(request, lang, error=t("signin.missing", lang), username=typed, status=400)
    try:
        account, token = await run_in_threadpool(_sign_in, typed, password)
    except CodedError as exc:
        return _page(request, lang, error=error_text(exc, lang), username=typed, status=401)
    response = RedirectResponse(safe_next(request.query_params.get("next")), status_code=303)
    days = WALLSCREEN_COOKIE_DAYS if account.role == "wallscreen" else None
    response.set_cookie(
        SESSION_COOKIE,
        token,
        max_age=days * 86400 if days else None,
        httponly=True,
        samesite="lax",
        secure=_secure(request),
        path="/",
    )
    response.delete_cookie(CSRF_COOKIE, path="/")
    return response


def _sign_out(token: str) -> None:
    with engine().begin() as conn:
        accounts.end_session(conn, token, now_utc())


async def sign_out(request: Request) -> Response:
    """End this browser's session (the address carries a check only the session's own page knows)."""
    token = request.cookies.get(SESSION_COOKIE) or ""
    check = request.query_params.get("t") or ""
    if token and secrets.compare_digest(check, sign_out_check(token)):
        await run_in_threadpool(_sign_out, token)
    response = RedirectResponse(SIGN_IN_PATH, status_code=303)
    response.delete_cookie(SESSION_COOKIE, path="/")
    return response


app = st.App(
    str(Path(__file__).resolve().with_name("app.py")),
    routes=[
        Route(SIGN_IN_PATH, sign_in, methods=["GET", "POST"]),
        Route(SIGN_OUT_PATH, sign_out, methods=["GET"]),
    ],
)
