"""Paths as ruff treats them (issue 27, point 1), through the CLI: a path named is linted even where
the excludes would skip it (``--force-exclude`` judges it too), ``--exclude`` / ``--extend-exclude``
on the command line over ``[tool.errlint]``'s, and one line when no file is found."""
from __future__ import annotations

import os

import pytest

from cli_support import SHADOWED, findings, run

NO_FILES = "errlint: warning: no Python, TypeScript or JavaScript files found under the given paths\n"


@pytest.fixture
def project(tree):
    for folder in ("src", "src/build", "dist", "gen", "vendored", "sub/gen", "sub/other"):
        (tree / folder).mkdir(parents=True, exist_ok=True)
        (tree / folder / "m.py").write_text(SHADOWED)
    return tree


def _files(out: str) -> list[str]:
    return sorted(line.split(":")[0] for line in findings(out))


def _listed(capsys, *args: str) -> list[str]:
    code, out, err = run(capsys, "--show-files", *args)
    assert code == 0, err
    return out.splitlines()


@pytest.mark.parametrize("named", ["dist", "./dist", "dist/", "ABSOLUTE"])
def test_a_directory_named_is_linted_though_excluded_by_default(project, capsys, named):
    named = str(project / "dist") if named == "ABSOLUTE" else named
    code, out, err = run(capsys, "--no-cache", named)
    assert code == 1 and err == ""  # did nothing, silently, before
    assert [os.path.normpath(p) for p in _files(out)] == [os.path.join("dist", "m.py")]


def test_what_lies_below_a_named_directory_is_still_judged(project, capsys):
    assert _listed(capsys, "src") == [os.path.join("src", "m.py")]  # src/build: a default exclude
    assert _listed(capsys, "src/build") == [os.path.join("src", "build", "m.py")]
    assert os.path.join("dist", "m.py") not in _listed(capsys, ".")
    assert _listed(capsys, "dist/m.py", "src/build/m.py") == [os.path.join("dist", "m.py"), os.path.join("src", "build", "m.py")]


def test_force_exclude_judges_the_paths_named_too(project, capsys):
    assert run(capsys, "--no-cache", "--force-exclude", "dist") == (0, "All checks passed!\n", NO_FILES)
    assert run(capsys, "--no-cache", "--force-exclude", "dist/m.py") == (0, "All checks passed!\n", NO_FILES)
    assert run(capsys, "--no-cache", "--force-exclude", "-q", "dist/m.py") == (0, "", "")  # as ruff: -q says nothing
    code, out, _ = run(capsys, "--no-cache", "--force-exclude", "dist/m.py", "src/m.py")
    assert code == 1 and _files(out) == [os.path.join("src", "m.py")]
    (project / "pyproject.toml").write_text('[tool.errlint]\nextend-exclude = ["vendored"]\n')
    assert run(capsys, "--no-cache", "--force-exclude", "vendored/m.py") == (0, "All checks passed!\n", NO_FILES)
    assert run(capsys, "--no-cache", "vendored/m.py")[0] == 1


def test_no_file_found_is_one_line_and_a_clean_exit(project, capsys):
    (project / "docs").mkdir()
    (project / "docs" / "notes.txt").write_text("no code here\n")
    assert run(capsys, "--no-cache", "docs") == (0, "All checks passed!\n", NO_FILES)  # ruff: exit 0 too
    assert run(capsys, "--show-files", "docs") == (0, "", NO_FILES)
    assert run(capsys, "--no-cache", "-s", "docs") == (0, "", "")
    # a path that does not exist is the error it was, not "no files"
    assert run(capsys, "--no-cache", "nope") == (2, "", "errlint: error: nope: no such file or directory\n")


def test_command_line_excludes_over_the_configured_ones(project, capsys):
    """As ruff layers them: --exclude replaces the configured exclude (and the defaults),
    extend-exclude adds up from the configuration and the command line."""
    (project / "pyproject.toml").write_text('[tool.errlint]\nextend-exclude = ["gen"]\n')
    everything = sorted(os.path.join(d, "m.py") for d in ("src", "vendored", os.path.join("sub", "other")))
    assert _listed(capsys, ".") == everything  # defaults (dist, build) and gen (sub/gen too: a name)
    # --exclude replaces the defaults (dist and build are linted), the configured extend-exclude stays (gen)
    assert _listed(capsys, "--exclude", "vendored", ".") == sorted(
        [os.path.join("dist", "m.py"), os.path.join("src", "build", "m.py"), os.path.join("src", "m.py"), os.path.join("sub", "other", "m.py")]
    )
    assert _listed(capsys, "--extend-exclude", "vendored,src", ".") == [os.path.join("sub", "other", "m.py")]
    assert _listed(capsys, "--extend-exclude", "vendored", "--extend-exclude", "src", ".") == [os.path.join("sub", "other", "m.py")]
    (project / "pyproject.toml").write_text('[tool.errlint]\nexclude = ["gen"]\n')  # replaces the defaults
    assert os.path.join("dist", "m.py") in _listed(capsys, ".")
    assert _listed(capsys, "--extend-exclude", "dist,src,vendored", ".") == [os.path.join("sub", "other", "m.py")]
    code, out, _ = run(capsys, "--show-settings", "--extend-exclude", "vendored,sub/other", ".")
    assert code == 0 and f"  exclude            gen, vendored, {project.resolve() / 'sub' / 'other'}\n" in out


def test_a_command_line_path_pattern_is_relative_to_the_current_directory(project, capsys, monkeypatch):
    """As in ruff, also where a file's own configuration is another (sub/pyproject.toml)."""
    (project / "sub" / "pyproject.toml").write_text('[tool.errlint]\nextend-exclude = ["nothing"]\n')
    assert _listed(capsys, "--extend-exclude", "sub/gen", "sub") == [os.path.join("sub", "other", "m.py")]
    monkeypatch.chdir(project / "sub")
    assert _listed(capsys, "--extend-exclude", "sub/gen", ".") == [os.path.join("gen", "m.py"), os.path.join("other", "m.py")]
    assert _listed(capsys, "--extend-exclude", "gen", ".") == [os.path.join("other", "m.py")]
    assert _listed(capsys, "--extend-exclude", "./gen", ".") == [os.path.join("other", "m.py")]


def test_a_configured_path_pattern_is_relative_to_its_file(project, capsys):
    (project / "pyproject.toml").write_text('[tool.errlint]\nextend-exclude = ["sub/gen", "./vendored"]\n')
    listed = _listed(capsys, ".")
    assert os.path.join("sub", "gen", "m.py") not in listed and os.path.join("vendored", "m.py") not in listed
    assert os.path.join("sub", "other", "m.py") in listed
    assert _listed(capsys, "sub/gen") == [os.path.join("sub", "gen", "m.py")]  # named: linted
    assert _listed(capsys, "--force-exclude", "sub/gen/m.py", "sub/other") == [os.path.join("sub", "other", "m.py")]
