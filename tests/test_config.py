"""[tool.errlint] in pyproject.toml: discovery, every key, and errors that name the file and key."""
from __future__ import annotations

import textwrap

import pytest

from cli_support import ACME_CODE, ACME_PACK, SHADOWED, findings, run
from errlint.workspace.config import ConfigError, find_config, load_config



@pytest.fixture
def project(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "src").mkdir()
    (tmp_path / "src" / "app.py").write_text(SHADOWED)
    (tmp_path / "tests").mkdir()
    (tmp_path / "tests" / "test_app.py").write_text(SHADOWED)
    return tmp_path


def write_config(root, body: str) -> None:
    (root / "pyproject.toml").write_text("[project]\nname = 'x'\n\n[tool.errlint]\n" + textwrap.dedent(body))



def test_found_by_walking_up_from_the_path(project):
    write_config(project, 'ignore = ["ERR004"]\n')
    config = find_config(project / "src" / "app.py")
    assert config.path == str(project / "pyproject.toml") and config.ignore == ("ERR004",)


def test_pyproject_without_the_table_is_skipped(project, tmp_path):
    (project / "src" / "pyproject.toml").write_text("[project]\nname = 'inner'\n")
    write_config(project, 'ignore = ["ERR004"]\n')
    assert find_config(project / "src" / "app.py").ignore == ("ERR004",)


def test_ignore_and_select(project, capsys):
    write_config(project, 'ignore = ["ERR004"]\n')
    assert run(capsys, "src")[0] == 0
    write_config(project, 'select = ["ERR001"]\n')
    assert run(capsys, "src")[0] == 0
    write_config(project, 'select = ["ERR001"]\nextend-select = ["ERR004"]\n')
    assert run(capsys, "src")[0] == 1


def test_command_line_select_replaces_the_configured_one(project, capsys):
    write_config(project, 'select = ["ERR001"]\n')
    assert run(capsys, "--select", "ERR004", "src")[0] == 1


def test_per_file_ignores(project, capsys):
    write_config(project, '[tool.errlint.per-file-ignores]\n"tests/*" = ["ERR004"]\n')
    code, out, _ = run(capsys, ".")
    assert code == 1
    assert [l.split(":")[0] for l in findings(out)] == ["src/app.py"]


def test_extend_exclude_and_exclude(project, capsys):
    write_config(project, 'extend-exclude = ["tests"]\n')
    code, out, _ = run(capsys, ".")
    assert [l.split(":")[0] for l in findings(out)] == ["src/app.py"]
    write_config(project, 'exclude = ["src", "tests"]\n')
    assert run(capsys, ".")[0] == 0


def test_force_exclude_applies_to_named_files(project, capsys):
    write_config(project, 'extend-exclude = ["tests"]\n')
    assert run(capsys, "tests/test_app.py")[0] == 1  # named explicitly: linted
    assert run(capsys, "--force-exclude", "tests/test_app.py")[0] == 0


def test_extend_packs_relative_to_the_config(project, capsys):
    (project / "packs").mkdir()
    (project / "packs" / "acme.toml").write_text(ACME_PACK)
    (project / "src" / "acme_use.py").write_text(ACME_CODE)
    write_config(project, 'extend-packs = ["packs/acme.toml"]\n')
    code, out, _ = run(capsys, "src/acme_use.py")
    assert code == 1
    assert "except acme.AcmeAuthError is unreachable: acme.AcmeError on line 4 catches it first" in out


def test_disable_packs(project, capsys):
    (project / "src" / "shark.py").write_text(
        "from shark_auth import SharkAuthError, VaultError\ntry:\n    pass\nexcept SharkAuthError:\n    pass\nexcept VaultError:\n    pass\n"
    )
    assert run(capsys, "src/shark.py")[0] == 1
    write_config(project, 'disable-packs = ["shark_auth"]\n')
    assert run(capsys, "src/shark.py")[0] == 0


def test_config_flag_overrides_the_search(project, capsys):
    write_config(project, 'ignore = ["ERR004"]\n')
    other = project / "strict.toml"
    other.write_text('select = ["ERR"]\n')
    assert run(capsys, "src")[0] == 0
    assert run(capsys, "--config", str(other), "src")[0] == 1


@pytest.mark.parametrize(
    "body, message",
    [
        ('selct = ["ERR004"]\n', "[tool.errlint] selct: unknown key"),
        ('extend_select = ["ERR004"]\n', "did you mean 'extend-select'?"),
        ("ignore = 4\n", "[tool.errlint] ignore: expected a list of strings, got 4"),
        ('unsafe-fixes = "yes"\n', "[tool.errlint] unsafe-fixes: expected true or false"),
        ('per-file-ignores = ["x"]\n', "[tool.errlint] per-file-ignores: expected a table"),
        ('disable-packs = ["nope"]\n', "[tool.errlint] disable-packs: unknown pack 'nope'"),
        ('extend-packs = ["missing.toml"]\n', "missing.toml: cannot read"),
        ('select = ["ERR8"]\n', "unknown rule selector 'ERR8'"),
    ],
)
def test_bad_config_is_one_line_naming_file_and_key(project, capsys, body, message):
    write_config(project, body)
    code, out, err = run(capsys, "src")
    assert code == 2 and out == ""
    assert message in err and err.count("\n") == 1, err
    if "selector" not in message:
        assert "pyproject.toml" in err or "missing.toml" in err


def test_invalid_toml(project, capsys):
    (project / "pyproject.toml").write_text("[tool.errlint\n")
    code, _, err = run(capsys, "src")
    assert code == 2 and "pyproject.toml: invalid TOML" in err


def test_load_config_requires_the_table(project):
    (project / "pyproject.toml").write_text("[project]\nname = 'x'\n")
    with pytest.raises(ConfigError, match="no \\[tool.errlint\\] table"):
        load_config(project / "pyproject.toml")


def test_in_house_pack_example(monkeypatch, capsys, tmp_path):
    """examples/inhouse: a team's own pack loaded by its pyproject.toml, with per-file-ignores."""
    from pathlib import Path

    root = Path(__file__).resolve().parent.parent
    monkeypatch.chdir(root)
    code, out, _ = run(capsys, "examples/inhouse")
    assert code == 1
    found = [(line.split(":")[0], line.split(": ")[1].split()[0]) for line in findings(out)]
    assert found == [
        ("examples/inhouse/checkout.py", "ERR002"),
        ("examples/inhouse/checkout.py", "ERR003"),
        ("examples/inhouse/checkout.py", "ERR001"),
    ]
    assert "acme_payments documents as never retryable" in out
    assert "legacy_refunds" not in out  # per-file-ignores
    # without the configuration the in-house SDK is unknown, and nothing is found
    plain = tmp_path / "plain.toml"
    plain.write_text('select = ["ERR"]\n')
    assert run(capsys, "--config", str(plain), "examples/inhouse") == (0, "All checks passed!\n", "")
