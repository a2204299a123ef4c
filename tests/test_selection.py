"""Rule selection as ruff resolves it, and the CLI details around it (issue 14, points 4 and 7)."""
from __future__ import annotations

import json
import os
import textwrap

import pytest

from cli_support import SHADOWED, run
from errlint.checks import ALL_CHECKS
from errlint.workspace.selection import Selection, known_codes, resolve

CODES = known_codes(ALL_CHECKS)
ALL_RULES = {c.code for c in ALL_CHECKS}


def enabled(*layers: Selection) -> set[str]:
    return resolve(CODES, layers) & ALL_RULES


@pytest.mark.parametrize(
    "layers, expected",
    [
        # within one layer the more specific selector wins, whichever list it is in
        ([Selection(None, ("ERR001",), ("ERR",))], {"ERR001"}),
        ([Selection(("ERR",), (), ("ERR001",))], ALL_RULES - {"ERR001"}),
        ([Selection(("ERR001",), (), ("ERR",))], {"ERR001"}),
        ([Selection(("ERR00",), (), ("ERR0",))], ALL_RULES - {"ERR010"}),
        # equal specificity: ignore wins
        ([Selection(("ERR004",), (), ("ERR004",))], set()),
        ([Selection(None, ("ERR004",), ("ERR004",))], ALL_RULES - {"ERR004"}),
        # ALL is the least specific selector
        ([Selection(("ALL",), (), ("ERR",))], set()),
        ([Selection(("ERR",), (), ("ALL",))], ALL_RULES),
        # a later layer's select starts over; one without select adjusts
        ([Selection(("ERR002",), (), ("ERR001",)), Selection(("ERR001",), (), ())], {"ERR001"}),
        ([Selection(("ERR002",), (), ()), Selection(None, ("ERR001",), ())], {"ERR001", "ERR002"}),
        ([Selection(None, (), ("ERR001",)), Selection(None, (), ("ERR002",))], ALL_RULES - {"ERR001", "ERR002"}),
        ([Selection(None, (), ("ERR",)), Selection(None, ("ERR004",), ())], {"ERR004"}),
        # an empty select with only ignore carries the ignore to the next layer
        ([Selection((), (), ("ERR004",)), Selection(("ERR",), (), ())], ALL_RULES - {"ERR004"}),
    ],
)
def test_resolution_matches_ruff(layers, expected):
    assert enabled(*layers) == expected - {"ERR010"}


@pytest.fixture
def project(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    # ERR004 on line 5; ERR001..ERR003 never fire here, so "ERR004 enabled?" is the question
    (tmp_path / "a.py").write_text(SHADOWED)
    return tmp_path


def test_cli_ignore_prefix_extend_select_code(project, capsys):
    code, out, _ = run(capsys, "--no-cache", "--ignore", "ERR", "--extend-select", "ERR004", "a.py")
    assert code == 1 and out.startswith("a.py:5:1: ERR004")
    assert run(capsys, "--no-cache", "--ignore", "ERR", "--extend-select", "ERR001", "a.py")[0] == 0


def test_config_ignore_prefix_extend_select_code(project, capsys):
    (project / "pyproject.toml").write_text('[tool.errlint]\nignore = ["ERR"]\nextend-select = ["ERR004"]\n')
    code, out, _ = run(capsys, "--no-cache", "a.py")
    assert code == 1 and out.startswith("a.py:5:1: ERR004")


def test_cli_extend_select_over_config_ignore(project, capsys):
    (project / "pyproject.toml").write_text('[tool.errlint]\nignore = ["ERR"]\n')
    assert run(capsys, "--no-cache", "a.py")[0] == 0
    assert run(capsys, "--no-cache", "--extend-select", "ERR004", "a.py")[0] == 1


def test_cli_select_replaces_config_select_and_ignore(project, capsys):
    (project / "pyproject.toml").write_text('[tool.errlint]\nselect = ["ERR001"]\nignore = ["ERR004"]\n')
    assert run(capsys, "--no-cache", "a.py")[0] == 0
    assert run(capsys, "--no-cache", "--select", "ERR004", "a.py")[0] == 1


@pytest.mark.parametrize(
    "body, key",
    [
        ('select = ["ERR8"]\n', "select"),
        ('extend-select = ["ERR8"]\n', "extend-select"),
        ('ignore = ["ERR8"]\n', "ignore"),
        ('[tool.errlint.per-file-ignores]\n"tests/*" = ["ERR003", "EER004"]\n', 'per-file-ignores."tests/*"'),
    ],
)
def test_unknown_code_names_file_and_key(project, capsys, body, key):
    (project / "pyproject.toml").write_text("[tool.errlint]\n" + body)
    code, out, err = run(capsys, "a.py")
    assert code == 2 and out == "" and err.count("\n") == 1, err
    assert f"pyproject.toml: [tool.errlint] {key}: unknown rule selector" in err


@pytest.mark.parametrize("option", ["--select", "--extend-select", "--ignore"])
def test_unknown_code_on_the_command_line_names_the_option(project, capsys, option):
    code, out, err = run(capsys, option, "ERR8", "a.py")
    assert code == 2 and out == "" and f"errlint: error: {option}: unknown rule selector 'ERR8'" in err


@pytest.mark.parametrize("jobs", ["0", "-3", "two"])
def test_jobs_must_be_at_least_one(project, capsys, jobs):
    with pytest.raises(SystemExit) as exit_:
        run(capsys, "-j", jobs, "a.py")
    _, err = capsys.readouterr()
    assert exit_.value.code == 2 and "argument --jobs/-j:" in err


def test_unsafe_fixes_without_fix_warns(project, capsys):
    code, out, err = run(capsys, "--no-cache", "--unsafe-fixes", "--output-format", "json", "a.py")
    assert code == 1 and '"code": "ERR004"' in out
    assert "errlint: warning: --unsafe-fixes changes nothing in json output without --fix or --diff" in err
    assert (project / "a.py").read_text() == SHADOWED  # it did not imply --fix
    code, out, err = run(capsys, "--no-cache", "--unsafe-fixes", "a.py")  # text: unsafe fixes marked [*], as ruff
    assert code == 1 and "a.py:5:1: ERR004 [*]" in out and "warning" not in err
    assert (project / "a.py").read_text() == SHADOWED
    _, _, err = run(capsys, "--no-cache", "--unsafe-fixes", "--diff", "a.py")
    assert "warning" not in err


def test_statistics_as_json(project, capsys):
    (project / "b.py").write_text(SHADOWED + SHADOWED)
    code, out, _ = run(capsys, "--no-cache", "--statistics", "--output-format", "json", ".")
    assert code == 1
    assert json.loads(out) == [{"code": "ERR004", "name": "shadowed-except", "count": 3, "fixable": True}]
    assert json.loads(run(capsys, "--no-cache", "--statistics", "--output-format", "json", "--select", "ERR001", ".")[1]) == []


def test_a_directory_named_rules_is_linted_as_a_path(project, capsys):
    (project / "rules").mkdir()
    (project / "rules" / "r.py").write_text(SHADOWED)
    for spelling in ("rules/", "./rules"):
        code, out, _ = run(capsys, "--no-cache", spelling)
        assert code == 1 and "ERR004" in out, spelling
    code, out, _ = run(capsys, "check", "--no-cache", "rules")
    assert code == 1 and out.startswith(os.path.join("rules", "r.py") + ":5:1: ERR004")
    code, out, err = run(capsys, "rules")
    assert code == 0 and out.startswith("code")
    assert "errlint: hint: 'rules' is read as the sub-command; to lint the path 'rules' run `errlint check rules`" in err


def test_rules_lists_the_projects_packs(project, capsys):
    (project / "acme.toml").write_text(
        textwrap.dedent(
            """
            [sdk]
            name = "acme"
            modules = ["acme"]

            [errors.AcmeError]
            retry = "never"
            """
        )
    )
    code, out, _ = run(capsys, "rules")
    assert code == 0 and "altus4" in out and "acme" not in out
    (project / "pyproject.toml").write_text('[tool.errlint]\nextend-packs = ["acme.toml"]\ndisable-packs = ["altus4"]\n')
    code, out, err = run(capsys, "rules")
    err002 = next(line for line in out.splitlines() if line.startswith("ERR002"))
    assert code == 0 and err == "" and "acme" in err002 and "altus4" not in out
