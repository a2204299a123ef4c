"""A run the cache answers entirely does not import LibCST (issue 15, point 3); a run
imports only what its files and its output need (issue 27: single files warm).

LibCST takes about half of errlint's start-up; a warm run (an editor's save, a
pre-commit hook on unchanged files) reads every verdict from the cache and
needs none of it. Each run here is a fresh interpreter whose ``__import__``
notes every ``import libcst`` statement made outside LibCST and the errlint
frames it ran in. The checks read facts, never LibCST: only the Python
front end imports it, when a file is parsed.
"""
from __future__ import annotations

import json
import subprocess
import sys

from cli_support import SHADOWED

WATCH = r"""
import builtins, json, sys

out, argv = sys.argv[1], sys.argv[2:]
imports = []  # per `import libcst...` made outside libcst: the errlint frames it ran in, innermost first
_import = builtins.__import__


def watching(name, globals=None, locals=None, fromlist=(), level=0):
    if level == 0 and name.split(".")[0] == "libcst" and not (globals or {}).get("__name__", "").startswith("libcst"):
        frame, chain = sys._getframe(1), []
        while frame is not None:
            module = frame.f_globals.get("__name__", "")
            if module.startswith("errlint"):
                chain.append([module, frame.f_code.co_name])
            frame = frame.f_back
        imports.append(chain)
    return _import(name, globals, locals, fromlist, level)


builtins.__import__ = watching
if argv[0] == "--import":
    for name in argv[1:]:
        __import__(name)
    code = 0
else:
    from errlint.cli import main

    code = main(argv)
builtins.__import__ = _import
with open(out, "w") as fh:
    heavy = ("tree_sitter", "errlint.typescript.lint", "multiprocessing", "importlib.metadata")
    json.dump({"code": code, "libcst": "libcst" in sys.modules, "imports": imports,
               "loaded": [m for m in heavy if m in sys.modules]}, fh)
"""


def _run(tmp_path, *args) -> dict:
    out = tmp_path / "imports.json"
    done = subprocess.run([sys.executable, "-c", WATCH, str(out), *args], capture_output=True, text=True, cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    got = json.loads(out.read_text())
    got["stdout"] = done.stdout
    return got


def test_a_run_the_cache_answers_does_not_import_libcst(tmp_path):
    (tmp_path / "a.py").write_text(SHADOWED)
    args = ("--cache-dir", str(tmp_path / "cache"), "--output-format", "json", "a.py")
    cold = _run(tmp_path, *args)
    assert cold["code"] == 1 and cold["libcst"]
    assert cold["imports"]  # linting parses the file: the front end loads LibCST
    assert all(any(m.startswith("errlint.python.") for m, _ in chain) for chain in cold["imports"])
    warm = _run(tmp_path, *args)
    assert (warm["code"], warm["stdout"]) == (cold["code"], cold["stdout"])
    assert warm["imports"] == [] and not warm["libcst"]


def test_importing_the_entry_points_loads_no_libcst(tmp_path):
    got = _run(tmp_path, "--import", "errlint.cli", "errlint.flake8_plugin", "errlint.engine", "errlint.run", "errlint.run.cache")
    assert got["imports"] == [] and not got["libcst"]


def test_a_python_run_loads_only_what_it_needs(tmp_path):
    """One Python file, text output: no TypeScript front end (tree-sitter), no process pool
    (one file is linted in the process), no package metadata (only SARIF's rule URLs read it)."""
    (tmp_path / "a.py").write_text(SHADOWED)
    (tmp_path / "b.ts").write_text("try { f(); } catch (e) { if (e instanceof TypeError) {} }\n")
    for args in (("--no-cache", "a.py"), ("--cache-dir", str(tmp_path / "cache"), "a.py")):
        got = _run(tmp_path, *args)
        assert got["code"] == 1 and "ERR004" in got["stdout"]
        assert got["loaded"] == [], args
    got = _run(tmp_path, "--no-cache", "b.ts")
    assert got["code"] == 0 and "tree_sitter" in got["loaded"] and "errlint.typescript.lint" in got["loaded"]
    got = _run(tmp_path, "--no-cache", "--output-format", "sarif", "a.py")
    assert got["code"] == 1 and got["loaded"] == ["importlib.metadata"]
