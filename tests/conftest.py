"""Shared fixtures."""
from __future__ import annotations

import os
from pathlib import Path

import pytest

from errlint.engine import Linter


@pytest.fixture(autouse=True, scope="session")
def _cache_outside_the_repository(tmp_path_factory):
    """Runs of errlint in the tests (in-process or not) keep their cache in a temporary directory."""
    os.environ["ERRLINT_CACHE_DIR"] = str(tmp_path_factory.mktemp("errlint-cache"))


@pytest.fixture(scope="session")
def npm_pins(tmp_path_factory):
    """The folder whose node_modules holds tests/data/npm-pins.json, installed once and shared by the sessions
    and pytest-xdist workers of this machine (tests/npm_support.py); the test skips, saying why, without npm."""
    from npm_support import NpmUnavailable, install_pins

    base = tmp_path_factory.getbasetemp()
    shared = base.parent.parent if os.environ.get("PYTEST_XDIST_WORKER") else base.parent  # above the session's folder
    try:
        return install_pins(shared)
    except NpmUnavailable as exc:
        pytest.skip(str(exc))


@pytest.fixture
def tree(tmp_path, monkeypatch):
    """A temporary directory, made the working directory for the test."""
    monkeypatch.chdir(tmp_path)
    return tmp_path


@pytest.fixture
def linted(monkeypatch):
    """The paths linted (not answered by the cache) since the last ``linted.clear()``."""
    seen: list[str] = []
    original = Linter._lint_source

    def counting(self, path, *args, **kwargs):
        seen.append(path)
        return original(self, path, *args, **kwargs)

    monkeypatch.setattr(Linter, "_lint_source", counting)
    return seen


@pytest.fixture(scope="session")
def shared_root(tmp_path_factory) -> Path:
    """A directory the workers of this run share (pytest-xdist gives each its own temporary
    directory under one parent; without xdist, the session's own)."""
    base = tmp_path_factory.getbasetemp()
    return base.parent if os.environ.get("PYTEST_XDIST_WORKER") else base


@pytest.fixture(scope="session")
def hook_repo(shared_root) -> Path:
    """A committed copy of this repository for pre-commit's ``try-repo``, made once per run and
    shared by every worker, with one pre-commit home beside it (``PRE_COMMIT_HOME``): errlint's
    hook environment is built once, not once per test module and worker. The file lock makes the
    first worker build it while the others wait; pre-commit locks its own store."""
    from filelock import FileLock

    from cli_support import make_hook_repo

    repo, done = shared_root / "hooks", shared_root / "hooks.done"
    with FileLock(str(shared_root / "hooks.lock")):
        if not done.exists():
            make_hook_repo(repo)
            done.touch()
    return repo
