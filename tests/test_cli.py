"""The command line: exit codes, formats, selection, suppression, bad input."""
from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from cli_support import CLEAN, SHADOWED, run

# the closing lines after one ERR004 whose fix (moving the handler) is unsafe
SUMMARY = "Found 1 finding in 1 file.\nNo fixes available (1 hidden fix can be enabled with the `--unsafe-fixes` option).\n"





def test_findings_exit_1_with_flake8_style_lines(tree, capsys):
    (tree / "a.py").write_text(SHADOWED)
    code, out, err = run(capsys, "a.py")
    assert code == 1
    assert out == "a.py:5:1: ERR004 except ValueError is unreachable: Exception on line 3 catches it first\n" + SUMMARY
    assert err == ""  # the summary follows the findings on standard output, as ruff's does


def test_clean_exit_0(tree, capsys):
    (tree / "a.py").write_text(CLEAN)
    assert run(capsys, "a.py") == (0, "All checks passed!\n", "")  # ruff's words


def test_default_path_is_cwd_and_excludes_virtualenvs(tree, capsys):
    (tree / "pkg").mkdir()
    (tree / "pkg" / "m.py").write_text(SHADOWED)
    for skipped in (".venv", "node_modules", "build", ".git"):
        (tree / skipped).mkdir()
        (tree / skipped / "x.py").write_text(SHADOWED)
    code, out, _ = run(capsys)
    assert code == 1
    assert out == f"{os.path.join('pkg', 'm.py')}:5:1: ERR004 except ValueError is unreachable: Exception on line 3 catches it first\n" + SUMMARY


def test_explicit_excluded_file_is_linted(tree, capsys):
    (tree / "build").mkdir()
    (tree / "build" / "x.py").write_text(SHADOWED)
    assert run(capsys, "build/x.py")[0] == 1


def test_missing_path_exit_2(tree, capsys):
    (tree / "a.py").write_text(SHADOWED)
    code, out, err = run(capsys, "nope.py", "a.py")
    assert code == 2
    assert "errlint: error: nope.py: no such file or directory" in err
    assert "a.py:5:1: ERR004" in out  # the other path is still linted


def test_syntax_error_is_err000_and_run_continues(tree, capsys):
    (tree / "bad.py").write_text("def f(:\n    pass\n")
    (tree / "good.py").write_text(SHADOWED)
    code, out, _ = run(capsys, ".")
    assert code == 1
    lines = out.splitlines()
    assert lines[0].startswith("bad.py:1:7: ERR000 cannot parse: ")
    assert lines[1].startswith("good.py:5:1: ERR004")


def test_bare_except_not_last(tree, capsys):
    (tree / "a.py").write_text("try:\n    pass\nexcept:\n    pass\nexcept ValueError:\n    pass\n")
    code, out, _ = run(capsys, "a.py")
    assert code == 1
    # CPython's compiler rejects it (ast.parse does not): reported, and the handlers are checked all the same
    assert out.splitlines() == [
        "a.py:3:1: ERR000 does not compile: default 'except:' must be last (3:1); the rest of the file is checked as written",
        "a.py:5:1: ERR004 except ValueError is unreachable: bare except: on line 3 catches it first",
        "Found 2 findings in 1 file.",  # no fix is offered in a file CPython does not compile
    ]


def test_non_utf8_without_coding_line(tree, capsys):
    (tree / "a.py").write_bytes(b"x = '\xff\xfe'\n")
    code, out, _ = run(capsys, "a.py")
    assert code == 1
    assert out == "a.py:1:6: ERR000 cannot parse: byte 0xff at 1:6 is not valid UTF-8 and the file has no PEP 263 coding line\nFound 1 finding in 1 file.\n"


def test_bytes_not_in_the_declared_encoding(tree, capsys):
    (tree / "a.py").write_bytes(b"# coding: ascii\nx = '\xe9'\n")
    (tree / "b.py").write_bytes(b"# coding: klingon\nx = 1\n")
    code, out, _ = run(capsys, "a.py", "b.py")
    assert code == 1
    assert out.splitlines() == [
        "a.py:2:6: ERR000 cannot parse: byte 0xe9 at 2:6 is not valid ascii, the encoding its coding line declares",
        "b.py:1:1: ERR000 cannot parse: unknown encoding: klingon",
        "Found 2 findings in 2 files.",
    ]


def test_bom_and_coding_line_are_honoured(tree, capsys):
    (tree / "bom.py").write_bytes(b"\xef\xbb\xbf" + SHADOWED.encode())
    (tree / "latin.py").write_bytes(b"# -*- coding: latin-1 -*-\nname = '\xe9'\n" + SHADOWED.encode())
    code, out, _ = run(capsys, "bom.py", "latin.py")
    assert code == 1
    assert [line.split(": ")[0] for line in out.splitlines()[:-2]] == ["bom.py:5:1", "latin.py:7:1"]
    assert out.splitlines()[-2] == "Found 2 findings in 2 files."


@pytest.mark.parametrize(
    "comment, reported",
    [("# noqa: ERR004", False), ("# noqa", False), ("# NOQA:ERR004,ERR001", False), ("# noqa: ERR00", False), ("# noqa: ERR001", True)],
)
def test_noqa(tree, capsys, comment, reported):
    (tree / "a.py").write_text(SHADOWED.replace("except ValueError:", f"except ValueError:  {comment}"))
    code, out, _ = run(capsys, "a.py")
    assert (code == 1) is reported
    assert ("ERR004" in out) is reported


@pytest.mark.parametrize("separator", ["\x0c", "\x1c", "\x85", "\u2028"])
def test_noqa_lines_are_counted_as_python_counts_them(tree, capsys, separator):
    """A form feed (or another character str.splitlines breaks at) before the finding does not move its noqa."""
    (tree / "a.py").write_text("x = 1  # " + separator + " a page\n" + SHADOWED.replace("except ValueError:", "except ValueError:  # noqa: ERR004"))
    assert run(capsys, "a.py")[:2] == (0, "All checks passed!\n")


def test_select_and_ignore(tree, capsys):
    (tree / "a.py").write_text(SHADOWED)
    assert run(capsys, "--ignore", "ERR004", "a.py")[0] == 0
    assert run(capsys, "--select", "ERR0", "a.py")[0] == 1
    assert run(capsys, "--select", "ERR", "--ignore", "ERR0", "a.py")[0] == 0
    assert run(capsys, "--ignore", "ERR", "--select", "ERR004", "a.py")[0] == 1  # the more specific selector wins
    code, _, err = run(capsys, "--select", "E501", "a.py")
    assert code == 2 and "unknown rule selector 'E501'" in err


def test_json_uses_ruff_field_names(tree, capsys):
    (tree / "a.py").write_text(SHADOWED)
    code, out, _ = run(capsys, "--output-format", "json", "a.py")
    assert code == 1
    [item] = json.loads(out)
    assert item == {
        "code": "ERR004",
        "message": "except ValueError is unreachable: Exception on line 3 catches it first",
        "filename": "a.py",
        "location": {"row": 5, "column": 1},
        "end_location": {"row": 5, "column": 18},
        "fix": {
            "applicability": "unsafe",  # moving a handler makes dead code run
            "message": "Move except ValueError above Exception",
            "edits": [
                {
                    "content": "except ValueError:\n    pass\nexcept Exception:\n",
                    "location": {"row": 3, "column": 1},
                    "end_location": {"row": 6, "column": 1},
                }
            ],
        },
        "noqa_row": 5,
        "url": "docs/rules/ERR004.md",  # the rule's page (no project URL is declared)
    }


def test_json_finding_without_a_fix(tree, capsys):
    (tree / "a.py").write_text("try:\n    pass\nexcept KeyError:\n    pass\nexcept KeyError:\n    pass\n")
    [item] = json.loads(run(capsys, "--output-format", "json", "a.py")[1])
    assert item["fix"] is None


def test_json_empty_list_when_clean(tree, capsys):
    (tree / "a.py").write_text(CLEAN)
    assert run(capsys, "--output-format", "json", "a.py") == (0, "[]\n", "")


def test_stdin(tree, capsys, monkeypatch):
    import io

    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(SHADOWED.encode())))
    code, out, _ = run(capsys, "-", "--stdin-filename", "app/x.py")
    assert code == 1
    assert out.startswith("app/x.py:5:1: ERR004")


def test_directory_without_python_files(tree, capsys):
    (tree / "docs").mkdir()
    (tree / "docs" / "readme.txt").write_text("hello")
    # as ruff: one line on standard error, and a clean run (exit 0)
    warning = "errlint: warning: no Python, TypeScript or JavaScript files found under the given paths\n"
    assert run(capsys, "docs") == (0, "All checks passed!\n", warning)
    assert run(capsys, "-q", "docs") == (0, "", "")  # -q: findings and errors only, as ruff
    (tree / "empty").mkdir()
    assert run(capsys, "--output-format", "json", "empty") == (0, "[]\n", warning)


def test_unreadable_file(tree, capsys, monkeypatch):
    (tree / "a.py").write_text(SHADOWED)
    (tree / "b.py").write_text(SHADOWED)
    real_open = os.open

    def fake_open(path, *args, **kwargs):  # root can read a chmod-0 file, so simulate it
        if str(path).endswith("a.py"):
            raise PermissionError(13, "Permission denied")
        return real_open(path, *args, **kwargs)

    monkeypatch.setattr("errlint.reading.os.open", fake_open)
    code, out, _ = run(capsys, "a.py", "b.py")
    assert code == 1
    assert out.splitlines()[0] == "a.py:1:1: ERR000 cannot read: Permission denied"
    assert out.splitlines()[1].startswith("b.py:5:1: ERR004")


def test_symlink_loop_does_not_hang(tree, capsys):
    (tree / "pkg").mkdir()
    (tree / "pkg" / "m.py").write_text(CLEAN)
    os.symlink(tree / "pkg", tree / "pkg" / "loop")
    assert run(capsys, ".")[0] == 0


def test_console_script_runs_from_another_directory(tmp_path):
    """The installed command finds the packs shipped with it (not the source tree's)."""
    (tmp_path / "a.py").write_text(SHADOWED)
    proc = subprocess.run([sys.executable, "-m", "errlint.cli", "a.py"], cwd=tmp_path, capture_output=True, text=True)
    assert proc.returncode == 1, proc.stderr
    assert "ERR004" in proc.stdout


def test_internal_error_is_err999_exit_2_and_other_files_still_run(tree, capsys, monkeypatch):
    """A crash in a check is reported against the file it hit; the run goes on."""
    from errlint.checks.err004_shadowed_except import ShadowedExcept

    real = ShadowedExcept.run

    def exploding(self):
        if self.file.path.endswith("a.py"):
            raise RuntimeError("boom")
        return real(self)

    monkeypatch.setattr(ShadowedExcept, "run", exploding)
    (tree / "a.py").write_text(SHADOWED)
    (tree / "b.py").write_text(SHADOWED)
    code, out, _ = run(capsys, "a.py", "b.py")
    assert code == 2
    first, second, found, hint = out.splitlines()
    assert found == "Found 2 findings in 2 files." and hint.startswith("No fixes available (1 hidden fix")
    assert first.startswith("a.py:1:1: ERR999 internal error in shadowed-except (ERR004): RuntimeError: boom at test_cli.py:")
    assert second.startswith("b.py:5:1: ERR004")


def test_jobs_give_the_same_findings(tree, capsys):
    for i in range(12):
        (tree / f"m{i}.py").write_text(SHADOWED if i % 3 else CLEAN)
    (tree / "errors.py").write_text("class ConfigError(ValueError):\n    pass\n")
    (tree / "uses.py").write_text(
        "from errors import ConfigError\ntry:\n    pass\nexcept ValueError:\n    pass\nexcept ConfigError:\n    pass\n"
    )
    serial = run(capsys, "-j", "1", ".")
    parallel = run(capsys, "-j", "2", ".")
    assert serial == parallel
    assert serial[0] == 1 and len(serial[1].splitlines()) == 9 + 2  # 8 shadowed modules + the cross-file one
    assert serial[1].splitlines()[-2] == "Found 9 findings in 9 files."


LOOP = "ERR000 cannot read: Too many levels of symbolic links"


def _file_loop(tree):
    os.symlink("b.py", tree / "a.py")  # a.py -> b.py -> a.py
    os.symlink("a.py", tree / "b.py")
    (tree / "ok.py").write_text(SHADOWED)


def test_file_symlink_loop_named_on_the_command_line(tree, capsys):
    _file_loop(tree)
    code, out, err = run(capsys, "a.py", "ok.py")
    assert code == 1
    assert out.splitlines()[:3] == [
        f"a.py:1:1: {LOOP}", "ok.py:5:1: ERR004 except ValueError is unreachable: Exception on line 3 catches it first",
        "Found 2 findings in 2 files.",
    ]
    assert "Traceback" not in err and "RuntimeError" not in err


def test_file_symlink_loop_found_by_walking(tree, capsys):
    _file_loop(tree)
    code, out, err = run(capsys, ".")
    assert code == 1
    lines = out.splitlines()
    assert lines[:2] == [f"a.py:1:1: {LOOP}", f"b.py:1:1: {LOOP}"]
    assert lines[2].startswith("ok.py:5:1: ERR004")  # the other files are linted
    assert "Traceback" not in err


def test_dangling_symlink_named_and_walked(tree, capsys):
    os.symlink("nowhere.py", tree / "dangling.py")
    (tree / "ok.py").write_text(SHADOWED)
    for args in (("dangling.py", "ok.py"), (".",)):
        code, out, _ = run(capsys, *args)
        assert code == 1
        assert out.splitlines()[0] == "dangling.py:1:1: ERR000 cannot read: No such file or directory"
        assert out.splitlines()[1].startswith("ok.py:5:1: ERR004")


def test_directory_symlink_loop_named_and_walked(tree, capsys):
    (tree / "pkg").mkdir()
    os.symlink("y", tree / "pkg" / "x")  # x -> y -> x: neither is a directory
    os.symlink("x", tree / "pkg" / "y")
    (tree / "pkg" / "ok.py").write_text(SHADOWED)
    code, out, err = run(capsys, ".")
    assert code == 1 and out.splitlines()[0].startswith(os.path.join("pkg", "ok.py") + ":5:1: ERR004")
    code, out, err = run(capsys, "pkg/x", "pkg/ok.py")
    assert code == 1
    assert out.splitlines()[1] == f"{os.path.join('pkg', 'x')}:1:1: {LOOP}"  # after pkg/ok.py's finding
    assert "Traceback" not in err


def test_symlink_loop_as_the_configuration(tree, capsys):
    os.symlink("other.toml", tree / "loop.toml")
    os.symlink("loop.toml", tree / "other.toml")
    (tree / "ok.py").write_text(SHADOWED)
    code, _, err = run(capsys, "--config", "loop.toml", "ok.py")
    assert code == 2
    assert err == "errlint: error: loop.toml: cannot read: Too many levels of symbolic links\n"


def test_an_unexpected_exception_is_one_line_and_exit_2(tree, capsys, monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr("errlint.run.session.discover", broken)
    (tree / "ok.py").write_text(SHADOWED)
    code, out, err = run(capsys, "ok.py")
    assert code == 2
    assert err.startswith("errlint: error: internal error: RuntimeError: boom at test_cli.py:") and err.count("\n") == 1
