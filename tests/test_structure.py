"""The shape of the code, read with ``ast`` (nothing is imported): imports among ui/ and
lstm_core/ point one way (no cycle, not even one hidden by an import inside a function)."""

from __future__ import annotations

import ast
from functools import cache
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("ui", "lstm_core")


def module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def modules() -> dict[str, Path]:
    """Every module of ui/ and lstm_core/ by dotted name."""
    found = {}
    for package in PACKAGES:
        for path in sorted((ROOT / package).rglob("*.py")):
            found[module_name(path)] = path
    return found


def _local_nodes(tree: ast.Module) -> set[int]:
    """ids of the nodes inside a function body (or lambda): imported when it runs."""
    inside = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda):
            inside.update(id(sub) for sub in ast.walk(node) if sub is not node)
    return inside


def _targets(node: ast.Import | ast.ImportFrom, here: str, is_package: bool) -> list[str]:
    """Dotted names an import statement loads (submodules named in ``from x import y`` too)."""
    if isinstance(node, ast.Import):
        return [alias.name for alias in node.names]
    base = node.module or ""
    if node.level:
        package = here.split(".") if is_package else here.split(".")[:-1]
        package = package[: len(package) - (node.level - 1)]
        base = ".".join(package + ([base] if base else []))
    return [base] + [f"{base}.{alias.name}" for alias in node.names]


def _owned(name: str, known: dict[str, Path]) -> list[str]:
    """The project's modules that importing ``name`` runs: it and its parent packages."""
    parts = name.split(".")
    return [m for m in (".".join(parts[:i]) for i in range(1, len(parts) + 1)) if m in known]


@cache  # read once per process: three tests use it, none changes it
def import_graph() -> tuple[dict[str, set[str]], dict[str, set[str]]]:
    """(module-level edges, function-local edges) between the project's modules."""
    known = modules()
    top: dict[str, set[str]] = {m: set() for m in known}
    local: dict[str, set[str]] = {m: set() for m in known}
    for here, path in known.items():
        tree = ast.parse(path.read_text(encoding="utf-8"))
        inside = _local_nodes(tree)
        for node in ast.walk(tree):
            if not isinstance(node, ast.Import | ast.ImportFrom):
                continue
            edges = local[here] if id(node) in inside else top[here]
            for name in _targets(node, here, path.name == "__init__.py"):
                # a module's own parent packages are loaded before it: not an edge
                edges.update(m for m in _owned(name, known) if not here.startswith(m + "."))
            edges.discard(here)
    return top, local


def find_cycle(graph: dict[str, set[str]]) -> list[str]:
    """One cycle of ``graph`` as [a, b, ..., a], or [] when it is acyclic (depth-first)."""
    colour: dict[str, int] = {}  # 1: on the current path, 2: done
    path: list[str] = []

    def visit(node: str) -> list[str]:
        colour[node] = 1
        path.append(node)
        for nxt in sorted(graph.get(node, ())):
            if colour.get(nxt) == 1:
                return path[path.index(nxt) :] + [nxt]
            if nxt not in colour and (found := visit(nxt)):
                return found
        colour[node] = 2
        path.pop()
        return []

    for start in sorted(graph):
        if start not in colour and (found := visit(start)):
            return found
    return []


def test_find_cycle_sees_a_cycle_and_a_chain():
    assert find_cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == ["a", "b", "c", "a"]
    assert find_cycle({"a": {"b"}, "b": {"c"}, "c": set()}) == []


def test_the_graph_reads_the_imports_it_should():
    top, local = import_graph()
    assert "ui.nav" in top["ui.page"] and "ui.nav" in top["ui.classroom"]
    assert "lstm_core.tasks.reviews" in top["lstm_core.tasks.language"]
    assert "lstm_core.train" in top["ui.state"] | local["ui.state"]


def test_module_level_imports_have_no_cycle():
    top, _ = import_graph()
    assert find_cycle(top) == []


def test_no_function_local_import_hides_a_cycle():
    top, local = import_graph()
    both = {m: top[m] | local[m] for m in top}
    assert find_cycle(both) == [], "an import inside a function closes this cycle"


# --------------------------------------------------------------------------- local imports
# Files whose function-local imports other work is cutting: at most this many may still lack
# a reason. A ratchet: the test fails when a file has more, and when it has fewer (lower the
# number, down to deleting the entry).
UNEXPLAINED_ALLOWED = {}


def source_files() -> list[Path]:
    """The app's Python: ui/, lstm_core/, pages/ and app.py."""
    files = [p for package in PACKAGES for p in (ROOT / package).rglob("*.py")]
    return sorted(files + list((ROOT / "pages").glob("*.py")) + [ROOT / "app.py"])


def _reason(lines: list[str], node: ast.stmt) -> str:
    """The comment that says why an import sits in a function: on its line, or the line above."""
    own = lines[node.lineno - 1].partition("#")[2]
    above = lines[node.lineno - 2].strip() if node.lineno > 1 else ""
    text = own or (above[1:] if above.startswith("#") else "")
    return text.split("noqa")[0].strip(" :-")


@cache  # read once per process: two tests use it, none changes it
def local_imports() -> list[tuple[str, int, str]]:
    """(file, line, reason) of every import inside a function of the app's code."""
    found = []
    for path in source_files():
        text = path.read_text(encoding="utf-8")
        tree, lines = ast.parse(text), text.splitlines()
        inside = _local_nodes(tree)
        for node in ast.walk(tree):
            if isinstance(node, ast.Import | ast.ImportFrom) and id(node) in inside:
                found.append((path.relative_to(ROOT).as_posix(), node.lineno, _reason(lines, node)))
    return found


def test_reason_reads_the_line_and_the_line_above():
    lines = ["def f():", "    import torch  # lazy: the Home page"]
    lines += ["    # why: x y", "    import a"]
    tree = ast.parse("\n".join(lines))
    first, second = [n for n in ast.walk(tree) if isinstance(n, ast.Import)]
    assert _reason(lines, first) == "lazy: the Home page"
    assert _reason(lines, second) == "why: x y"
    assert _reason(["def f():", "    import a  # noqa: F401"], first) == ""


def test_every_function_local_import_says_why():
    unexplained: dict[str, list[int]] = {}
    for file, line, reason in local_imports():
        if len(reason.split()) < 3:  # a reason, not a bare tag
            unexplained.setdefault(file, []).append(line)
    over = {
        f: lines for f, lines in unexplained.items() if len(lines) > UNEXPLAINED_ALLOWED.get(f, 0)
    }
    assert not over, f"imports inside functions need a one-line comment saying why: {over}"
    stale = {
        f: (n, len(unexplained.get(f, [])))
        for f, n in UNEXPLAINED_ALLOWED.items()
        if len(unexplained.get(f, [])) < n
    }
    assert not stale, f"fewer unexplained imports than allowed: lower UNEXPLAINED_ALLOWED {stale}"


def test_local_imports_are_few():
    assert 0 < len(local_imports()) <= 40


# --------------------------------------------------------------------------- the map
def test_architecture_names_every_page_and_engine_module():
    text = (ROOT / "docs" / "ARCHITECTURE.md").read_text(encoding="utf-8")
    files = sorted((ROOT / "pages").glob("*.py")) + sorted((ROOT / "lstm_core").rglob("*.py"))
    paths = [p.relative_to(ROOT).as_posix() for p in files] + ["app.py"]
    missing = [p for p in paths if f"`{p}`" not in text]
    assert len(paths) > 40 and not missing, f"docs/ARCHITECTURE.md does not name: {missing}"
