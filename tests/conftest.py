"""Shared fixtures."""
from __future__ import annotations

import os

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
