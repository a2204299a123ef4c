"""A file's dotted module name, as Python would import it from its package."""
from __future__ import annotations

import os
from pathlib import Path

from ..paths import real_path


def module_name_for(path: Path | str, memo: dict | None = None) -> tuple[str, bool]:
    """The dotted module name of ``path``, walking up through ``__init__.py`` packages.

    ``memo`` (a dict kept for one run) remembers each directory's package, so
    thousands of files in a few directories cost a few lookups each.
    """
    memo = {} if memo is None else memo
    p = os.fspath(path)
    real = real_path(p) if os.path.lexists(p) else p
    stem = os.path.splitext(os.path.basename(real))[0]
    is_package = stem == "__init__"
    parts = _package_parts(os.path.dirname(real), memo)
    if not is_package:
        parts = (*parts, stem)
    if not parts:
        parts = (os.path.basename(os.path.dirname(real)) or "__main__",)
    return ".".join(parts), is_package


def _package_parts(directory: str, memo: dict) -> tuple[str, ...]:
    key = ("package", directory)
    parts = memo.get(key)
    if parts is None:
        if os.path.exists(os.path.join(directory, "__init__.py")):
            parent = os.path.dirname(directory)
            above = () if parent == directory else _package_parts(parent, memo)
            parts = (*above, os.path.basename(directory))
        else:
            parts = ()
        memo[key] = parts
    return parts
