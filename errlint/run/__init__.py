"""A run: the one API every front end calls (the command line, flake8, an editor).

- :mod:`.session`: :class:`Session` (configurations, packs and linters of a front end's
  process) with :meth:`Session.run` (paths → files → cache → lint → fixes → a
  :class:`RunReport`) and :meth:`Session.lint_source` (one buffer under a path);
- :mod:`.lint`: many files through one linter, the cache answering first;
- :mod:`.jobs`: the files shared out to forked worker processes (``--jobs``), under the
  garbage collector's thresholds for a run;
- :mod:`.cache`: unchanged files' results, keyed by content, rules, packs and the
  digests of the project modules a verdict read; :mod:`.packcache`: the pack files'
  parsed TOML, so that a warm run does not parse it again.

One file's way through errlint is :mod:`errlint.engine`.
"""
from __future__ import annotations

from .inputs import display_path
from .lint import lint_files
from .session import FixedFile, RunOptions, RunReport, Session, config_layer

__all__ = ["FixedFile", "RunOptions", "RunReport", "Session", "config_layer", "display_path", "lint_files"]
