"""The project as errlint sees it: modules read on demand, never imported.

- :mod:`.index`: :class:`ProjectIndex` (every module of a run, by name and digest) and
  :class:`ProjectLayer` (the project's exception classes a file imports, read lazily);
- :mod:`.finder`: where Python's import system would find a module (packages, ``src/``,
  namespace packages, ``[tool.errlint] src``);
- :mod:`.facts`: a module's classes and re-exports, read with CPython's ``ast``;
- :mod:`.modules`: a file's dotted module name, from the packages above it;
- :mod:`.deps`: the project's declared dependencies (pyproject, requirements, locks), for API generations.

A file linted alone gets the verdict it gets in a whole-tree run because of this layer.
"""
from __future__ import annotations

from .index import ProjectIndex, ProjectLayer

__all__ = ["ProjectIndex", "ProjectLayer"]
