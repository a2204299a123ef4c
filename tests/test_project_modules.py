"""Project modules read on demand (errlint/project.py): what is followed, what stays unknown, bad input.

Every case lints one file alone through the CLI, so what is found comes from
the modules on disk, not from other files of the run.
"""
from __future__ import annotations

import json
import os
from importlib.machinery import EXTENSION_SUFFIXES
from pathlib import Path

import pytest


from cli_support import run

SHADOWED_BY_VALUE_ERROR = "try:\n    pass\nexcept ValueError:\n    pass\nexcept {name}:\n    pass\n"


def lint(capsys, *args) -> tuple[int, list[tuple[str, int, str]], str]:
    code, out, err = run(capsys, "--output-format", "json", "-j", "1", *args)
    found = [(d["filename"], d["location"]["row"], d["code"]) for d in json.loads(out or "[]")]
    return code, found, err


def write(root: Path, files: dict[str, str | bytes]) -> None:
    for rel, text in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(text, bytes):
            path.write_bytes(text)
        else:
            path.write_text(text)


def handler(imports: str, name: str) -> str:
    return imports + "\n" + SHADOWED_BY_VALUE_ERROR.format(name=name)


def line_of_shadow(imports: str) -> int:
    return imports.count("\n") + 6


# -- what is followed ------------------------------------------------------------------------
def test_a_chain_of_re_exports_fifty_modules_deep(tree, capsys):
    files = {"pkg/__init__.py": "", "pkg/m0.py": "class Deep(ValueError):\n    pass\n"}
    for i in range(1, 50):
        files[f"pkg/m{i}.py"] = f"from .m{i - 1} import Deep\n"
    imports = "from pkg.m49 import Deep"
    files["pkg/use.py"] = handler(imports, "Deep")
    write(tree, files)
    code, found, err = lint(capsys, "--no-cache", "pkg/use.py")
    assert (code, found, err) == (1, [("pkg/use.py", line_of_shadow(imports), "ERR004")], "")


def test_a_star_chain_and_all(tree, capsys):
    write(tree, {
        "pkg/__init__.py": "from .a import *\n",
        "pkg/a.py": "from .b import *\n__all__ = ['Shown']\nfrom .b import Shown\n",
        "pkg/b.py": "class Shown(ValueError):\n    pass\n\nclass Hidden(ValueError):\n    pass\n\nclass _Private(ValueError):\n    pass\n",
        "use.py": handler("from pkg import Shown", "Shown"),
        "hidden.py": handler("from pkg import Hidden", "Hidden"),  # pkg.a's __all__ does not export it
        "private.py": handler("from pkg.a import *", "_Private"),
    })
    code, found, _ = lint(capsys, "--no-cache", "use.py", "hidden.py", "private.py")
    assert found == [("use.py", 6, "ERR004")]


def test_import_as_and_attribute_access(tree, capsys):
    write(tree, {
        "app/__init__.py": "",
        "app/errors.py": "import app.base as b\nfrom . import base\nConfigError = b.ConfigError\nOther = base.ConfigError\n",
        "app/base.py": "class ConfigError(ValueError):\n    pass\n",
        "app/use.py": "from app import errors as e\n" + SHADOWED_BY_VALUE_ERROR.format(name="e.ConfigError"),
        "app/other.py": handler("from .errors import Other", "Other"),
    })
    code, found, _ = lint(capsys, "--no-cache", "app/use.py", "app/other.py")
    assert found == [("app/other.py", 6, "ERR004"), ("app/use.py", 6, "ERR004")]


def test_names_bound_two_ways_are_unknown_in_an_imported_module(tree, capsys):
    write(tree, {
        "compat.py": "try:\n    from ujson import JSONDecodeError as DecodeError\nexcept ImportError:\n"
                     "    DecodeError = ValueError\n\nAlways = ValueError\n",
        "use.py": handler("from compat import DecodeError", "DecodeError"),
        "sure.py": handler("from compat import Always", "Always"),
    })
    code, found, _ = lint(capsys, "--no-cache", "use.py", "sure.py")
    assert found == [("sure.py", 6, "ERR004")]


def test_names_bound_two_ways_are_unknown_in_the_linted_module(tree, capsys):
    write(tree, {
        "use.py": "try:\n    from ujson import JSONDecodeError as DecodeError\nexcept ImportError:\n"
                  "    DecodeError = ValueError\n" + SHADOWED_BY_VALUE_ERROR.format(name="DecodeError"),
    })
    assert lint(capsys, "--no-cache", "use.py")[:2] == (0, [])


def test_starred_bases(tree, capsys):
    write(tree, {
        "errors.py": "BASES = (KeyError,)\n\nclass Known(*BASES):\n    pass\n\n"
                     "class Unknown(*make()):\n    pass\n\nclass Partly(OSError, *make()):\n    pass\n",
        "use.py": "from errors import Known, Unknown, Partly\ntry:\n    pass\nexcept LookupError:\n    pass\n"
                  "except Known:\n    pass\nexcept Exception:\n    pass\nexcept Unknown:\n    pass\n"
                  "try:\n    pass\nexcept OSError:\n    pass\nexcept Partly:\n    pass\n",
    })
    code, found, _ = lint(capsys, "--no-cache", "use.py")
    assert found == [("use.py", 6, "ERR004"), ("use.py", 16, "ERR004")]


@pytest.mark.parametrize("stub", [True, False])
def test_a_compiled_module_is_read_from_its_stub(tree, capsys, stub):
    write(tree, {
        f"fast{EXTENSION_SUFFIXES[0]}": b"\x7fELF\x00\x00not really",
        "fast.py": "class Fast(Exception):\n    pass\n",  # Python loads the extension module, not this
        "use.py": handler("from fast import Fast", "Fast"),
    })
    if stub:
        write(tree, {"fast.pyi": "class Fast(ValueError): ...\n"})
    assert lint(capsys, "--no-cache", "use.py")[:2] == ((1, [("use.py", 6, "ERR004")]) if stub else (0, []))


def test_a_src_setting_adds_roots(tree, capsys):
    write(tree, {
        "pyproject.toml": '[tool.errlint]\nsrc = ["lib"]\n',
        "lib/shared/__init__.py": "class SharedError(ValueError):\n    pass\n",
        "tests/test_x.py": handler("from shared import SharedError", "SharedError"),
        "src/mine/__init__.py": "class MineError(ValueError):\n    pass\n",
        "tests/test_y.py": handler("from mine import MineError", "MineError"),
    })
    code, found, _ = lint(capsys, "--no-cache", "tests")
    assert found == [("tests/test_x.py", 6, "ERR004")]  # src replaces the default roots (. and src/)
    (tree / "pyproject.toml").write_text("[tool.errlint]\n")
    code, found, _ = lint(capsys, "--no-cache", "tests")
    assert found == [("tests/test_y.py", 6, "ERR004")]  # the default: the config's directory and src/


def test_the_src_setting_is_validated(tree, capsys):
    (tree / "pyproject.toml").write_text("[tool.errlint]\nsrc = 3\n")
    (tree / "a.py").write_text("x = 1\n")
    code, out, err = run(capsys, "a.py")
    assert code == 2 and "pyproject.toml: [tool.errlint] src: expected a list of strings" in err


# -- the cache -------------------------------------------------------------------------------
def test_a_changed_imported_module_invalidates_a_file_linted_alone(tree, capsys, linted, monkeypatch):
    monkeypatch.delenv("ERRLINT_CACHE_DIR", raising=False)
    write(tree, {
        "errors.py": "class BaseErr(Exception):\n    pass\n\nclass Sub(BaseErr):\n    pass\n",
        "service.py": "from errors import BaseErr, Sub\ntry:\n    pass\nexcept BaseErr:\n    pass\nexcept Sub:\n    pass\n",
    })
    assert lint(capsys, "service.py")[:2] == (1, [("service.py", 6, "ERR004")])
    linted.clear()
    assert lint(capsys, "service.py")[:2] == (1, [("service.py", 6, "ERR004")])
    assert linted == []  # a hit while errors.py is unchanged
    (tree / "errors.py").write_text("class BaseErr(Exception):\n    pass\n\nclass Sub(Exception):\n    pass\n")
    assert lint(capsys, "service.py")[:2] == (0, [])
    assert linted == ["service.py"]
    linted.clear()
    (tree / "errors.py").unlink()  # a module that is gone is a change too
    write(tree, {"errors/__init__.py": "class BaseErr(Exception):\n    pass\n\nclass Sub(BaseErr):\n    pass\n"})
    assert lint(capsys, "service.py")[:2] == (1, [("service.py", 6, "ERR004")])
    assert linted == ["service.py"]


def test_a_module_that_appears_later_invalidates(tree, capsys, linted, monkeypatch):
    monkeypatch.delenv("ERRLINT_CACHE_DIR", raising=False)
    write(tree, {"service.py": handler("from errors import Late", "Late")})
    assert lint(capsys, "service.py")[:2] == (0, [])
    write(tree, {"errors.py": "class Late(ValueError):\n    pass\n"})
    linted.clear()
    assert lint(capsys, "service.py")[:2] == (1, [("service.py", 6, "ERR004")])
    assert linted == ["service.py"]


# -- bad input -------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "errors",
    [
        "from b import Thing\n",  # a re-export cycle: a from b, b from a
        b"class Thing(ValueError):\n    pass\n\x00\x01\x02",  # binary
        "class Thing(ValueError:\n    pass\n",  # does not parse
        b"\xff\xfe class Thing(ValueError): pass\n",  # not UTF-8
    ],
    ids=["cycle", "binary", "syntax", "encoding"],
)
def test_bad_imported_modules_leave_the_name_unknown(tree, capsys, errors):
    write(tree, {"a.py": errors, "b.py": "from a import Thing\n", "use.py": handler("from a import Thing", "Thing")})
    assert lint(capsys, "--no-cache", "use.py") == (0, [], "")


def test_a_star_cycle_ends(tree, capsys):
    write(tree, {"a.py": "from b import *\n", "b.py": "from a import *\n", "use.py": handler("from a import Thing", "Thing")})
    assert lint(capsys, "--no-cache", "use.py") == (0, [], "")


@pytest.mark.skipif(os.geteuid() == 0, reason="root can read anything")
def test_an_unreadable_module(tree, capsys):  # pragma: no cover - CI runs as root here
    write(tree, {"a.py": "class Thing(ValueError):\n    pass\n", "use.py": handler("from a import Thing", "Thing")})
    (tree / "a.py").chmod(0)
    try:
        assert lint(capsys, "--no-cache", "use.py") == (0, [], "")
    finally:
        (tree / "a.py").chmod(0o644)


def test_a_symlinked_package_and_a_symlink_loop(tree, capsys):
    write(tree, {
        "real/__init__.py": "",
        "real/errors.py": "class Thing(ValueError):\n    pass\n",
        "use.py": handler("from linked.errors import Thing", "Thing"),
        "loop.py": handler("from linked.loop.loop.loop.errors import Thing", "Thing"),
    })
    (tree / "linked").symlink_to(tree / "real", target_is_directory=True)
    (tree / "real" / "loop").symlink_to(tree / "real", target_is_directory=True)
    code, found, err = lint(capsys, "--no-cache", "use.py", "loop.py")
    assert err == "" and found == [("loop.py", 6, "ERR004"), ("use.py", 6, "ERR004")]
