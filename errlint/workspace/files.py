"""Finding the files to lint."""
from __future__ import annotations

import fnmatch
import os
from collections.abc import Callable, Iterable, Iterator

from .gitignore import GitIgnore
from ..typescript.parse import DECLARATION_SUFFIXES, GRAMMARS

CACHE_DIR_NAME = ".errlint_cache"  # errlint's own cache (see errlint.run.cache)
DEFAULT_EXCLUDES = (
    ".git", ".hg", ".svn", ".bzr",
    ".venv", "venv", ".env", "env", ".tox", ".nox", ".direnv",
    "__pycache__", ".mypy_cache", ".pytest_cache", ".ruff_cache", CACHE_DIR_NAME,
    "build", "dist", "_build", "buck-out", ".eggs", "*.egg-info",
    "node_modules", "site-packages", "__pypackages__",
)
PYTHON_SUFFIXES = (".py", ".pyi")
# TypeScript and JavaScript (errlint/typescript); declaration files (.d.ts) are read where imported, not linted
TYPESCRIPT_SUFFIXES = tuple(GRAMMARS)
LINTED_SUFFIXES = PYTHON_SUFFIXES + TYPESCRIPT_SUFFIXES


class PathError(Exception):
    """A path given on the command line cannot be linted at all."""


def _excluded(name: str, patterns: Iterable[str]) -> bool:
    return any(fnmatch.fnmatchcase(name, p) for p in patterns)


def _missing(path: str) -> bool:
    """Nothing there (a path errlint may not look at, in a directory it cannot search, is there:
    reading it says why it cannot be read)."""
    try:
        os.lstat(path)
    except (FileNotFoundError, NotADirectoryError):
        return True
    except OSError:
        return False
    return False


def discover(
    paths: Iterable[str], excludes: Iterable[str] = DEFAULT_EXCLUDES, gitignore: GitIgnore | None = None,
    unreadable: Callable[[OSError], None] | None = None,
) -> Iterator[str]:
    """Python, TypeScript and JavaScript files under ``paths``; files named explicitly are always included.

    Directories are walked without following symbolic links (so a link loop
    cannot trap the walk), skipping the ``excludes`` names at any depth and,
    given ``gitignore``, what git ignores (a path named in ``paths`` itself is
    not judged, as in ruff). ``unreadable(error)`` hears of each directory the walk cannot list.
    A path named that is not a directory is yielded whatever it is (a FIFO, a device): the
    reader decides what to do with it (errlint.run.inputs).
    """
    excludes = tuple(excludes)
    seen: set[str] = set()
    for raw in paths:
        if _missing(raw):
            raise PathError(f"{raw}: no such file or directory")
        if not os.path.isdir(raw):
            if raw not in seen:
                seen.add(raw)
                yield raw
            continue
        for root, dirs, files in os.walk(raw, onerror=unreadable, followlinks=False):
            dirs[:] = sorted(
                d for d in dirs
                if not _excluded(d, excludes) and not (gitignore and gitignore.ignored(os.path.join(root, d), True))
            )
            for name in sorted(files):
                if (
                    name.endswith(LINTED_SUFFIXES)
                    and not name.endswith(DECLARATION_SUFFIXES)
                    and not _excluded(name, excludes)
                    and not (gitignore and gitignore.ignored(os.path.join(root, name), False))
                ):
                    full = os.path.join(root, name)
                    if full not in seen:
                        seen.add(full)
                        yield full
