"""errlint's noqa comments in a project that also runs ruff (issue 27, point 1; docs: README
"Living beside ruff"), with the ruff of the test extra on tests/data/beside_ruff/app.py.

ruff (0.17.6, pinned in the test extra) enables RUF100 by default: a *blanket* ``# noqa`` that no ruff rule needs is
reported, and ``ruff check --fix`` deletes it, so the errlint finding it silenced comes back. A coded
``# noqa: ERR004`` is kept by default; RUF102 (on with ``select = ["ALL"]``) reports its code as
invalid and ``--fix`` deletes it, unless ``[tool.ruff.lint] external = ["ERR"]``.
"""
from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from cli_support import run

APP = Path(__file__).parent / "data" / "beside_ruff" / "app.py"

pytest.importorskip("ruff", reason="ruff is in the test extra")


def _ruff(project: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "ruff", "check", "--no-cache", "--output-format", "concise", *args, "app.py"],
        cwd=project, capture_output=True, text=True, timeout=120,
    )


@pytest.fixture
def project(tree):
    shutil.copy(APP, tree / "app.py")
    return tree


def _errlint(capsys) -> list[str]:
    code, out, err = run(capsys, "--no-cache", "-q", "app.py")
    assert err == ""
    return [line.split(": ")[1].split()[0] + "@" + line.split(":")[1] for line in out.splitlines()]


def test_errlint_reads_its_noqa_comments(project, capsys):
    assert _errlint(capsys) == []
    original = (project / "app.py").read_text()
    for comment in ("  # noqa: ERR004", "  # noqa", "  # noqa: ERR003"):
        (project / "app.py").write_text(original.replace(comment + "\n", "\n", 1))
        assert len(_errlint(capsys)) == 1, comment  # each comment silences one finding


def test_ruff_defaults_delete_the_blanket_noqa_and_errlint_reports_again(project, capsys):
    proc = _ruff(project, "--isolated")
    assert proc.returncode == 1
    reported = sorted(line.split(": ")[1].split()[0] + "@" + line.split(":")[1] for line in proc.stdout.splitlines() if line.startswith("app.py:"))
    # the blanket noqa is "unused" for ruff; ERR003's line is also ruff's BLE001 and S110 (a finding each)
    assert reported == ["BLE001@26", "RUF100@19", "S110@26"]
    assert "app.py:19:32: RUF100 [*] Unused blanket `noqa` directive" in proc.stdout
    assert _ruff(project, "--isolated", "--fix").returncode == 1  # BLE001 and S110 remain
    text = (project / "app.py").read_text()
    assert "except GrantExpiredError:  # noqa: ERR004\n" in text and "except Exception:  # noqa: ERR003\n" in text
    assert "except GrantExpiredError:\n" in text  # the blanket one is gone
    assert _errlint(capsys) == ["ERR004@19"]  # and errlint's finding is back


def test_ruff_102_deletes_errlint_codes_unless_they_are_external(project, capsys):
    original = (project / "app.py").read_text()
    proc = _ruff(project, "--isolated", "--extend-select", "RUF102")  # as with select = ["ALL"]
    assert "app.py:10:32: RUF102 [*] Invalid rule code in `# noqa`: ERR004" in proc.stdout
    assert "app.py:26:24: RUF102 [*] Invalid rule code in `# noqa`: ERR003" in proc.stdout
    _ruff(project, "--isolated", "--extend-select", "RUF102", "--fix")
    assert "noqa" not in (project / "app.py").read_text().split('"""', 2)[2]
    assert sorted(_errlint(capsys)) == ["ERR003@26", "ERR004@10", "ERR004@19"]

    # the setting the README documents keeps the coded comments (the blanket one still goes)
    (project / "app.py").write_text(original)
    (project / "pyproject.toml").write_text('[tool.ruff.lint]\nextend-select = ["RUF102"]\nexternal = ["ERR"]\n')
    proc = _ruff(project)
    assert "RUF102" not in proc.stdout and "app.py:19:32: RUF100" in proc.stdout
    _ruff(project, "--fix")
    text = (project / "app.py").read_text()
    assert "except GrantExpiredError:  # noqa: ERR004\n" in text and "except Exception:  # noqa: ERR003\n" in text
    assert _errlint(capsys) == ["ERR004@19"]


def test_one_line_for_both_tools(project, capsys):
    """What the README recommends for a line both report: a noqa comment with both tools' codes."""
    text = (project / "app.py").read_text().replace("# noqa: ERR003", "# noqa: ERR003, BLE001, S110").replace("  # noqa\n", "  # noqa: ERR004\n")
    (project / "app.py").write_text(text)
    (project / "pyproject.toml").write_text('[tool.ruff.lint]\nextend-select = ["RUF100", "RUF102"]\nexternal = ["ERR"]\n')
    proc = _ruff(project)
    assert (proc.returncode, proc.stdout) == (0, "All checks passed!\n"), proc.stdout + proc.stderr
    assert _errlint(capsys) == []


def test_what_err003_reports_beside_ble001_and_s110(tree, capsys):
    """README: BLE001 and S110 judge a handler's shape, ERR003 what reaches it from an SDK call."""
    shutil.copy(APP.parent / "differences.py", tree / "app.py")
    proc = _ruff(tree, "--isolated")
    theirs = sorted(line.split(": ")[1].split()[0] + "@" + line.split(":")[1] for line in proc.stdout.splitlines() if line.startswith("app.py:"))
    assert theirs == ["BLE001@33", "S110@33"]  # no_sdk(): a broad handler that passes
    # logs(): BLE001 accepts a handler that logs the exception; narrow(), narrow_pass(): a named class
    assert _errlint(capsys) == ["ERR003@12", "ERR003@19", "ERR003@26"]
