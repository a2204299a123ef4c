"""A run: the one API every front end calls (the command line, flake8, an editor).

- :mod:`.session`: :class:`Session` (configurations, packs and linters of a front end's
  process) with :meth:`Session.run` (paths → files → cache → lint → fixes → a
  :class:`RunReport`) and :meth:`Session.lint_source` (one buffer under a path);
- :mod:`.lint`: many files through one linter, the cache answering first;
- :mod:`.jobs`: the files shared out to forked worker processes (``--jobs``);
- :mod:`.cache`: unchanged files' results, keyed by content, rules, packs and the
  digests of the project modules a verdict read.

One file's way through errlint is :mod:`errlint.engine`.
"""
from __future__ import annotations

from .lint import lint_files
from .session import FixedFile, RunOptions, RunReport, Session, config_layer, display_path

__all__ = ["FixedFile", "RunOptions", "RunReport", "Session", "config_layer", "display_path", "lint_files"]
