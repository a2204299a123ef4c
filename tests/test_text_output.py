"""Text output's details, through the CLI: ruff's ``[*]`` mark on fixable findings, the
closing lines on fixes (ruff's wording and conditions), the summary's file count, and where
the summary goes (after the findings, on standard output or in the report file, as ruff)."""
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
    assert out.endswith("\nFound 2 findings in 2 files.\n" + FIX_HINT) and len(lines) == 4
    assert err == ""


def test_unsafe_fixes_mark_every_fixable_finding_and_hide_nothing(tree, capsys):
    code, out, err = run(capsys, "--unsafe-fixes", "a.py", "b.py")
    assert code == 1
    assert out.splitlines()[0].startswith("a.py:5:1: ERR004 [*] except ValueError is unreachable")
    assert out.endswith("\nFound 2 findings in 2 files.\n[*] 2 fixable with the `--fix` option.\n") and err == ""


def test_no_unsafe_fixes_is_a_choice_too_no_hint(tree, capsys):
    # ruff hints at hidden fixes only while the user has not chosen either way
    _, out, _ = run(capsys, "--no-unsafe-fixes", "a.py", "b.py")
    assert out.endswith("\nFound 2 findings in 2 files.\n[*] 1 fixable with the `--fix` option.\n")
    (tree / "pyproject.toml").write_text("[tool.errlint]\nunsafe-fixes = false\n")
    _, out, _ = run(capsys, "a.py")
    assert out.endswith("first\nFound 1 finding in 1 file.\n")


def test_only_hidden_fixes(tree, capsys):
    _, out, _ = run(capsys, "a.py")
    assert out.endswith("first\nFound 1 finding in 1 file.\nNo fixes available (1 hidden fix can be enabled with the `--unsafe-fixes` option).\n")
    (tree / "c.py").write_text(SHADOWED)
    _, out, _ = run(capsys, "a.py", "c.py")
    assert out.endswith("No fixes available (2 hidden fixes can be enabled with the `--unsafe-fixes` option).\n")


def test_summary_counts_files_with_findings_not_files_linted(tree, capsys):
    for i in range(5):
        (tree / f"clean{i}.py").write_text(CLEAN)
    (tree / "c.py").write_text(SHADOWED + REDUNDANT)
    _, out, _ = run(capsys, ".")
    assert out.splitlines()[4] == "Found 4 findings in 3 files."  # 8 files linted


def test_after_fix_no_marks_and_the_unsafe_rest_is_mentioned(tree, capsys):
    code, out, err = run(capsys, "--fix", "a.py", "b.py")
    assert code == 1
    assert out == (
        "a.py:5:1: ERR004 except ValueError is unreachable: Exception on line 3 catches it first\n"
        "Fixed 1 finding in 1 file; 1 remaining.\n"
        "No fixes available (1 hidden fix can be enabled with the `--unsafe-fixes` option).\n"
    )
    assert err == ""


def test_other_formats_have_no_marks_or_closing_lines(tree, capsys):
    _, out, err = run(capsys, "--output-format", "github", "b.py")
    assert "[*]" not in out and "Found" not in out and err == ""
    (tree / "c.py").write_text(CLEAN)
    assert run(capsys, "--output-format", "github", "c.py") == (0, "", "")  # no "All checks passed!" either
    assert run(capsys, "--output-format", "json", "c.py") == (0, "[]\n", "")


def test_a_clean_run_says_so_in_ruffs_words(tree, capsys):
    (tree / "c.py").write_text(CLEAN)
    assert run(capsys, "c.py") == (0, "All checks passed!\n", "")
    assert run(capsys, "-q", "c.py") == (0, "", "")
    assert run(capsys, "-s", "c.py") == (0, "", "")
    assert run(capsys, "--statistics", "c.py") == (0, "", "")  # ruff prints nothing for clean statistics
    assert run(capsys, "-o", "report.txt", "c.py") == (0, "", "")
    assert (tree / "report.txt").read_text() == "All checks passed!\n"
    # a run that went wrong does not pass: a path that does not exist
    assert run(capsys, "c.py", "nope.py") == (2, "", "errlint: error: nope.py: no such file or directory\n")


def test_the_summary_follows_the_findings_where_they_go(tree, capsys):
    """ruff writes its summary with the findings: standard output, or the --output-file (so
    ``errlint . > report.txt`` keeps it); -q and -s leave it out; --statistics closes with it."""
    code, out, err = run(capsys, "-o", "report.txt", "b.py")
    assert (code, out, err) == (1, "", "")
    assert (tree / "report.txt").read_text().splitlines()[1:] == [
        "Found 1 finding in 1 file.", "[*] 1 fixable with the `--fix` option."]
    code, out, err = run(capsys, "--statistics", "a.py", "b.py")
    assert code == 1 and err == ""
    assert out.splitlines() == [
        "2\tERR004\t[*] shadowed-except", "Found 2 findings in 2 files.", FIX_HINT.rstrip("\n")]
    assert run(capsys, "--statistics", "-q", "b.py") == (1, "1\tERR004\t[*] shadowed-except\n", "")
    code, out, _ = run(capsys, "--statistics", "--output-format", "json", "b.py")
    assert code == 1 and out.startswith("[") and "Found" not in out


def test_fix_summaries(tree, capsys, monkeypatch):
    """--fix: what was fixed, on standard output; --fix of standard input: the fixed code on
    standard output, the findings and the summary on standard error (ruff's streams)."""
    assert run(capsys, "--fix", "b.py") == (0, "Fixed 1 finding in 1 file; 0 remaining.\n", "")
    assert run(capsys, "--fix", "b.py") == (0, "All checks passed!\n", "")
    assert run(capsys, "--fix", "-q", "b.py") == (0, "", "")
    import io
    import sys

    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(REDUNDANT.encode())))
    code, out, err = run(capsys, "--fix", "-", "--stdin-filename", "x.py")
    assert (code, out) == (0, REDUNDANT.replace("(OSError, IOError, ValueError)", "(OSError, ValueError)"))
    assert err == "Fixed 1 finding in 1 file; 0 remaining.\n"


def test_diff_closes_with_ruffs_would_fix_line(tree, capsys):
    code, out, err = run(capsys, "--diff", "b.py")
    assert code == 1 and err == ""
    assert out.startswith("--- a/b.py\n+++ b/b.py\n") and out.endswith("\n\nWould fix 1 finding.\n")
    code, out, _ = run(capsys, "--diff", "-q", "b.py")
    assert code == 1 and "Would fix" not in out and out.startswith("--- a/b.py")
    assert run(capsys, "--diff", "a.py") == (0, "", "")  # nothing to change: nothing printed


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
