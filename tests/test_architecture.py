"""errlint's architecture (issues 15 and 22): no import cycle, the layers, the families, the size of a module and of a function.

The import graph is read from errlint's source with CPython's ``ast`` (nothing
is imported). It counts every import statement wherever it is: at the top of
a module, inside a function, under ``if TYPE_CHECKING:``, in a ``try``;
relative and absolute. ``from M import n`` is an import of the module ``M.n``
when errlint has one, else of ``M``. The packages above the imported module
(whose ``__init__`` Python runs first) are not counted.

The layers, lowest first (ARCHITECTURE.md draws them); a module imports its own
layer and the layers below it, never one above:

* the language-neutral core: facts, requests, hierarchy, policy, diagnostics,
  fixes, result, paths, reading and the packs (``errlint/packs/``);
* beside each other, below the engine: the checks (``errlint/checks/``: one
  module per rule; they import only ``facts``, ``requests``, ``policy``,
  ``hierarchy``, ``packs``, ``diagnostics`` and each other, never LibCST),
  ``source`` (bytes -> text; no parser of its own, no LibCST), the language
  front ends (``python/``, ``typescript/``) and the project (``project/``:
  modules read on demand); none of them imports another, but a front end may
  read ``source``;
* the engine (``engine/``): one file's way, triggers to findings and fixes;
* the workspace (``workspace/``): configuration, rule selection, file discovery;
* the run (``run/``): the one API every front end calls;
* the hosts: the command line (``cli/``), the flake8 plugin, the outputs, the
  language server (``server/``).
"""
from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "errlint"
MAX_LINES = 400
MAX_FUNCTION_LINES = 100

LAYERS = (  # lowest first
    ("the core", ("errlint", "errlint.facts", "errlint.requests", "errlint.hierarchy", "errlint.policy",
                  "errlint.diagnostics", "errlint.fixes", "errlint.result", "errlint.paths", "errlint.reading", "errlint.packs")),
    ("the checks, source, the language front ends, the project",
     ("errlint.checks", "errlint.source", "errlint.python", "errlint.typescript", "errlint.project")),
    ("the engine", ("errlint.engine",)),
    ("the workspace", ("errlint.workspace",)),
    ("the run", ("errlint.run",)),
    ("the hosts", ("errlint.cli", "errlint.flake8_plugin", "errlint.output", "errlint.server", "errlint.__main__")),
)
CHECKS_MAY_IMPORT = ("errlint.facts", "errlint.requests", "errlint.policy", "errlint.hierarchy", "errlint.packs",
                     "errlint.diagnostics", "errlint.checks")
SIBLINGS = (  # in one layer, these never import each other (a front end may read source.py)
    ("errlint.python", "errlint.typescript"), ("errlint.python", "errlint.project"), ("errlint.typescript", "errlint.project"),
    ("errlint.source", "errlint.project"), ("errlint.checks", "errlint.python"), ("errlint.checks", "errlint.typescript"),
    ("errlint.checks", "errlint.project"), ("errlint.checks", "errlint.source"),
)
SOURCE = ("errlint.source",)
SOURCE_MUST_NOT_IMPORT = ("errlint.python", "errlint.typescript")


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
    """``module`` is one of ``prefixes`` or a module under it (``x.y``)."""
    return any(module == p or module.startswith(p + ".") for p in prefixes)


def layer_of(module: str) -> int:
    """The index in LAYERS of ``module``'s layer (the longest matching prefix decides)."""
    best, found = -1, None
    for i, (_, prefixes) in enumerate(LAYERS):
        for p in prefixes:
            if (module == p or (p != "errlint" and module.startswith(p + "."))) and len(p) > best:
                best, found = len(p), i
    if found is None:
        raise AssertionError(f"{module} is in no layer of tests/test_architecture.py: add it to LAYERS (and ARCHITECTURE.md)")
    return found


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


def test_every_module_imports_only_its_own_layer_and_those_below(graph):
    bad = [
        f"{module} ({LAYERS[layer_of(module)][0]}) imports {target} ({LAYERS[layer_of(target)][0]}, line {line})"
        for module, edges in sorted(graph.items())
        for target, line in sorted(edges.items()) if layer_of(target) > layer_of(module)
    ]
    assert not bad, "imports that run up the layers:\n" + "\n".join(bad)


def test_siblings_of_one_layer_do_not_import_each_other(graph):
    bad = []
    for a, b in SIBLINGS:
        bad += violations(graph, (a,), (b,)) + violations(graph, (b,), (a,))
    assert not bad, "\n".join(bad)


def test_source_stage_needs_no_parser(graph):
    bad = violations(graph, SOURCE, SOURCE_MUST_NOT_IMPORT)
    bad += [
        f"{module} imports libcst (line {line})"
        for module, found in sorted(external_imports().items()) if family(module, SOURCE)
        for top, line in found.items() if top == "libcst"
    ]
    assert not bad, "\n".join(bad)


def test_libcst_is_imported_by_the_python_front_end_only():
    bad = [
        f"{module} imports libcst (line {line})"
        for module, found in sorted(external_imports().items()) if not family(module, ("errlint.python",))
        for top, line in found.items() if top == "libcst"
    ]
    assert not bad, "\n".join(bad)


def test_no_two_top_level_modules_share_a_family_prefix():
    tops = sorted(p.stem for p in PACKAGE.glob("*.py") if p.stem not in ("__init__", "__main__"))
    tops += sorted(p.name for p in PACKAGE.iterdir() if p.is_dir() and (p / "__init__.py").exists())
    prefixes: dict[str, list[str]] = {}
    for name in tops:
        prefixes.setdefault(name.split("_")[0], []).append(name)
    shared = {k: v for k, v in prefixes.items() if len(v) > 1}
    assert not shared, f"top-level modules of errlint/ that share a family prefix (make them a package): {shared}"


def test_no_module_is_longer_than_400_lines():
    long = {}
    for name, path in module_files().items():
        n = len(path.read_bytes().splitlines())
        if n > MAX_LINES:
            long[name] = n
    assert not long, f"modules over {MAX_LINES} lines: " + ", ".join(f"{k} ({v})" for k, v in sorted(long.items()))


def long_functions(package: Path = PACKAGE, limit: int = MAX_FUNCTION_LINES) -> list[str]:
    """Functions and methods of more than ``limit`` lines (decorators to the last line), nested ones too."""
    out = []
    for name, path in module_files(package).items():
        for node in ast.walk(ast.parse(path.read_bytes(), str(path))):
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                first = min([node.lineno, *(d.lineno for d in node.decorator_list)])
                n = node.end_lineno - first + 1
                if n > limit:
                    out.append(f"{name}.{node.name} (line {node.lineno}: {n} lines)")
    return sorted(out)


def test_no_function_is_longer_than_100_lines():
    long = long_functions()
    assert not long, f"functions over {MAX_FUNCTION_LINES} lines (split them by what each part decides): " + ", ".join(long)


def test_the_function_length_count_sees_methods_and_nested_functions(tmp_path):
    pkg = tmp_path / "errlint"
    pkg.mkdir()
    (pkg / "__init__.py").write_text("")
    (pkg / "m.py").write_text(
        "class C:\n"
        "    @staticmethod\n"        # line 2: a method's decorators count
        "    def f():\n"
        "        a = 1\n"
        "        b = 2\n"
        "        return a + b\n"     # line 6: f is lines 2-6, 5 lines
        "def g():\n"                 # line 7
        "    def h():\n"
        "        a = 1\n"
        "        b = 2\n"
        "        return a + b\n"     # line 11: h is lines 8-11, 4 lines
        "    return h\n"             # line 12: g is lines 7-12, 6 lines
    )
    assert long_functions(pkg, limit=4) == ["errlint.m.f (line 3: 5 lines)", "errlint.m.g (line 7: 6 lines)"]
    assert long_functions(pkg, limit=3) == ["errlint.m.f (line 3: 5 lines)", "errlint.m.g (line 7: 6 lines)", "errlint.m.h (line 8: 4 lines)"]



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
