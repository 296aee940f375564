"""Errors are codes: every code raised in ``data_access`` and ``briefing`` has its words in the one
catalogue in Vietnamese and English, every parameter a text names is passed where the code is raised,
no catalogue error text is left without a code, and coded errors survive a trip between processes."""

from __future__ import annotations

import ast
import datetime as dt
import pickle
import string
from pathlib import Path

import pytest

from briefing import BriefingError
from dashboard.i18n import CATALOGUE, error_text
from data_access.errors import CodedError
from data_access.hotzones import HotZoneError
from data_access.importing.job import ImportBusy, ImportFailed
from data_access.importing.reader import UnreadableFile
from data_access.store import StoreError

ROOT = Path(__file__).resolve().parent.parent
SOURCES = sorted(p for package in ("data_access", "briefing") for p in (ROOT / package).rglob("*.py"))
#: Catalogue keys under "error." that are no code: the line and file framings, and the field names.
FRAMING = {"error.at_line", "error.in_file"}


def _called_name(node: ast.Call) -> str | None:
    func = node.func
    return func.id if isinstance(func, ast.Name) else func.attr if isinstance(func, ast.Attribute) else None


def _coded_classes(trees: list[ast.Module]) -> set[str]:
    """The names of CodedError and of every class defined (in the scanned sources) on top of one."""
    classes = {"CodedError"}
    while True:
        more = {
            node.name
            for tree in trees
            for node in ast.walk(tree)
            if isinstance(node, ast.ClassDef)
            and any((b.id if isinstance(b, ast.Name) else getattr(b, "attr", None)) in classes for b in node.bases)
        }
        if more <= classes:
            return classes
        classes |= more


def _raised_codes() -> dict[str, list[set[str] | None]]:
    """Code → for each place that makes it, the parameters passed there (None: passed as ``**``)."""
    sites: dict[str, list[set[str] | None]] = {}

    def add(code: str, keywords: list[ast.keyword], always: set[str] = frozenset()) -> None:
        names = None if any(k.arg is None for k in keywords) else {k.arg for k in keywords if k.arg} | always
        sites.setdefault(code, []).append(names)

    trees = [ast.parse(path.read_text(encoding="utf-8")) for path in SOURCES]
    error_classes = _coded_classes(trees)
    assert {"UnreadableFile", "HotZoneError", "BriefingError", "StoreError", "ImportBusy"} <= error_classes
    for tree in trees:
        for node in ast.walk(tree):
            if not isinstance(node, ast.Call):
                continue
            name = _called_name(node)
            first = node.args[0] if node.args else None
            literal = first.value if isinstance(first, ast.Constant) and isinstance(first.value, str) else None
            if name in error_classes and name != "StoreError" and literal is not None:
                add(literal, node.keywords)
            elif name == "__init__" and literal is not None and "." in literal:  # super().__init__("import.busy")
                add(literal, node.keywords)
            elif name == "HeaderSpec":  # a kind of table whose missing header is an UnreadableFile
                for k in node.keywords:
                    if k.arg == "no_header" and isinstance(k.value, ast.Constant):
                        columns = any(k.arg == "no_header_columns" for k in node.keywords)
                        sites.setdefault(k.value.value, []).append({"columns"} if columns else set())
    for kind in StoreError.KINDS:
        sites.setdefault(f"store.{kind}", []).append({"target", "detail"})
    sites.setdefault("import.failed", []).append({"returncode", "detail"})
    return sites


RAISED = _raised_codes()


def test_the_scan_finds_the_raise_sites():
    assert {"file.csv_broken", "file.no_header", "hot_zone.no_header", "hot_zone.invalid_value"} <= set(RAISED)
    assert {"import.busy", "report.future_date", "store.not_a_store", "cli.unknown_checkpoint"} <= set(RAISED)
    assert len(RAISED) >= 40


def _fields(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


def _sample(name: str) -> object:
    if name == "field":
        return "valid_from"
    if name in ("day", "today", "valid_from", "valid_to"):
        return dt.date(2026, 11, 19)
    if name in ("sheets", "columns", "formats", "choices"):
        return ["a", "b"]
    return 1234


@pytest.mark.parametrize("code", sorted(RAISED))
def test_every_code_is_worded_in_both_languages_with_the_parameters_it_is_given(code):
    entry = CATALOGUE.get(f"error.{code}")
    assert entry is not None, f"error.{code} is not in dashboard/i18n.py"
    assert entry.get("vi") and entry.get("en") and entry["vi"] != entry["en"]
    for passed in RAISED[code]:
        if passed is None:
            continue
        for lang in ("vi", "en"):
            missing = _fields(entry[lang]) - passed
            assert not missing, f"error.{code} ({lang}) names {missing}, not passed where {code} is raised"
        error = CodedError(code, **{name: _sample(name) for name in passed})
        for lang in ("vi", "en"):
            text = error_text(error, lang)
            assert text and "{" not in text and "\n" not in text


def test_every_error_text_belongs_to_a_code():
    keys = {k for k in CATALOGUE if k.startswith("error.") and not k.startswith("error.field.")} - FRAMING
    assert sorted(k for k in keys if k[len("error.") :] not in RAISED) == []


def test_numbers_dates_and_fields_follow_the_language():
    error = CodedError("file.csv_cell_too_long", line=1234, limit=131_072)
    assert error_text(error, "vi") == "Không đọc được tệp CSV: dòng 1.234 có ô dài hơn 131.072 ký tự"
    assert error_text(error, "en") == "Cannot read the CSV file: line 1,234 has a cell longer than 131,072 characters"
    late = CodedError("report.future_date", day=dt.date(2026, 11, 21), today=dt.date(2026, 11, 20))
    assert error_text(late, "vi") == "ngày 21/11/2026 chưa tới (hôm nay là 20/11/2026)"
    assert error_text(late, "en") == "21/11/2026 has not come yet (today is 20/11/2026)"
    missing = HotZoneError("hot_zone.missing_field", field="valid_from")
    assert (error_text(missing, "vi"), error_text(missing, "en")) == ("Thiếu ngày bắt đầu", "Missing start date")
    store = StoreError("missing", "sqlite:///x.db", "file does not exist")
    assert error_text(store, "en") == (
        "The data store does not exist (run: python -m data_access init): sqlite:///x.db (file does not exist)"
    )
    assert error_text(UnreadableFile("file.empty"), "en", file="a.csv") == "cannot read a.csv: The file is empty"


def test_an_upload_error_in_english_is_english():
    """What the upload page shows an English-speaking visitor (its it.imp.unreadable line)."""
    from data_access.importing.reader import read_table

    with pytest.raises(UnreadableFile) as exc:
        read_table(b"Chi la mot dong chu\n" * 40, "notes.csv")
    shown = CATALOGUE["it.imp.unreadable"]["en"].format(name="notes.csv", reason=error_text(exc.value, "en"))
    assert shown.startswith("Cannot read notes.csv: No header row found (at least these columns are needed: ")
    assert "Không" not in shown and "dòng" not in shown


def test_str_is_the_code_and_parameters_for_the_log():
    assert str(UnreadableFile("file.csv_broken", line=1234)) == "[file.csv_broken] line=1234"
    assert str(ImportBusy()) == "[import.busy]"


@pytest.mark.parametrize(
    "error",
    [
        UnreadableFile("file.sheet_missing", sheet="Tờ 2", sheets=["Danh sách"]),
        HotZoneError("hot_zone.ends_before_start", valid_from=dt.date(2026, 11, 10), valid_to=dt.date(2026, 11, 1)),
        BriefingError("report.bad_format", formats=["pdf"], choices=["pptx"]),
        StoreError("not_a_store", "sqlite:///x.db", "file is not a database"),
        ImportBusy(),
        ImportFailed(-9, "Killed"),
        CodedError("cli.unknown_checkpoint", checkpoint="X"),
    ],
    ids=lambda e: e.code,
)
def test_coded_errors_survive_pickling(error):
    back = pickle.loads(pickle.dumps(error))
    assert type(back) is type(error) and (back.code, back.params) == (error.code, error.params)
    assert str(back) == str(error) and error_text(back, "en") == error_text(error, "en")
    if isinstance(error, StoreError):
        assert (back.kind, back.target, back.detail) == ("not_a_store", "sqlite:///x.db", "file is not a database")
    assert isinstance(HotZoneError("hot_zone.unknown", zone_id=1), ValueError)
