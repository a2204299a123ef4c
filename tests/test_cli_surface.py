"""The command line's surface: --help, -q/-s, --output-file, --show-files, --show-settings (through the CLI)."""
from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from cli_support import CLEAN, SHADOWED, run

FINDING = "a.py:5:1: ERR004 except ValueError is unreachable: Exception on line 3 catches it first\n"


# the summary of one unsafe-fixable ERR004 (moving a handler is an unsafe fix)
SUMMARY = "Found 1 finding in 1 file.\nNo fixes available (1 hidden fix can be enabled with the `--unsafe-fixes` option).\n"

def test_help_names_the_commands_and_the_exit_status():
    proc = subprocess.run([sys.executable, "-m", "errlint.cli", "--help"], capture_output=True, text=True)
    assert proc.returncode == 0
    usage = proc.stdout.split("\n\n")[0]
    assert usage == (
        "usage: errlint [check] [OPTIONS] [PATHS ...]\n       errlint rule CODE\n       errlint rules\n"
        "       errlint packs extract PACKAGE\n       errlint packs check PACK.toml ...\n       errlint server"
    )
    assert "\nexit status:\n  0  no findings" in proc.stdout
    assert "\n  1  findings" in proc.stdout and "\n  2  usage, configuration, pack or internal error" in proc.stdout
    for flag in ("--quiet", "--silent", "--output-file", "--show-files", "--show-settings", "--no-respect-gitignore"):
        assert flag in proc.stdout


def test_quiet_prints_the_findings_but_no_summary(tree, capsys):
    (tree / "a.py").write_text(SHADOWED)
    assert run(capsys, "a.py") == (1, FINDING + SUMMARY, "")
    assert run(capsys, "-q", "a.py") == (1, FINDING, "")
    assert run(capsys, "--quiet", "a.py") == (1, FINDING, "")


def test_quiet_still_prints_errors(tree, capsys):
    (tree / "a.py").write_text(SHADOWED)
    assert run(capsys, "-q", "nope.py", "a.py") == (2, FINDING, "errlint: error: nope.py: no such file or directory\n")


def test_quiet_fix_prints_no_fixed_line(tree, capsys):
    (tree / "a.py").write_text(SHADOWED)
    assert run(capsys, "-q", "--fix", "--unsafe-fixes", "a.py") == (0, "", "")
    assert (tree / "a.py").read_text() == CLEAN


def test_silent_prints_nothing_but_keeps_the_exit_code(tree, capsys):
    (tree / "a.py").write_text(SHADOWED)
    assert run(capsys, "-s", "a.py") == (1, "", "")
    assert run(capsys, "--silent", "--exit-zero", "a.py") == (0, "", "")
    assert run(capsys, "-s", "nope.py") == (2, "", "errlint: error: nope.py: no such file or directory\n")


@pytest.mark.parametrize("fmt", ["text", "json"])
def test_output_file_gets_the_report_and_the_exit_code_stays(tree, capsys, fmt):
    (tree / "a.py").write_text(SHADOWED)
    code, out, err = run(capsys, "--output-format", fmt, "--output-file", "reports/errlint.out", "a.py")
    assert code == 1 and out == ""
    written = (tree / "reports" / "errlint.out").read_text()
    if fmt == "text":
        assert written == FINDING + SUMMARY  # as ruff: the summary goes with the report
        assert err == ""
    else:
        assert [d["code"] for d in json.loads(written)] == ["ERR004"]
    assert os.listdir(tree / "reports") == ["errlint.out"]  # no temporary file left behind


def test_output_file_replaces_an_old_report_and_is_written_when_clean(tree, capsys):
    (tree / "a.py").write_text(CLEAN)
    (tree / "report.json").write_text("old")
    assert run(capsys, "-o", "report.json", "--output-format", "json", "a.py") == (0, "", "")
    assert json.loads((tree / "report.json").read_text()) == []


def test_output_file_that_cannot_be_written_is_exit_2(tree, capsys):
    (tree / "a.py").write_text(SHADOWED)
    (tree / "blocker").write_text("a file, not a directory")
    code, out, err = run(capsys, "-q", "--output-file", "blocker/report.txt", "a.py")
    assert code == 2 and out == ""
    assert err.startswith("errlint: error: blocker/report.txt: cannot write the report: ") and err.count("\n") == 1


def test_show_files_lists_what_would_be_linted(tree, capsys):
    (tree / ".git").mkdir()
    (tree / ".gitignore").write_text("scratch.py\n")
    (tree / "pkg").mkdir()
    for name in ("pkg/m.py", "pkg/s.pyi", "scratch.py", "a.py"):
        (tree / name).write_text(SHADOWED)
    (tree / ".venv").mkdir()
    (tree / ".venv" / "v.py").write_text(SHADOWED)
    (tree / "notes.txt").write_text("")
    code, out, err = run(capsys, "--show-files", ".")
    assert (code, err) == (0, "")
    assert out.splitlines() == ["a.py", os.path.join("pkg", "m.py"), os.path.join("pkg", "s.pyi")]
    assert run(capsys, "--show-files", "--no-respect-gitignore", "scratch.py", "pkg")[1].splitlines() == [
        os.path.join("pkg", "m.py"), os.path.join("pkg", "s.pyi"), "scratch.py"
    ]


def test_show_files_with_a_missing_path_is_exit_2(tree, capsys):
    (tree / "a.py").write_text(SHADOWED)
    assert run(capsys, "--show-files", "a.py", "nope.py") == (2, "a.py\n", "errlint: error: nope.py: no such file or directory\n")


def test_show_settings_prints_the_resolved_settings(tree, capsys):
    (tree / "acme.toml").write_text('[sdk]\nname = "acme"\nmodules = ["acme"]\n[errors.AcmeError]\nparent = "builtins.Exception"\n')
    (tree / "pyproject.toml").write_text(
        '[tool.errlint]\nselect = ["ERR00"]\nignore = ["ERR003"]\nextend-exclude = ["generated"]\n'
        'extend-packs = ["acme.toml"]\ndisable-packs = ["altus4"]\nrespect-gitignore = false\n'
        'per-file-ignores = { "tests/*" = ["ERR004"] }\n'
    )
    (tree / "a.py").write_text(SHADOWED)
    code, out, err = run(capsys, "--show-settings", "--ignore", "ERR005", "-j", "3", "a.py")
    assert (code, err) == (0, "")
    settings = {}
    for line in out.splitlines()[1:]:
        if line.startswith("    "):
            settings.setdefault("pack files", []).append(line.strip())
        else:
            key, _, value = line.strip().partition("  ")
            settings[key] = value.strip()
    assert out.splitlines()[0] == "Settings for a.py:"
    assert settings["config file"] == str(tree / "pyproject.toml")
    assert settings["rules"] == "ERR001, ERR002, ERR004, ERR006, ERR007, ERR008, ERR009, ERR000"
    assert settings["select"] == "ERR00" and settings["ignore"] == "ERR003, ERR005"
    assert settings["per-file-ignores"] == "tests/* = ERR004"
    assert settings["exclude"].endswith("__pypackages__, generated")
    assert settings["respect-gitignore"] == "false" and settings["force-exclude"] == "false"
    assert settings["jobs"] == "3"
    assert settings["cache"] == os.environ["ERRLINT_CACHE_DIR"]
    assert f"acme: {tree / 'acme.toml'}" in settings["pack files"]
    assert not any(p.startswith("altus4:") for p in settings["pack files"])
    assert settings["disable-packs"] == "altus4"


def test_show_settings_one_block_per_configuration(tree, capsys):
    (tree / "one").mkdir()
    (tree / "two").mkdir()
    (tree / "two" / "pyproject.toml").write_text('[tool.errlint]\nignore = ["ERR004"]\n')
    code, out, _ = run(capsys, "--show-settings", "--no-cache", "one", "two")
    assert code == 0
    blocks = out.split("\n\n")
    assert [b.splitlines()[0] for b in blocks] == ["Settings for one:", "Settings for two:"]
    assert "config file        none (the defaults)" in blocks[0]
    assert "ignore             ERR004" in blocks[1]
    assert "cache              off (--no-cache)" in blocks[0]


def test_docs_usage_lists_every_option_and_the_configuration_every_key():
    """docs/configuration.md's usage block names every option, its `[tool.errlint]` block every
    key; the README's configuration essentials show only real keys and link to that page."""
    import re
    from pathlib import Path

    from errlint.cli import build_parser
    from errlint.workspace.config import KEYS

    root = Path(__file__).resolve().parent.parent
    page = (root / "docs" / "configuration.md").read_text(encoding="utf-8")
    usage = page[page.index("## Usage"):page.index("### Exit codes")]
    configuration = page[page.index("## `[tool.errlint]`"):page.index("### Which rules run")]
    options = [o for a in build_parser()._actions for o in a.option_strings if o.startswith("--")]
    assert [o for o in options if o not in usage and o not in ("--help", "--version")] == []
    assert [k for k in KEYS if f"\n{k} =" not in configuration and f"{k}]" not in configuration] == []
    readme = (root / "README.md").read_text(encoding="utf-8")
    essentials = readme[readme.index("## Configuration essentials"):]
    essentials = essentials[:essentials.index("\n## ", 1)]
    shown = re.findall(r"^([a-z-]+) =", essentials, flags=re.M) + re.findall(r"\[tool\.errlint\.([a-z-]+)\]", essentials)
    assert shown and [k for k in shown if k not in KEYS] == []
    assert "docs/configuration.md" in essentials
