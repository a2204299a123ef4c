"""One verdict from every front end: a file reports the same findings however it is linted.

The project in ``fixtures/ERR004_project_modules`` imports its classes through
re-export chains, a ``src/`` layout, a namespace package on a second ``src``
root, star re-exports of star re-exports, SDK classes re-exported by a project
module and a project subclass of an SDK class. It is linted (a) as a tree, (b)
file by file, (c) through real flake8, (d) through ``pre-commit run``
with only one file changed, (e) through standard input with
``--stdin-filename``; every front end must give the findings the fixture's
inline ``# expect:`` comments list.
"""
from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from cli_support import commit_all, git, run_hook

ROOT = Path(__file__).resolve().parent.parent
PROJECT = ROOT / "tests" / "fixtures" / "ERR004_project_modules"
EXPECT = re.compile(r"#\s*expect:\s*(ERR\d{3})")
FINDING = re.compile(r"^(?:\./)?(?P<path>[^:\s]+\.py):(?P<line>\d+):\d+: (?P<code>ERR\d{3}) ")


def _files() -> list[str]:
    return sorted(p.relative_to(PROJECT).as_posix() for p in PROJECT.rglob("*.py"))


def _expected() -> set[tuple[str, int, str]]:
    out = set()
    for rel in _files():
        for lineno, line in enumerate((PROJECT / rel).read_text().splitlines(), 1):
            match = EXPECT.search(line)
            if match:
                out.add((rel, lineno, match.group(1)))
    return out


def _findings(text: str) -> set[tuple[str, int, str]]:
    out = set()
    for line in text.splitlines():
        match = FINDING.match(line.strip())
        if match:
            out.add((match.group("path"), int(match.group("line")), match.group("code")))
    return out


def _errlint(*args: str, cwd: Path = PROJECT, stdin: bytes | None = None) -> str:
    proc = subprocess.run(
        [sys.executable, "-m", "errlint.cli", "--no-cache", *args], cwd=cwd, input=stdin, capture_output=True,
    )
    assert proc.returncode in (0, 1), proc.stderr.decode()
    return proc.stdout.decode()


def _pre_commit(project: Path, hooks: Path, hook: str) -> subprocess.CompletedProcess:
    return run_hook(project, hooks, hook)  # the files staged, as a commit hands them


def test_every_front_end_gives_the_same_findings(tmp_path, request):
    expected = _expected()
    assert len(expected) >= 8 and {f for f, _, _ in expected} >= {
        "src/app/sync.py", "src/app/service.py", "plugins/nsplug/hooks.py",
    }

    # (a) the tree
    tree = _findings(_errlint("."))
    assert tree == expected

    # (b) file by file
    alone = set()
    for rel in _files():
        alone |= _findings(_errlint(rel))
    assert alone == expected

    # (c) real flake8 (one file at a time, as always)
    proc = subprocess.run(
        [sys.executable, "-m", "flake8", "--isolated", "--select=ERR", "."], cwd=PROJECT, capture_output=True, text=True,
    )
    assert proc.returncode in (0, 1), proc.stderr
    assert _findings(proc.stdout) == expected

    # (e) standard input, named by --stdin-filename
    piped = set()
    for rel in _files():
        piped |= _findings(_errlint("-", "--stdin-filename", rel, stdin=(PROJECT / rel).read_bytes()))
    assert piped == expected

    # (d) pre-commit with only one file changed: a committed copy of the project, service.py edited
    if shutil.which("git") is None:  # pragma: no cover
        pytest.skip("git is needed for the pre-commit part")
    pytest.importorskip("pre_commit")
    project = tmp_path / "project"
    shutil.copytree(PROJECT, project)
    git(project, "init", "-q")
    commit_all(project, "project")
    hooks = request.getfixturevalue("hook_repo")  # shared with test_pre_commit.py (tests/conftest.py)
    for changed in ("src/app/service.py", "plugins/nsplug/hooks.py"):
        target = project / changed
        original = target.read_bytes()
        target.write_bytes(original + b"# edited\n")
        git(project, "add", changed)
        proc = _pre_commit(project, hooks, "errlint")
        assert proc.returncode == 1, proc.stdout + proc.stderr
        assert _findings(proc.stdout) == {f for f in expected if f[0] == changed}, proc.stdout
        # the fix hook sees the same findings; each is a handler move, an unsafe fix, so the
        # hook (no --unsafe-fixes) leaves the file as it is
        fixing = _pre_commit(project, hooks, "errlint-fix")
        assert fixing.returncode == 1, fixing.stdout + fixing.stderr
        assert _findings(fixing.stdout) == {f for f in expected if f[0] == changed}, fixing.stdout
        assert target.read_bytes() == original + b"# edited\n"
        target.write_bytes(original)
        git(project, "add", changed)


def test_the_readme_example_file_alone():
    examples = ROOT / "examples"
    whole = {f for f in _findings(_errlint(str(examples), cwd=ROOT)) if f[0].endswith("app/settings.py")}
    alone = _findings(_errlint(str(examples / "app" / "settings.py"), cwd=ROOT))
    assert whole and alone == whole


def test_fix_gives_the_same_result_for_the_tree_and_for_each_file(tmp_path):
    whole, alone = tmp_path / "whole", tmp_path / "alone"
    shutil.copytree(PROJECT, whole)
    shutil.copytree(PROJECT, alone)
    _errlint("--fix", "--unsafe-fixes", ".", cwd=whole)  # every finding here is a handler move: unsafe
    for rel in _files():
        _errlint("--fix", "--unsafe-fixes", rel, cwd=alone)
    changed = [rel for rel in _files() if (whole / rel).read_bytes() != (PROJECT / rel).read_bytes()]
    assert set(changed) == {f for f, _, _ in _expected()}  # every file with a finding was fixed
    assert all((whole / rel).read_bytes() == (alone / rel).read_bytes() for rel in _files())
    assert _findings(_errlint(".", cwd=alone)) == set()
