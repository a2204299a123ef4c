"""Gitignore matching (errlint.gitignore) against git itself, and the CLI honouring it."""
from __future__ import annotations

import os
import shutil
import subprocess

import pytest

from cli_support import SHADOWED, findings, run
from errlint.workspace.gitignore import GitIgnore

needs_git = pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")

ROOT_GITIGNORE = r"""
# a comment, then a blank line

*.log
!keep.log
/anchored.py
build/
docs/*.py
**/deep/*.py
lib/**/gen.py
out/**
\#hash.py
\!bang.py
trailing.py   
space\ .py\ 
[abc]_range.py
[!x]y_neg.py
q?.py
[[:digit:]]_posix.py
[[:punct:]x]_punct.py
[z-a]_bad_range.py
vendor
!vendor/
a/**
"""

SUB_GITIGNORE = """
!*.log
local.py
/only_here.py
"""

PATHS = [
    "x.log", "keep.log", "sub/x.log", "sub/keep.log",
    "anchored.py", "sub/anchored.py",
    "build/x.py", "sub/build/x.py", "build.py",
    "docs/a.py", "docs/sub/a.py", "sub/docs/a.py",
    "deep/a.py", "x/y/deep/a.py", "deep/z/a.py",
    "lib/gen.py", "lib/x/y/gen.py", "libx/gen.py",
    "out/a.py", "out/x/b.py", "out.py",
    "#hash.py", "!bang.py", "bang.py",
    "trailing.py", "space .py ", "space .py",
    "a_range.py", "d_range.py", "ay_neg.py", "xy_neg.py",
    "q1.py", "q12.py",
    "7_posix.py", "a_posix.py", "-_punct.py", "x_punct.py", "y_punct.py", "z_bad_range.py", "a_bad_range.py",
    "vendor/v.py", "other/vendor",
    "a/b.py", "a/c/d.py",
    "sub/local.py", "sub/deeper/local.py", "local.py",
    "sub/only_here.py", "sub/deeper/only_here.py",
    "plain.py",
]


def _make(repo):
    (repo / ".gitignore").write_text(ROOT_GITIGNORE)
    (repo / "sub").mkdir()
    (repo / "sub" / ".gitignore").write_text(SUB_GITIGNORE)
    (repo / ".git" / "info").mkdir(parents=True, exist_ok=True)
    (repo / ".git" / "info" / "exclude").write_text("excluded_locally.py\n")
    for rel in [*PATHS, "excluded_locally.py"]:
        path = repo / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("")


def _walk_verdict(gitignore: GitIgnore, repo, rel: str) -> bool:
    """Ignored as a walk sees it: the path or one of its directories is ignored."""
    parts = rel.split("/")
    for k in range(1, len(parts) + 1):
        path = os.path.join(repo, *parts[:k])
        if gitignore.ignored(path, os.path.isdir(path)):
            return True
    return False


@needs_git
def test_same_verdicts_as_git(tmp_path):
    repo = tmp_path / "repo"
    repo.mkdir()
    subprocess.run(["git", "init", "-q", str(repo)], check=True)
    _make(repo)
    paths = [*PATHS, "excluded_locally.py"]
    proc = subprocess.run(
        ["git", "check-ignore", "--stdin", "-z"], cwd=repo, input="\0".join(paths) + "\0", capture_output=True, text=True
    )
    assert proc.returncode in (0, 1), proc.stderr
    by_git = {p for p in proc.stdout.split("\0") if p}
    gitignore = GitIgnore()
    ours = {rel for rel in paths if _walk_verdict(gitignore, repo, rel)}
    assert ours == by_git
    assert {"x.log", "anchored.py", "build/x.py", "excluded_locally.py", "sub/only_here.py"} <= ours  # the oracle said something
    assert {"keep.log", "sub/x.log", "plain.py", "sub/deeper/only_here.py", "vendor/v.py"}.isdisjoint(ours)


def test_outside_a_repository_gitignore_is_not_read(tmp_path):
    (tmp_path / ".gitignore").write_text("*.py\n")
    (tmp_path / "a.py").write_text("")
    assert not GitIgnore().ignored(str(tmp_path / "a.py"), False)


def test_a_nested_repository_starts_afresh(tmp_path):
    (tmp_path / ".git").mkdir()
    (tmp_path / ".gitignore").write_text("gen.py\n")
    (tmp_path / "module" / ".git").mkdir(parents=True)  # a submodule
    assert GitIgnore().ignored(str(tmp_path / "gen.py"), False)
    assert not GitIgnore().ignored(str(tmp_path / "module" / "gen.py"), False)


def test_a_worktree_reads_the_main_repository_s_info_exclude(tmp_path):
    main = tmp_path / "main"
    (main / ".git" / "info").mkdir(parents=True)
    (main / ".git" / "info" / "exclude").write_text("local.py\n")
    (main / ".git" / "worktrees" / "wt").mkdir(parents=True)
    (main / ".git" / "worktrees" / "wt" / "commondir").write_text("../..\n")
    wt = tmp_path / "wt"
    wt.mkdir()
    (wt / ".git").write_text(f"gitdir: {main / '.git' / 'worktrees' / 'wt'}\n")
    assert GitIgnore().ignored(str(wt / "local.py"), False)
    assert not GitIgnore().ignored(str(wt / "other.py"), False)


# -- through the command line -------------------------------------------------------------


def _repo(tree):
    (tree / ".git").mkdir()
    (tree / ".gitignore").write_text("generated/\nscratch.py\n")
    (tree / "generated").mkdir()
    (tree / "generated" / "g.py").write_text(SHADOWED)
    (tree / "scratch.py").write_text(SHADOWED)
    (tree / "app.py").write_text(SHADOWED)


def _files(out: str) -> list[str]:
    return sorted({line.split(":")[0] for line in findings(out)})


def test_walk_skips_gitignored_paths(tree, capsys):
    _repo(tree)
    code, out, _ = run(capsys, ".")
    assert code == 1
    assert _files(out) == ["app.py"]


def test_no_respect_gitignore_lints_them(tree, capsys):
    _repo(tree)
    code, out, _ = run(capsys, "--no-respect-gitignore", ".")
    assert _files(out) == ["app.py", os.path.join("generated", "g.py"), "scratch.py"]


def test_configuration_turns_it_off_and_the_flag_back_on(tree, capsys):
    _repo(tree)
    (tree / "pyproject.toml").write_text("[tool.errlint]\nrespect-gitignore = false\n")
    assert len(_files(run(capsys, ".")[1])) == 3
    assert _files(run(capsys, "--respect-gitignore", ".")[1]) == ["app.py"]


def test_a_named_gitignored_path_is_linted_even_with_force_exclude(tree, capsys):
    """As in ruff: gitignore prunes a walk; a path named on the command line is not judged."""
    _repo(tree)
    for args in (("scratch.py",), ("--force-exclude", "scratch.py"), ("generated",)):
        code, out, _ = run(capsys, *args)
        assert code == 1 and len(_files(out)) == 1, args


def test_parent_gitignore_applies_to_a_named_directory(tree, capsys):
    _repo(tree)
    (tree / "pkg" / "scratch.py").parent.mkdir()
    (tree / "pkg" / "scratch.py").write_text(SHADOWED)
    (tree / "pkg" / "m.py").write_text(SHADOWED)
    code, out, _ = run(capsys, "pkg")
    assert _files(out) == [os.path.join("pkg", "m.py")]


def test_respect_gitignore_must_be_a_boolean(tree, capsys):
    (tree / "pyproject.toml").write_text('[tool.errlint]\nrespect-gitignore = "yes"\n')
    (tree / "a.py").write_text(SHADOWED)
    code, _, err = run(capsys, "a.py")
    assert code == 2
    assert err.startswith("errlint: error: ") and err.count("\n") == 1
    assert err.endswith("pyproject.toml: [tool.errlint] respect-gitignore: expected true or false, got 'yes'\n")


@pytest.mark.parametrize("line", ["[", "\\", "!", "/", "**", "**/", "a/**/", "[[:bogus:]]x", "[]", "[!]", "a\\", "[\\]", "\udcff*"])
def test_odd_lines_never_crash(line, tmp_path):
    from errlint.workspace.gitignore import IgnoreFile

    IgnoreFile(str(tmp_path), line).match("a/b.py", False)
