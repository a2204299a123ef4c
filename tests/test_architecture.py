"""errlint's architecture (issue 15): no import cycle, the layers, the size of a module.

The import graph is read from errlint's source with CPython's ``ast`` (nothing
is imported). It counts every import statement wherever it is: at the top of
a module, inside a function, under ``if TYPE_CHECKING:``, in a ``try``;
relative and absolute. ``from M import n`` is an import of the module ``M.n``
when errlint has one, else of ``M``. The packages above the imported module
(whose ``__init__`` Python runs first) are not counted.

The layers:

* a check (``errlint/checks/``) reads facts and asks for fixes: it imports
  only ``facts``, ``requests``, ``policy``, ``hierarchy``, ``packs`` (and its
  parts), ``diagnostics`` and other checks, never LibCST;
* the language-neutral core (``facts``, ``requests``, ``hierarchy``,
  ``policy``, ``diagnostics``, ``packs*``) imports no front end
  (``python/``), no check, no engine or run, no command line or flake8 plugin;
* the Python front end (``errlint/python/``) imports no check, no engine, no
  command line, no cache and no flake8 plugin.
"""
from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "errlint"
MAX_LINES = 400

CHECKS_MAY_IMPORT = ("errlint.facts", "errlint.requests", "errlint.policy", "errlint.hierarchy", "errlint.packs",
                     "errlint.diagnostics", "errlint.checks")
CORE = ("errlint.facts", "errlint.requests", "errlint.hierarchy", "errlint.policy", "errlint.diagnostics", "errlint.packs")
CORE_MUST_NOT_IMPORT = ("errlint.python", "errlint.checks", "errlint.engine", "errlint.run", "errlint.cli",
                        "errlint.flake8_plugin")
FRONT_END = ("errlint.python",)
FRONT_END_MUST_NOT_IMPORT = ("errlint.checks", "errlint.engine", "errlint.cli", "errlint.cache", "errlint.flake8_plugin")

# The stages below the engine: bytes -> text needs no parser; the run (jobs, the big-stack
# thread, the fix loop) is handed the lint function and imports no engine, no front end.
SOURCE = ("errlint.source",)
SOURCE_MUST_NOT_IMPORT = ("errlint.python", "errlint.checks", "errlint.engine", "errlint.run", "errlint.cli", "errlint.cache")
RUN = ("errlint.run",)
RUN_MUST_NOT_IMPORT = ("errlint.engine", "errlint.cli", "errlint.flake8_plugin", "errlint.checks")


# -- the graph -------------------------------------------------------------------------------------
def module_files(package: Path = PACKAGE) -> dict[str, Path]:
    """Dotted name -> file of every module of the package (a package is its ``__init__.py``)."""
    out = {}
    for path in sorted(package.rglob("*.py")):
        parts = [package.name, *path.relative_to(package).with_suffix("").parts]
        if parts[-1] == "__init__":
            parts.pop()
        out[".".join(parts)] = path
    return out


def imports_of(name: str, path: Path, modules: dict[str, Path]) -> list[tuple[str, int]]:
    """Every module ``name`` imports, as (absolute dotted name, line), wherever the import statement is."""
    tree = ast.parse(path.read_bytes(), str(path))
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    out = []
    for node in ast.walk(tree):  # every statement: functions, TYPE_CHECKING blocks, try blocks too
        if isinstance(node, ast.Import):
            out.extend((alias.name, node.lineno) for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                parts = package.split(".")
                if node.level - 1 >= len(parts):
                    continue  # above the top package: not errlint's
                base = ".".join(parts[: len(parts) - (node.level - 1)] + ([node.module] if node.module else []))
            else:
                base = node.module or ""
            for alias in node.names:
                sub = f"{base}.{alias.name}"
                out.append((sub if sub in modules else base, node.lineno))
    return out


def import_graph(package: Path = PACKAGE) -> dict[str, dict[str, int]]:
    """errlint module -> {errlint module it imports: line of the first such import}."""
    modules = module_files(package)
    graph: dict[str, dict[str, int]] = {}
    for name, path in modules.items():
        edges: dict[str, int] = {}
        for target, line in imports_of(name, path, modules):
            while target and target not in modules and target.startswith(package.name + "."):
                target = target.rpartition(".")[0]  # import errlint.x.y where y is a name: errlint.x
            if target in modules and target != name:
                edges.setdefault(target, line)
        graph[name] = edges
    return graph


def external_imports(package: Path = PACKAGE) -> dict[str, dict[str, int]]:
    """errlint module -> {top-level name of a module from outside errlint: line}."""
    modules = module_files(package)
    out: dict[str, dict[str, int]] = {}
    for name, path in modules.items():
        found: dict[str, int] = {}
        for target, line in imports_of(name, path, modules):
            top = target.split(".")[0]
            if top and top != package.name:
                found.setdefault(top, line)
        out[name] = found
    return out


def cycles(graph: dict[str, dict[str, int]]) -> list[list[str]]:
    """One shortest cycle (``[a, b, ..., a]``) in each strongly connected set of modules."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    components: list[list[str]] = []

    def connect(v: str) -> None:  # Tarjan; errlint's graph is shallow enough for recursion
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in sorted(graph[v]):
            if w not in index:
                connect(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                components.append(sorted(component))

    for v in sorted(graph):
        if v not in index:
            connect(v)
    out = []
    for component in components:
        start, members = component[0], set(component)
        paths = {start: [start]}  # breadth first from start, back to start
        queue = [start]
        found = None
        while queue and found is None:
            v = queue.pop(0)
            for w in sorted(graph[v]):
                if w == start:
                    found = paths[v] + [start]
                    break
                if w in members and w not in paths:
                    paths[w] = paths[v] + [w]
                    queue.append(w)
        out.append(found)
    return out


def describe(cycle: list[str], graph: dict[str, dict[str, int]]) -> str:
    steps = [cycle[0]]
    for a, b in zip(cycle, cycle[1:]):
        steps.append(f"-> {b} (line {graph[a][b]} of {a})")
    return " ".join(steps)


def family(module: str, prefixes: tuple[str, ...]) -> bool:
    """``module`` is one of ``prefixes``, a module under it (``x.y``) or a part split from it (``x_y``)."""
    return any(module == p or module.startswith((p + ".", p + "_")) for p in prefixes)


def violations(graph: dict[str, dict[str, int]], sources: tuple[str, ...], forbidden: tuple[str, ...]) -> list[str]:
    return [
        f"{module} imports {target} (line {line})"
        for module, edges in sorted(graph.items()) if family(module, sources)
        for target, line in sorted(edges.items()) if family(target, forbidden)
    ]


# -- the assertions ---------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def graph() -> dict[str, dict[str, int]]:
    return import_graph()


def test_no_import_cycle(graph):
    found = cycles(graph)
    assert not found, "import cycles (every import counts, lazy and TYPE_CHECKING ones too):\n" + "\n".join(
        describe(c, graph) for c in found
    )


def test_checks_import_only_facts_requests_and_the_language_neutral_core(graph):
    bad = [
        f"{module} imports {target} (line {line})"
        for module, edges in sorted(graph.items()) if family(module, ("errlint.checks",))
        for target, line in sorted(edges.items()) if not family(target, CHECKS_MAY_IMPORT)
    ]
    bad += [
        f"{module} imports libcst (line {line})"
        for module, found in sorted(external_imports().items()) if family(module, ("errlint.checks",))
        for top, line in found.items() if top == "libcst"
    ]
    assert not bad, "a check may import only " + ", ".join(CHECKS_MAY_IMPORT) + ":\n" + "\n".join(bad)


def test_the_language_neutral_core_imports_no_front_end_check_or_run(graph):
    bad = violations(graph, CORE, CORE_MUST_NOT_IMPORT)
    assert not bad, "\n".join(bad)


def test_the_python_front_end_imports_no_check_engine_cli_or_cache(graph):
    bad = violations(graph, FRONT_END, FRONT_END_MUST_NOT_IMPORT)
    assert not bad, "\n".join(bad)


def test_source_stage_needs_no_parser_and_the_run_no_engine(graph):
    bad = violations(graph, SOURCE, SOURCE_MUST_NOT_IMPORT) + violations(graph, RUN, RUN_MUST_NOT_IMPORT)
    bad += [
        f"{module} imports libcst (line {line})"
        for module, found in sorted(external_imports().items()) if family(module, SOURCE)
        for top, line in found.items() if top == "libcst"
    ]
    assert not bad, "\n".join(bad)


def test_no_module_is_longer_than_400_lines():
    long = {}
    for name, path in module_files().items():
        n = len(path.read_bytes().splitlines())
        if n > MAX_LINES:
            long[name] = n
    assert not long, f"modules over {MAX_LINES} lines: " + ", ".join(f"{k} ({v})" for k, v in sorted(long.items()))


# -- the graph itself: what it counts -----------------------------------------------------------------
def test_the_graph_counts_lazy_type_checking_and_relative_imports(tmp_path):
    pkg = tmp_path / "errlint"
    (pkg / "sub").mkdir(parents=True)
    files = {
        "__init__.py": "",
        "a.py": "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from .b import B\n",
        "b.py": "def f():\n    from errlint.sub import c\n",
        "sub/__init__.py": "",
        "sub/c.py": "try:\n    import errlint.a as a\nexcept ImportError:\n    pass\nfrom .. import d\n",
        "d.py": "import libcst\nfrom errlint.sub.c import name\n",
    }
    for rel, text in files.items():
        (pkg / rel).write_text(text)
    graph = import_graph(pkg)
    assert graph["errlint.a"] == {"errlint.b": 3}
    assert graph["errlint.b"] == {"errlint.sub.c": 2}
    assert graph["errlint.sub.c"] == {"errlint.a": 2, "errlint.d": 5}
    assert graph["errlint.d"] == {"errlint.sub.c": 2}
    assert external_imports(pkg)["errlint.d"] == {"libcst": 1}
    found = cycles(graph)  # one strongly connected set (a, b, sub.c, d): its shortest cycle from errlint.a
    assert len(found) == 1
    assert describe(found[0], graph) == (
        "errlint.a -> errlint.b (line 3 of errlint.a) -> errlint.sub.c (line 2 of errlint.b)"
        " -> errlint.a (line 2 of errlint.sub.c)"
    )
