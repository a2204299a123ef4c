"""Shared fixtures."""
from __future__ import annotations

import pytest


@pytest.fixture
def tree(tmp_path, monkeypatch):
    """A temporary directory, made the working directory for the test."""
    monkeypatch.chdir(tmp_path)
    return tmp_path
