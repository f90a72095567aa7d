"""The package's modules import one another one way: no cycle, function-level imports included."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

from dashboard import PROJECT_ROOT

PACKAGE = PROJECT_ROOT / "dashboard"


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(PROJECT_ROOT).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _imports(path: Path, modules: set[str]) -> set[str]:
    """The package modules `path` imports anywhere in it (at the top, in functions, in classes)."""
    name = _module_name(path)
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.rsplit(".", node.level - 1)[0] if node.level > 1 else package
                base = f"{anchor}.{base}" if base else anchor
            for alias in node.names:  # `from dashboard import data` imports the module dashboard.data
                found.add(f"{base}.{alias.name}" if f"{base}.{alias.name}" in modules else base)
    return {m for m in found if m in modules and m != name}


def import_graph() -> dict[str, set[str]]:
    paths = sorted(PACKAGE.rglob("*.py"))
    modules = {_module_name(p) for p in paths}
    return {_module_name(p): _imports(p, modules) for p in paths}


def find_cycle(graph: dict[str, set[str]]) -> list[str] | None:
    """One import cycle as [a, b, ..., a], or None."""
    state: dict[str, str] = {}
    stack: list[str] = []

    def visit(module: str) -> list[str] | None:
        state[module] = "open"
        stack.append(module)
        for imported in sorted(graph.get(module, ())):
            if state.get(imported) == "open":
                return stack[stack.index(imported) :] + [imported]
            if imported not in state and (cycle := visit(imported)):
                return cycle
        stack.pop()
        state[module] = "done"
        return None

    for module in sorted(graph):
        if module not in state and (cycle := visit(module)):
            return cycle
    return None


def test_no_module_of_the_package_imports_itself_back_even_inside_a_function() -> None:
    cycle = find_cycle(import_graph())
    assert cycle is None, "import cycle: " + " -> ".join(cycle or [])


def test_the_cycle_finder_sees_a_cycle_made_by_a_function_level_import() -> None:
    assert find_cycle({"a": {"b"}, "b": {"a"}}) == ["a", "b", "a"]
    assert find_cycle({"a": {"b"}, "b": set()}) is None


def test_the_load_path_points_one_way() -> None:
    """db <- build <- store: the lower layers never import the ones that call them."""
    graph = import_graph()
    assert not graph["dashboard.db"] & {"dashboard.build", "dashboard.store", "dashboard.folder"}
    assert "dashboard.store" not in graph["dashboard.build"]
    for module in ("dashboard.ingest", "dashboard.layers", "dashboard.report"):
        assert not graph[module] & {"dashboard.build", "dashboard.store"}, module


def test_the_settings_do_not_import_the_format_registry() -> None:
    """The readers import config; the loader (settings.py) joins the two."""
    graph = import_graph()
    assert not {m for m in graph["dashboard.config"] if m.startswith("dashboard.sources")}


def test_the_settings_the_database_and_the_readers_load_no_plotly_and_no_streamlit() -> None:
    """The bottom of the load path is a leaf: importing it costs neither plotly nor streamlit."""
    code = (
        "import dashboard.db, dashboard.config, dashboard.sources, dashboard.settings, sys; "
        "print(sorted(m for m in ('plotly', 'streamlit') if m in sys.modules))"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "[]", result.stdout


def long_functions(limit: int = 80) -> list[str]:
    """The package's functions longer than `limit` lines, as 'module:function (lines)'."""
    found = []
    for path in sorted(PACKAGE.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                length = node.end_lineno - node.lineno + 1
                if length > limit:
                    found.append(f"{_module_name(path)}:{node.name} ({length})")
    return found


def test_no_function_of_the_package_is_longer_than_a_screen() -> None:
    assert long_functions() == []


def test_the_length_check_sees_a_long_function() -> None:
    assert long_functions(limit=3)  # every module has a function longer than three lines
