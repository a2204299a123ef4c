"""The engine: one file's way through errlint.

- :mod:`.linter`: :class:`Linter` — triggers, the language front end, the checks, noqa;
- :mod:`.bigstack`: the thread with room to recurse, where every file is linted;
- :mod:`.fixloop`: a file's fixes applied in passes until none applies.

A run of many files (the cache, the worker processes, the fixes written) is :mod:`errlint.run`.
"""
from __future__ import annotations

from .linter import Linter

__all__ = ["Linter"]
