"""Where the Department's own PowerPoint template is: the ``REPORT_PPTX_TEMPLATE`` setting."""

from __future__ import annotations

from pathlib import Path

from data_access.settings import get_settings

#: The setting naming a .pptx whose masters, layouts and theme the deck uses.
TEMPLATE_ENV = "REPORT_PPTX_TEMPLATE"


def template_path() -> Path | None:
    """The .pptx template of ``REPORT_PPTX_TEMPLATE``, or None (the built-in 16:9 layout)."""
    value = get_settings().report_pptx_template.strip()
    return Path(value).expanduser() if value else None
