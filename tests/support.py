"""Helpers shared by the test suite."""

from __future__ import annotations

import os

import pytest

#: When set (CI does), a PostgreSQL or browser test that cannot run is a failure, not a skip.
REQUIRE_INTEGRATION = os.environ.get("REQUIRE_INTEGRATION") == "1"


def unavailable(reason: str) -> None:
    """Skip the current test for ``reason``, or fail it when integration tests are required."""
    if REQUIRE_INTEGRATION:
        pytest.fail(f"required integration test cannot run: {reason}")
    pytest.skip(reason)
