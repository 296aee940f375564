"""The layers hold, checked on the source: the store's package never imports streamlit, the dashboard and
the pages never run SQL themselves (they ask ``data_access`` for DataFrames), no module reaches into
another module's private names, and an imported row goes one way: read → normalise → the store's public
functions, the store knowing nothing of the import."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("data_access", "dashboard", "pages", "briefing")
#: What running SQL takes: the statement builders and the raw-text escape hatch.
SQL_NAMES = {"select", "insert", "update", "delete", "text", "func", "union_all", "and_", "or_"}


def _sources(*packages: str) -> list[Path]:
    return sorted(p for package in packages for p in (ROOT / package).rglob("*.py") if "migrations" not in p.parts)


def _module_name(path: Path) -> str:
    return ".".join(path.relative_to(ROOT).with_suffix("").parts)


def _imports(tree: ast.AST) -> list[tuple[str, list[str]]]:
    out = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            out += [(alias.name, []) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            out.append(("." * node.level + (node.module or ""), [alias.name for alias in node.names]))
    return out


@pytest.mark.parametrize("path", _sources("data_access"), ids=_module_name)
def test_the_store_never_imports_streamlit(path):
    imported = [module for module, _ in _imports(ast.parse(path.read_text(encoding="utf-8")))]
    assert not [m for m in imported if m == "streamlit" or m.startswith("streamlit.")]


@pytest.mark.parametrize("path", _sources("dashboard", "pages"), ids=_module_name)
def test_pages_and_dashboard_run_no_sql(path):
    for module, names in _imports(ast.parse(path.read_text(encoding="utf-8"))):
        if module.split(".")[0] == "sqlalchemy":
            assert not SQL_NAMES & set(names), f"{path.name} builds SQL: {sorted(SQL_NAMES & set(names))}"


def _resolve(module: str, path: Path) -> str:
    """An import's absolute module name (``..schema`` from ``data_access/queries/x.py`` → data_access.store.schema)."""
    if not module.startswith("."):
        return module
    level = len(module) - len(module.lstrip("."))
    base = _module_name(path).split(".")[:-level]
    rest = module.lstrip(".")
    return ".".join(base + ([rest] if rest else []))


@pytest.mark.parametrize("path", _sources(*PACKAGES), ids=_module_name)
def test_no_module_imports_another_modules_private_name(path):
    tree = ast.parse(path.read_text(encoding="utf-8"))
    ours = set(PACKAGES)
    bound: dict[str, str] = {}  # local name -> our module it stands for
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom):
            module = _resolve("." * node.level + (node.module or ""), path)
            if module.split(".")[0] not in ours:
                continue
            for alias in node.names:
                assert not (alias.name.startswith("_") and not alias.name.startswith("__")), (
                    f"{path.name} imports {module}.{alias.name}"
                )
                bound[alias.asname or alias.name] = f"{module}.{alias.name}"
        elif isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.split(".")[0] in ours:
                    bound[alias.asname or alias.name.split(".")[0]] = alias.name
    for node in ast.walk(tree):
        if (
            isinstance(node, ast.Attribute)
            and isinstance(node.value, ast.Name)
            and node.value.id in bound
            and node.attr.startswith("_")
            and not node.attr.startswith("__")
        ):
            raise AssertionError(f"{path.name} uses {bound[node.value.id]}.{node.attr}")


#: The store's modules others may import by name: the table definitions and the reference rows.
STORE_MODULES_OPEN = {"data_access.store.schema", "data_access.store.reference_data"}


def _imported_modules(path: Path) -> list[tuple[str, list[str]]]:
    return [(_resolve(m, path), names) for m, names in _imports(ast.parse(path.read_text(encoding="utf-8")))]


@pytest.mark.parametrize(
    "path", [p for p in _sources(*PACKAGES) if "store" not in p.relative_to(ROOT).parts[:2]], ids=_module_name
)
def test_outside_the_store_only_its_public_names_are_used(path):
    for module, names in _imported_modules(path):
        if module.startswith("data_access.store."):
            assert module in STORE_MODULES_OPEN, f"{path.name} imports {module}: use data_access.store's own names"
        if module == "data_access.store":
            import data_access.store as store

            assert not set(names) - set(store.__all__), f"{path.name} imports {set(names) - set(store.__all__)}"


@pytest.mark.parametrize("path", _sources("data_access/store"), ids=_module_name)
def test_the_store_knows_nothing_of_the_import_or_the_pages(path):
    for module, _ in _imported_modules(path):
        assert not module.startswith(("data_access.importing", "data_access.queries", "dashboard", "pages")), (
            f"{path.name} imports {module}"
        )


@pytest.mark.parametrize("path", _sources("data_access/importing"), ids=_module_name)
def test_the_import_reads_then_normalises_then_writes(path):
    """The reader knows no normaliser and no store; the normaliser no pipeline; nothing imports back."""
    stage = {"reader": 0, "normalise": 1, "pipeline": 2, "job": 3, "__init__": 4}[path.stem]
    for module, _ in _imported_modules(path):
        if module.startswith("data_access.importing."):
            later = module.split(".")[2]
            assert {"reader": 0, "normalise": 1, "pipeline": 2, "job": 3}[later] < stage, (
                f"{path.name} imports {module}"
            )
        if stage == 0:
            assert not module.startswith("data_access.store"), f"the reader imports {module}"


def test_the_catalogue_imports_no_streamlit():
    """dashboard/i18n.py words the command line's errors too: importing and using it loads no streamlit."""
    path = ROOT / "dashboard" / "i18n.py"
    imported = [module for module, _ in _imported_modules(path)]
    assert not [m for m in imported if m == "streamlit" or m.startswith("streamlit.")]
    code = (
        "import sys; from dashboard.i18n import error_text; from data_access.errors import CodedError; "
        "error_text(CodedError('file.csv_broken', line=1234), 'en'); "
        "loaded = sorted(m for m in sys.modules if m.split('.')[0] == 'streamlit'); print(loaded[:3]); "
        "sys.exit(1 if loaded else 0)"
    )
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr or done.stdout


@pytest.mark.parametrize("path", _sources("data_access"), ids=_module_name)
def test_data_access_imports_of_the_dashboard_only_the_catalogue_in_the_command_line(path):
    """The command line takes its words from the one catalogue (data_access.cli.error_line); nothing
    else in data_access knows the dashboard."""
    for module, names in _imported_modules(path):
        if module.split(".")[0] != "dashboard":
            continue
        targets = {f"{module}.{n}" for n in names} if module == "dashboard" else {module}
        assert _module_name(path) == "data_access.cli" and targets == {"dashboard.i18n"}, (
            f"{path.name} imports {sorted(targets)}: only data_access/cli.py may, and only dashboard.i18n"
        )
