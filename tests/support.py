"""Helpers shared by the test suite."""

from __future__ import annotations

import itertools
import os

import pytest

#: When set (CI does), a PostgreSQL or browser test that cannot run is a failure, not a skip.
REQUIRE_INTEGRATION = os.environ.get("REQUIRE_INTEGRATION") == "1"
_ids = itertools.count(1)


def unavailable(reason: str) -> None:
    """Skip the current test for ``reason``, or fail it when integration tests are required."""
    if REQUIRE_INTEGRATION:
        pytest.fail(f"required integration test cannot run: {reason}")
    pytest.skip(reason)


def declaration(checkpoint_id: int, declared_at, **overrides) -> dict:
    """Normalised values of one declaration (as the import or simulator hands them to the store).

    ``declared_at`` is an aware datetime. Everything not given is a plain low-risk crossing.
    """
    values = {
        "declaration_id": f"t-{next(_ids)}",
        "declared_at": declared_at,
        "checkpoint_id": checkpoint_id,
        "direction": "in",
        "channel": "vhd",
        "vehicle": "motorbike",
        "plate": None,
        "full_name": "Nguyễn Văn An",
        "id_number": "034090001234",
        "phone": "0912345678",
        "birth_year": 1990,
        "gender": "male",
        "origin_province_code": "36",
        "origin_district": None,
        "destination_district_code": "344",
        "fever": False,
        "cough": False,
        "breathing_difficulty": False,
        "sore_throat": False,
        "loss_of_taste_smell": False,
        "contact_f0": False,
        "visited_hotzone": False,
        "bluezone_installed": False,
        "used_free_wifi": False,
    }
    unknown = set(overrides) - set(values)
    if unknown:
        raise KeyError(f"not a declaration field: {sorted(unknown)}")
    values.update(overrides)
    return values


def crossings_just_now(engine, checkpoint_ids=(1, 2, 3)) -> None:
    """One crossing a second ago at each of ``checkpoint_ids``: the store has crossings today whatever
    the hour (just after local midnight a simulated day is minutes old)."""
    import datetime as dt

    from data_access.risk import HotZoneIndex
    from data_access.store import load_hot_zones, write_declarations
    from data_access.timeutil import now_utc

    at = now_utc().replace(tzinfo=dt.UTC) - dt.timedelta(seconds=1)
    with engine.begin() as conn:
        rows = [declaration(checkpoint, at) for checkpoint in checkpoint_ids]
        write_declarations(conn, rows, HotZoneIndex(load_hot_zones(conn)))


def session_token(store_url: str, username: str, role: str, password: str = "test-password-1") -> str:
    """A new session of account ``username`` (``role``; made if missing) in the store at ``store_url``:
    the value of the session cookie, as the sign-in form would set it. "" for a missing or broken
    store (the store page's tests): nobody to sign in, nothing to create."""
    from data_access import accounts
    from data_access.store import StoreError, check_store, create_store_engine
    from data_access.timeutil import now_utc

    try:
        reader = create_store_engine(store_url, read_only=True)
        check_store(reader, store_url)
        reader.dispose()
    except StoreError:
        return ""
    engine = create_store_engine(store_url)
    try:
        with engine.begin() as conn:
            account = accounts.get_account(conn, username) or accounts.add_account(
                conn, username, role, password, by="test"
            )
            return accounts.start_session(conn, account, now_utc())
    except StoreError:
        return ""
    finally:
        engine.dispose()


def sign_in_as(
    monkeypatch: pytest.MonkeyPatch, store_url: str, role: str = "admin", username: str | None = None
) -> str:
    """Make the dashboard's runs in this process (AppTest) signed in as an account of ``role`` in the
    store at ``store_url`` (made if missing): what the browser's session cookie does in a real page.
    Returns the username."""
    from dashboard import auth

    name = username or f"test-{role}"
    token = session_token(store_url, name, role)
    if token:
        monkeypatch.setattr(auth, "session_token", lambda: token)
    return name
