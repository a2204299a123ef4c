"""Text output's details, through the CLI: ruff's ``[*]`` mark on fixable findings, the
closing lines on fixes (ruff's wording and conditions), and the summary's file count."""
from __future__ import annotations

import pytest

from cli_support import CLEAN, SHADOWED, run

# ERR004 on line 3 with a safe fix (drop IOError, the same class as OSError)
REDUNDANT = "try:\n    pass\nexcept (OSError, IOError, ValueError):\n    pass\n"
SAFE_LINE = "b.py:3:1: ERR004 [*] IOError in except (OSError, IOError, ValueError) is redundant"
# ERR004 on line 5 whose fix (moving the handler) is unsafe
UNSAFE_LINE = "a.py:5:1: ERR004 except ValueError is unreachable"
FIX_HINT = "[*] 1 fixable with the `--fix` option (1 hidden fix can be enabled with the `--unsafe-fixes` option).\n"


@pytest.fixture
def tree(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "a.py").write_text(SHADOWED)
    (tmp_path / "b.py").write_text(REDUNDANT)
    return tmp_path


def test_fixable_findings_are_marked_and_counted(tree, capsys):
    code, out, err = run(capsys, "a.py", "b.py")
    assert code == 1
    lines = out.splitlines()
    assert lines[0].startswith(UNSAFE_LINE)  # an unsafe fix does not apply with --fix: no mark
    assert lines[1].startswith(SAFE_LINE)
    assert err == "Found 2 findings in 2 files.\n" + FIX_HINT


def test_unsafe_fixes_mark_every_fixable_finding_and_hide_nothing(tree, capsys):
    code, out, err = run(capsys, "--unsafe-fixes", "a.py", "b.py")
    assert code == 1
    assert out.splitlines()[0].startswith("a.py:5:1: ERR004 [*] except ValueError is unreachable")
    assert err == "Found 2 findings in 2 files.\n[*] 2 fixable with the `--fix` option.\n"


def test_no_unsafe_fixes_is_a_choice_too_no_hint(tree, capsys):
    # ruff hints at hidden fixes only while the user has not chosen either way
    _, _, err = run(capsys, "--no-unsafe-fixes", "a.py", "b.py")
    assert err == "Found 2 findings in 2 files.\n[*] 1 fixable with the `--fix` option.\n"
    (tree / "pyproject.toml").write_text("[tool.errlint]\nunsafe-fixes = false\n")
    _, _, err = run(capsys, "a.py")
    assert err == "Found 1 finding in 1 file.\n"


def test_only_hidden_fixes(tree, capsys):
    _, _, err = run(capsys, "a.py")
    assert err == "Found 1 finding in 1 file.\nNo fixes available (1 hidden fix can be enabled with the `--unsafe-fixes` option).\n"
    (tree / "c.py").write_text(SHADOWED)
    _, _, err = run(capsys, "a.py", "c.py")
    assert err.endswith("No fixes available (2 hidden fixes can be enabled with the `--unsafe-fixes` option).\n")


def test_summary_counts_files_with_findings_not_files_linted(tree, capsys):
    for i in range(5):
        (tree / f"clean{i}.py").write_text(CLEAN)
    (tree / "c.py").write_text(SHADOWED + REDUNDANT)
    _, _, err = run(capsys, ".")
    assert err.startswith("Found 4 findings in 3 files.\n")  # 8 files linted


def test_after_fix_no_marks_and_the_unsafe_rest_is_mentioned(tree, capsys):
    code, out, err = run(capsys, "--fix", "a.py", "b.py")
    assert code == 1
    assert out.splitlines() == [
        "a.py:5:1: ERR004 except ValueError is unreachable: Exception on line 3 catches it first"
    ]
    assert err == (
        "Fixed 1 finding in 1 file; 1 remaining.\n"
        "No fixes available (1 hidden fix can be enabled with the `--unsafe-fixes` option).\n"
    )


def test_other_formats_have_no_marks_or_closing_lines(tree, capsys):
    _, out, err = run(capsys, "--output-format", "github", "b.py")
    assert "[*]" not in out and err == ""


def test_readme_first_run_quotes_real_output(capsys, monkeypatch):
    """Each `$ errlint ARGS` block of README's "A first run" is what errlint prints for those
    arguments in the repository: a block without `...` is the whole output (findings, then the
    summary on stderr), in order; a block with `...` leaves lines out, and the lines it quotes are
    printed, in that order."""
    import shlex
    from pathlib import Path

    root = Path(__file__).resolve().parent.parent
    readme = (root / "README.md").read_text(encoding="utf-8")
    section = readme.split("\n## A first run\n", 1)[1].split("\n## ", 1)[0]
    blocks = [b.split("```", 1)[0] for b in section.split("```text\n")[1:]]
    commands = [b.splitlines() for b in blocks if b.startswith("$ errlint ")]
    # the first run is on a popular SDK's example, then the whole examples/ folder
    assert [c[0] for c in commands] == ["$ errlint examples/llm/", "$ errlint examples/"]
    monkeypatch.chdir(root)
    for command, *quoted in commands:
        code, out, err = run(capsys, "--no-cache", *shlex.split(command)[2:])
        assert code == 1
        printed = out.splitlines() + err.splitlines()
        shown = [line for line in quoted if line != "..."]
        assert shown and all(line.startswith("examples/") for line in shown if " ERR" in line)
        if "..." not in quoted:
            assert shown == printed, command
            continue
        rest = iter(printed)
        missing = [line for line in shown if not any(line == p for p in rest)]
        assert missing == [], f"{command}: quoted but not printed (or out of order): {missing}"
