"""The documentation keeps up with the code: every setting is named in the README, and every text the
dashboard asks the catalogue for exists there in Vietnamese and in English."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

from dashboard.i18n import CATALOGUE
from data_access.settings import Settings

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text(encoding="utf-8")


@pytest.mark.parametrize("name", sorted(Settings.model_fields))
def test_every_setting_is_in_the_readme(name):
    assert name.upper() in README, f"setting {name.upper()} is not explained in README.md"


def _catalogue_keys_asked_for() -> set[tuple[str, str]]:
    """(file, key) for every literal key given to tr(...) or t(...) in the dashboard and the pages."""
    keys = set()
    for path in [*(ROOT / "dashboard").rglob("*.py"), *(ROOT / "pages").rglob("*.py")]:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Name)
                and node.func.id in ("tr", "t")
                and node.args
                and isinstance(node.args[0], ast.Constant)
                and isinstance(node.args[0].value, str)
            ):
                keys.add((path.name, node.args[0].value))
    return keys


def test_every_text_asked_for_is_in_the_catalogue_in_both_languages():
    asked = _catalogue_keys_asked_for()
    assert len(asked) > 100  # the scan finds the calls
    missing = sorted((f, k) for f, k in asked if k not in CATALOGUE)
    assert missing == []
    one_language = sorted(k for k, entry in CATALOGUE.items() if not (entry.get("vi") and entry.get("en")))
    assert one_language == []


def test_every_spec_reference_points_at_a_section_the_repository_carries():
    """Code and docs cite the contract as "SPEC §N": docs/SPEC.md (the contract, kept in the repository)
    must have that section, so the reason can be read without anything outside the repository."""
    spec = (ROOT / "docs" / "SPEC.md").read_text(encoding="utf-8")
    sections = {m.group(1) for m in re.finditer(r"^## (\d+)\. ", spec, flags=re.M)}
    cited: dict[str, list[str]] = {}
    for path in [*ROOT.glob("*/**/*.py"), *ROOT.glob("docs/*.md"), ROOT / "README.md"]:
        if ".venv" in path.parts or path.name == "SPEC.md":
            continue
        for number in re.findall(r"SPEC §(\d+)", path.read_text(encoding="utf-8")):
            cited.setdefault(number, []).append(path.name)
    assert cited, "nothing cites the contract: the test would prove nothing"
    missing = {n: files for n, files in cited.items() if n not in sections}
    assert not missing
