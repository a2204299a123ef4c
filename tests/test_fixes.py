"""--fix, --unsafe-fixes, --diff: expected outputs, idempotence, re-parse, atomic writes, encodings."""
from __future__ import annotations

import json
import os
import stat
from pathlib import Path

import libcst as cst
import pytest

from cli_support import MOVED, SHADOWED, run
from errlint.checks import ALL_CHECKS
from errlint.python.parse import lenient_try
from errlint.source import compile_only_error
from errlint.engine import Linter
from errlint.packs import load_registry

FIXTURES = Path(__file__).parent / "fixtures"
FIXED = sorted(FIXTURES.rglob("*.fixed.py"))
ALL_INPUTS = sorted(p for p in FIXTURES.rglob("*.py") if not p.name.endswith(".fixed.py"))
REGISTRY = load_registry()
REDUNDANT = "try:\n    pass\nexcept (OSError, IOError, ValueError):\n    pass\n"
REDUNDANT_FIXED = "try:\n    pass\nexcept (OSError, ValueError):\n    pass\n"
SWALLOWS = (
    "from alter_sdk import App, GrantExpiredError\n\n\n"
    "async def f(vault: App, url):\n    try:\n        return await vault.request('GET', url)\n"
    "    except GrantExpiredError:\n        return None\n"
)


def _linter(path: Path) -> Linter:
    code = path.parent.name.split("_")[0] if path.parent.name.startswith("ERR") else path.parent.parent.name.split("_")[0]
    return Linter(REGISTRY, [c for c in ALL_CHECKS if c.code == code])


def _compiles(source: bytes) -> bool:
    try:
        compile(source, "<fixture>", "exec", dont_inherit=True)
    except SyntaxError:
        return False
    return True


def test_every_fixable_rule_has_fixed_fixtures():
    fixable = {c.code for c in ALL_CHECKS if c.fix_availability != "none"}
    assert {p.parent.name.split("_")[0] for p in FIXED} == fixable


@pytest.mark.parametrize("expected", FIXED, ids=[str(p.relative_to(FIXTURES)) for p in FIXED])
def test_fixed_output_matches(expected: Path):
    """``X.fixed.py`` is ``X.py`` with every fix applied (``--unsafe-fixes``); ``X.safe.fixed.py`` with the safe ones only (``--fix``)."""
    unsafe = not expected.name.endswith(".safe.fixed.py")
    source_path = expected.with_name(expected.name.replace(".safe.fixed.py", ".py").replace(".fixed.py", ".py"))
    linter = _linter(source_path)
    fixed, applied, _ = linter.fix_source(str(source_path), source_path.read_bytes(), unsafe=unsafe)
    assert applied, "no fix applied"
    assert fixed.decode() == expected.read_text(encoding="utf-8")
    again, applied_again, _ = linter.fix_source(str(source_path), fixed, unsafe=unsafe)
    assert again == fixed and not applied_again  # idempotent


@pytest.mark.parametrize("path", ALL_INPUTS, ids=[str(p.relative_to(FIXTURES)) for p in ALL_INPUTS])
def test_all_fixes_on_every_fixture_reparse_and_are_idempotent(path: Path):
    linter = Linter(REGISTRY)
    source = path.read_bytes()
    fixed, _, _ = linter.fix_source(str(path), source, unsafe=True)
    if compile_only_error(str(path), source) is not None:  # CPython parses it, cannot compile it: no fix
        assert fixed == source
        with lenient_try():  # read the way errlint reads it (a bare except: before other handlers)
            cst.parse_module(fixed)
    else:
        cst.parse_module(fixed)
        if _compiles(source):  # except* does not compile on Python 3.10
            compile(fixed, str(path), "exec", dont_inherit=True)
    again, applied, _ = linter.fix_source(str(path), fixed, unsafe=True)
    assert again == fixed and not applied




def test_fix_writes_and_reports(tree, capsys):
    (tree / "a.py").write_text(SHADOWED)
    code, out, err = run(capsys, "--fix", "--unsafe-fixes", "a.py")
    assert code == 0 and out == "Fixed 1 finding in 1 file; 0 remaining.\n" and err == ""
    assert (tree / "a.py").read_text() == MOVED
    assert run(capsys, "--fix", "--unsafe-fixes", "a.py")[0] == 0
    assert (tree / "a.py").read_text() == MOVED


def test_moving_a_shadowed_handler_is_unsafe(tree, capsys):
    """The moved handler was dead code and now runs: --fix alone (the errlint-fix hook) leaves it."""
    (tree / "a.py").write_text(SHADOWED)
    code, out, _ = run(capsys, "--fix", "a.py")
    assert code == 1 and "a.py:5:1: ERR004 except ValueError is unreachable" in out
    assert (tree / "a.py").read_text() == SHADOWED
    item = json.loads(run(capsys, "--output-format", "json", "a.py")[1])[0]
    assert item["fix"]["applicability"] == "unsafe" and item["fix"]["message"] == "Move except ValueError above Exception"
    assert run(capsys, "--diff", "a.py") == (0, "", "")
    # dropping a redundant tuple entry keeps behaviour: safe, applied by --fix alone
    (tree / "b.py").write_text(REDUNDANT)
    assert run(capsys, "--fix", "b.py")[0] == 0
    assert (tree / "b.py").read_text() == REDUNDANT_FIXED
    (tree / "c.py").write_text(REDUNDANT)
    item = json.loads(run(capsys, "--output-format", "json", "c.py")[1])[0]
    assert item["fix"]["applicability"] == "safe"


def test_unsafe_fixes_need_the_flag_or_the_config(tree, capsys):
    (tree / "a.py").write_text(SWALLOWS)
    code, out, _ = run(capsys, "--fix", "a.py")
    assert code == 1 and "ERR003" in out
    assert (tree / "a.py").read_text() == SWALLOWS
    assert run(capsys, "--fix", "--unsafe-fixes", "a.py")[0] == 0
    assert (tree / "a.py").read_text().endswith("    except GrantExpiredError:\n        raise\n")
    (tree / "b.py").write_text(SWALLOWS)
    (tree / "pyproject.toml").write_text("[tool.errlint]\nunsafe-fixes = true\n")
    assert run(capsys, "--fix", "b.py")[0] == 0
    assert run(capsys, "--fix", "--no-unsafe-fixes", "b.py")[0] == 0  # already fixed


def test_diff_writes_nothing(tree, capsys):
    (tree / "a.py").write_text(SHADOWED)
    code, out, _ = run(capsys, "--diff", "--unsafe-fixes", "a.py")
    assert code == 1
    assert out.startswith("--- a/a.py\n+++ b/a.py\n")
    assert "-except ValueError:\n" in out and "+except ValueError:\n" in out
    assert (tree / "a.py").read_text() == SHADOWED
    (tree / "b.py").write_text(MOVED)
    assert run(capsys, "--diff", "--unsafe-fixes", "b.py") == (0, "", "")


def test_write_is_atomic_and_keeps_permissions(tree, capsys):
    path = tree / "a.py"
    path.write_text(SHADOWED)
    os.chmod(path, 0o640)
    inode_before = path.stat().st_ino
    assert run(capsys, "--fix", "--unsafe-fixes", "a.py")[0] == 0
    assert stat.S_IMODE(path.stat().st_mode) == 0o640
    assert path.stat().st_ino != inode_before  # replaced by rename, not rewritten in place
    assert sorted(p.name for p in tree.iterdir()) == ["a.py"]  # no temporary file left


def test_fix_that_does_not_parse_is_not_written(tree, capsys, monkeypatch):
    import errlint.python.fixes as fixes

    def broken(module, fixes_):  # a fix whose output is not Python
        return cst.Module(body=[cst.SimpleStatementLine([cst.Expr(cst.Name("def"))])])

    monkeypatch.setattr(fixes, "apply_replacements", broken)
    (tree / "a.py").write_text(SHADOWED)
    (tree / "b.py").write_text(MOVED)
    code, out, err = run(capsys, "--fix", "--unsafe-fixes", "a.py", "b.py")
    assert code == 2
    assert "a.py: the fixed code does not" in err and "file left unchanged" in err
    assert (tree / "a.py").read_text() == SHADOWED
    assert "a.py:5:1: ERR004" in out  # the finding is still reported


def test_crlf_and_encoding_are_kept(tree, capsys):
    latin = "# -*- coding: latin-1 -*-\r\n# caf\xe9\r\n" + SHADOWED.replace("\n", "\r\n")
    (tree / "a.py").write_bytes(latin.encode("latin-1"))
    assert run(capsys, "--fix", "--unsafe-fixes", "a.py")[0] == 0
    data = (tree / "a.py").read_bytes()
    expected = "# -*- coding: latin-1 -*-\r\n# caf\xe9\r\n" + MOVED.replace("\n", "\r\n")
    assert data == expected.encode("latin-1")


def test_conflicting_fixes_in_one_try_are_applied_in_turn(tree, capsys):
    (tree / "a.py").write_text(
        "try:\n    pass\nexcept Exception:\n    pass\nexcept ValueError:\n    pass\nexcept (KeyError, LookupError):\n    pass\n"
    )
    assert run(capsys, "--fix", "--unsafe-fixes", "a.py")[0] == 0
    assert (tree / "a.py").read_text() == (
        "try:\n    pass\nexcept ValueError:\n    pass\nexcept LookupError:\n    pass\nexcept Exception:\n    pass\n"
    )


def test_fix_from_stdin_prints_the_fixed_code(tree, capsys, monkeypatch):
    import io
    import sys

    class FakeStdin:
        buffer = io.BytesIO(SHADOWED.encode())

    monkeypatch.setattr(sys, "stdin", FakeStdin)
    code, out, _ = run(capsys, "--fix", "--unsafe-fixes", "-", "--stdin-filename", "a.py")
    assert code == 0 and out == MOVED
    FakeStdin.buffer = io.BytesIO(MOVED.encode())
    assert run(capsys, "--fix", "--unsafe-fixes", "-", "--stdin-filename", "a.py")[:2] == (0, MOVED)  # nothing to fix: echoed


def test_per_file_ignores_are_not_fixed(tree, capsys):
    (tree / "pyproject.toml").write_text('[tool.errlint.per-file-ignores]\n"legacy_*.py" = ["ERR004"]\n')
    (tree / "legacy_a.py").write_text(SHADOWED)
    (tree / "b.py").write_text(SHADOWED)
    assert run(capsys, "--fix", "--unsafe-fixes", ".")[0] == 0
    assert (tree / "legacy_a.py").read_text() == SHADOWED
    assert (tree / "b.py").read_text() == MOVED


def test_noqa_lines_are_not_fixed(tree, capsys):
    source = SHADOWED.replace("except ValueError:", "except ValueError:  # noqa: ERR004")
    (tree / "a.py").write_text(source)
    assert run(capsys, "--fix", "--unsafe-fixes", "a.py")[0] == 0
    assert (tree / "a.py").read_text() == source


def test_examples_fix_every_fixable_finding(tmp_path, monkeypatch, capsys):
    import json
    import shutil

    root = Path(__file__).resolve().parent.parent
    shutil.copytree(root / "examples", tmp_path / "examples")
    monkeypatch.chdir(tmp_path)
    code, out, err = run(capsys, "--fix", "--unsafe-fixes", "examples")
    # 11: with ERR004's move unsafe too, ERR003's insertion in calendar_sync.py is no longer
    # crowded out by the move of the same try (safe fixes go first) and both apply
    assert code == 1 and "\nFixed 11 findings in 4 files" in out
    remaining = json.loads(run(capsys, "--output-format", "json", "examples")[1])
    assert remaining and all(item["fix"] is None for item in remaining), [i for i in remaining if i["fix"]]
    assert run(capsys, "--diff", "--unsafe-fixes", "examples") == (0, "", "")  # a second run changes nothing


def test_catching_the_sdk_timeout_is_unsafe():
    """ERR008's fix makes a handler run that never ran for the SDK's timeouts: --fix alone leaves it."""
    path = FIXTURES / "ERR008_builtin_timeout_shadowed" / "timeouts.py"
    linter = _linter(path)
    result = linter.lint_source(str(path), path.read_bytes())
    fixes = [d.fix for d in result.diagnostics if d.fix is not None]
    assert fixes and {f.applicability for f in fixes} == {"unsafe"}
    fixed, applied, _ = linter.fix_source(str(path), path.read_bytes(), unsafe=False)
    assert fixed == path.read_bytes() and not applied

