"""The engine: one file's way through errlint.

- :mod:`.linter`: :class:`Linter` — triggers, the language front end, the checks, noqa;
- :mod:`.bigstack`: the thread with room to recurse, where every file is linted;
- :mod:`.fixloop`: a file's fixes applied in passes until none applies;
- :mod:`.addnoqa`: ``--add-noqa``'s comments on a file's finding lines, checked to change nothing else.

A run of many files (the cache, the worker processes, the fixes written) is :mod:`errlint.run`.
"""
from __future__ import annotations

from .linter import Linter

__all__ = ["Linter"]
