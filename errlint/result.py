"""A file's verdict: what linting one file gives, and what the cache keeps of it."""
from __future__ import annotations

from dataclasses import dataclass, field

from .diagnostics import Diagnostic


@dataclass
class FileResult:
    path: str
    diagnostics: list[Diagnostic] = field(default_factory=list)
    module_name: str = ""
    error: bool = False  # ERR999: an internal error (exit code 2)
    module: object | None = field(default=None, repr=False)  # the parsed file (a LibCST Module), for fixes
    skipped: bool = False  # not parsed: no enabled rule could report on it
    # project modules the verdict read (see errlint.project): name -> [path or None, digest or None]
    depends: dict[str, list] = field(default_factory=dict)
