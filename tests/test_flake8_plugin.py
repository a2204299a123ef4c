"""The flake8 plugin, through real flake8 in a subprocess, reports what the CLI reports."""
from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

FIXTURES = Path(__file__).parent / "fixtures"


def _parses(path: Path) -> bool:
    try:
        ast.parse(path.read_bytes(), str(path))
    except SyntaxError:
        return False
    return True


# single-file fixtures (flake8 lints one file at a time: classes from other files are unknown to it),
# and only those the running Python can parse (flake8 needs an ast; except* needs 3.11). A file
# CPython parses but cannot compile (pylint_bare_except.py) is in: both front ends lint it anyway.
FILES = sorted(p for p in FIXTURES.glob("ERR00*/*.py") if _parses(p))


def _run(cmd: list[str], cwd: Path) -> list[str]:
    proc = subprocess.run(cmd, cwd=cwd, capture_output=True, text=True)
    assert proc.returncode in (0, 1), proc.stderr
    return sorted(line for line in proc.stdout.splitlines() if line.strip())


def test_plugin_is_registered():
    proc = subprocess.run([sys.executable, "-m", "flake8", "--version"], capture_output=True, text=True)
    assert "errlint" in proc.stdout, proc.stdout


@pytest.mark.parametrize("select", ["--select=ERR", "--extend-select=ERR"])
def test_same_findings_as_the_cli(select):
    rel = [str(p.relative_to(FIXTURES)) for p in FILES]
    # errlint marks fixable findings with ruff's "[*]" after the code; flake8 has no such mark
    ours = sorted(line.replace(" [*] ", " ", 1) for line in _run([sys.executable, "-m", "errlint.cli", "-q", "--select=ERR", *rel], FIXTURES))
    extra = ["--isolated", select]
    theirs = [line for line in _run([sys.executable, "-m", "flake8", *extra, *rel], FIXTURES) if ": ERR" in line]
    assert len(ours) > 100
    assert theirs == ours


def test_flake8_honours_noqa_itself(tmp_path):
    (tmp_path / "a.py").write_text(
        "try:\n    pass\nexcept Exception:\n    pass\nexcept ValueError:  # noqa: ERR004\n    pass\n"
        "try:\n    pass\nexcept Exception:\n    pass\nexcept KeyError:\n    pass\n"
    )
    out = _run([sys.executable, "-m", "flake8", "--isolated", "--select=ERR", "a.py"], tmp_path)
    assert [line.split(":")[1] for line in out] == ["11"]
    out = _run([sys.executable, "-m", "flake8", "--isolated", "--select=ERR", "--disable-noqa", "a.py"], tmp_path)
    assert [line.split(":")[1] for line in out] == ["11", "5"] or sorted(line.split(":")[1] for line in out) == ["11", "5"]


def test_extra_packs_from_flake8_config(tmp_path):
    (tmp_path / "acme.toml").write_text(
        '[sdk]\nname = "acme"\nmodules = ["acme"]\n\n[errors.AcmeError]\nparent = "builtins.Exception"\n\n'
        '[errors.AcmeAuthError]\nparent = "AcmeError"\n'
    )
    (tmp_path / "setup.cfg").write_text("[flake8]\nselect = ERR\nerrlint-extend-packs = acme.toml\n")
    (tmp_path / "a.py").write_text("import acme\ntry:\n    pass\nexcept acme.AcmeError:\n    pass\nexcept acme.AcmeAuthError:\n    pass\n")
    out = _run([sys.executable, "-m", "flake8", "a.py"], tmp_path)
    assert out == ["a.py:6:1: ERR004 except acme.AcmeAuthError is unreachable: acme.AcmeError on line 4 catches it first"]


def test_flake8_and_the_cli_agree_on_the_inhouse_example():
    """Both apply [tool.errlint]: its packs and its per-file-ignores (legacy_*.py ignores ERR003)."""
    root = FIXTURES.parent.parent
    ours = _run([sys.executable, "-m", "errlint.cli", "-q", "--no-cache", "examples/inhouse"], root)
    theirs = _run([sys.executable, "-m", "flake8", "--isolated", "--select=ERR", "examples/inhouse"], root)
    assert len(ours) == 3 and all(line.startswith("examples/inhouse/checkout.py:") for line in ours)
    assert theirs == ours


def test_tool_errlint_selection_and_per_file_ignores_apply_with_flake8_s_own(tmp_path):
    shadowed = "try:\n    pass\nexcept Exception:\n    pass\nexcept ValueError:\n    pass\n"
    (tmp_path / "a.py").write_text(shadowed)
    (tmp_path / "legacy_b.py").write_text(shadowed)
    (tmp_path / "c.py").write_text(shadowed)
    (tmp_path / "pyproject.toml").write_text('[tool.errlint.per-file-ignores]\n"legacy_*.py" = ["ERR004"]\n')
    (tmp_path / "setup.cfg").write_text("[flake8]\nselect = ERR\nper-file-ignores = c.py:ERR004\n")
    assert _run([sys.executable, "-m", "flake8", "."], tmp_path) == [
        "./a.py:5:1: ERR004 except ValueError is unreachable: Exception on line 3 catches it first"
    ]
    (tmp_path / "pyproject.toml").write_text('[tool.errlint]\nignore = ["ERR004"]\n')
    assert _run([sys.executable, "-m", "flake8", "."], tmp_path) == []


def test_enable_packs_option(tmp_path):
    (tmp_path / "a.py").write_text("import requests\n\nRETRY_STATUSES = {401, 500}\n")
    assert _run([sys.executable, "-m", "flake8", "--isolated", "--select=ERR", "a.py"], tmp_path) == []
    out = _run([sys.executable, "-m", "flake8", "--isolated", "--select=ERR", "--errlint-enable-packs=altus4", "a.py"], tmp_path)
    assert out == ["a.py:3:19: ERR002 RETRY_STATUSES holds 401, a status altus4 documents as never retryable: Missing or invalid API key."]
