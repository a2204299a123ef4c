"""The pre-commit hooks, through real pre-commit on a temporary git repository whose
configuration pins the hook repository's commit, as users run them.

pre-commit builds a virtualenv and installs errlint into it once per test run
(one store for every test: tests/cli_support.py's run_hook); it is the only proof
that the hooks work as users run them.
"""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from cli_support import git, run_hook  # the hook repository: tests/conftest.py's hook_repo

ROOT = Path(__file__).resolve().parent.parent
SHADOWED = "try:\n    pass\nexcept Exception:\n    pass\nexcept ValueError:\n    pass\n"
REDUNDANT = "try:\n    pass\nexcept (OSError, IOError, ValueError):\n    pass\n"
REDUNDANT_FIXED = "try:\n    pass\nexcept (OSError, ValueError):\n    pass\n"

pytest.importorskip("pre_commit", reason="pre-commit is in the test extra")
if shutil.which("git") is None:  # pragma: no cover
    pytest.skip("git is needed", allow_module_level=True)


@pytest.fixture
def project(tmp_path) -> Path:
    git(tmp_path, "init", "-q")
    (tmp_path / "app.py").write_text(SHADOWED)
    (tmp_path / "io_errors.py").write_text(REDUNDANT)
    (tmp_path / "vendored").mkdir()
    (tmp_path / "vendored" / "lib.py").write_text(SHADOWED)
    (tmp_path / "pyproject.toml").write_text('[tool.errlint]\nextend-exclude = ["vendored"]\n')
    git(tmp_path, "add", "-A")
    return tmp_path


def _try_repo(project: Path, hook_repo: Path, hook: str) -> subprocess.CompletedProcess:
    return run_hook(project, hook_repo, hook, "--all-files")


def test_errlint_hook_fails_with_the_finding(project, hook_repo):
    proc = _try_repo(project, hook_repo, "errlint")
    assert proc.returncode == 1, proc.stdout + proc.stderr
    assert "app.py:5:1: ERR004 except ValueError is unreachable: Exception on line 3 catches it first" in proc.stdout
    assert "vendored/lib.py" not in proc.stdout  # --force-exclude applies the configured excludes
    assert (project / "app.py").read_text() == SHADOWED


def test_errlint_fix_hook_applies_safe_fixes_only(project, hook_repo):
    """The hook runs ``errlint --fix`` without ``--unsafe-fixes``: it drops a redundant tuple
    entry (behaviour kept) but does not move a shadowed handler (dead code would start to run)."""
    proc = _try_repo(project, hook_repo, "errlint-fix")
    assert proc.returncode == 1, proc.stdout + proc.stderr
    assert (project / "io_errors.py").read_text() == REDUNDANT_FIXED
    assert (project / "app.py").read_text() == SHADOWED
    assert "app.py:5:1: ERR004 except ValueError is unreachable" in proc.stdout  # reported, left to a person
    assert (project / "vendored" / "lib.py").read_text() == SHADOWED
    git(project, "add", "-A")
    again = _try_repo(project, hook_repo, "errlint-fix")
    assert again.returncode == 1, again.stdout + again.stderr  # the unsafe finding remains
    assert (project / "io_errors.py").read_text() == REDUNDANT_FIXED
    assert (project / "app.py").read_text() == SHADOWED


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX permissions")
def test_errlint_fix_hook_leaves_a_read_only_file_alone(project, hook_repo):
    """--fix writes only over what it read, into a file that may be written (issue 28): a read-only
    file is reported and left as it is; the other files are fixed."""
    (project / "locked.py").write_text(REDUNDANT)
    os.chmod(project / "locked.py", 0o444)
    git(project, "add", "-A")
    proc = _try_repo(project, hook_repo, "errlint-fix")
    assert proc.returncode != 0, proc.stdout + proc.stderr
    assert "locked.py: read-only; not fixed" in proc.stdout + proc.stderr
    assert (project / "locked.py").read_text() == REDUNDANT
    assert (project / "io_errors.py").read_text() == REDUNDANT_FIXED


def test_config_pinned_to_a_commit_as_the_readme_shows(project, hook_repo):
    """README: no release is tagged yet, so `.pre-commit-config.yaml` pins `rev:` to a commit SHA.
    The README's block itself is run, with the local hook repository and its HEAD put in."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    block = readme.split("```yaml\n# .pre-commit-config.yaml\n", 1)[1].split("```", 1)[0]
    assert "    rev: <commit-sha>  " in block and "      - id: errlint " in block
    sha = subprocess.run(["git", "rev-parse", "HEAD"], cwd=hook_repo, capture_output=True, text=True, check=True).stdout.strip()
    config = block.replace("https://github.com/errlint/errlint", str(hook_repo)).replace("<commit-sha>", sha)
    (project / ".pre-commit-config.yaml").write_text(config)
    git(project, "add", "-A")
    env = dict(os.environ, PRE_COMMIT_HOME=str(hook_repo.parent / "pre-commit-home"))
    proc = subprocess.run(
        [sys.executable, "-m", "pre_commit", "run", "--all-files", "--color=never"],
        cwd=project, capture_output=True, text=True, env=env, timeout=900,
    )
    assert proc.returncode == 1, proc.stdout + proc.stderr
    assert "app.py:5:1: ERR004 except ValueError is unreachable" in proc.stdout


def test_hook_passes_when_every_file_it_is_handed_is_excluded(tmp_path, hook_repo):
    """pre-commit names each file: the hooks pass --force-exclude, so a file a run would not lint
    (the configured excludes, and the defaults such as dist/) stays unlinted though named."""
    git(tmp_path, "init", "-q")
    for folder in ("vendored", "dist"):
        (tmp_path / folder).mkdir()
        (tmp_path / folder / "lib.py").write_text(SHADOWED)
    (tmp_path / "pyproject.toml").write_text('[tool.errlint]\nextend-exclude = ["vendored"]\n')
    git(tmp_path, "add", "-A")
    proc = _try_repo(tmp_path, hook_repo, "errlint")
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "ERR004" not in proc.stdout
