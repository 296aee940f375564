"""Where the Department's own PowerPoint template is (a setting, one function so that it can move into
:mod:`data_access.settings` unchanged)."""

from __future__ import annotations

import os
from pathlib import Path

#: The environment variable naming a .pptx whose masters, layouts and theme the deck uses.
TEMPLATE_ENV = "REPORT_PPTX_TEMPLATE"


def template_path() -> Path | None:
    """The .pptx template named by ``REPORT_PPTX_TEMPLATE``, or None (the built-in 16:9 layout)."""
    value = os.environ.get(TEMPLATE_ENV, "").strip()
    return Path(value).expanduser() if value else None
