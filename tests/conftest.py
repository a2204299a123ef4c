"""Shared fixtures."""
from __future__ import annotations

import os

import pytest


@pytest.fixture(autouse=True, scope="session")
def _cache_outside_the_repository(tmp_path_factory):
    """Runs of errlint in the tests (in-process or not) keep their cache in a temporary directory."""
    os.environ["ERRLINT_CACHE_DIR"] = str(tmp_path_factory.mktemp("errlint-cache"))


@pytest.fixture
def tree(tmp_path, monkeypatch):
    """A temporary directory, made the working directory for the test."""
    monkeypatch.chdir(tmp_path)
    return tmp_path
