"""Fixes: edits with an applicability, checked by CPython and written atomically.

A finding may carry a :class:`Fix`: its front end's replacements (for Python,
LibCST node replacements: :mod:`errlint.python.fixes`) and, for JSON output and
the cache, the same edits as text.  ``safe`` fixes keep the program's intent
and apply with ``--fix``; ``unsafe`` ones need ``--unsafe-fixes`` (ruff's
meaning).

Applying a file's fixes runs in passes (:mod:`errlint.engine.fixloop`); the
result must parse (the front end checks) and compile (:func:`verify`) before
:func:`write_atomically` writes it through a temporary file in the same
directory and ``os.replace``, keeping the file's permissions.  Nothing here
imports LibCST: a run the cache answers reads its fixes without it.
"""
from __future__ import annotations

import warnings as _warnings
import os
import stat
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

MAX_PASSES = 10


@dataclass
class Fix:
    applicability: str  # "safe" | "unsafe"
    message: str
    replacements: tuple  # the front end's edits: for Python, LibCST Replacements (errlint/python/fixes.py)
    # filled in by the engine for JSON output: text edits with 1-based positions
    edits: list[dict] = field(default_factory=list)

    def as_json(self) -> dict:
        return {"applicability": self.applicability, "message": self.message, "edits": self.edits}

    def applies(self, unsafe: bool) -> bool:
        return self.applicability == "safe" or unsafe


class FixError(Exception):
    """A fix produced code that does not parse; the file is left as it was."""


def verify(code: bytes, path: str, original: bytes | None = None) -> None:
    """The fixed file must compile for CPython, or it is not written.

    (That it parses for the front end's parser is checked first, by the front
    end: :func:`errlint.python.fixes.check_parses`.) CPython's check is skipped
    when the original does not compile on the running interpreter either
    (syntax newer than it, such as ``except*`` on 3.10).
    """
    if original is not None:
        try:
            quiet_compile(original, path, "exec", dont_inherit=True)
        except (SyntaxError, ValueError):
            return
    try:
        quiet_compile(code, path, "exec", dont_inherit=True)
    except SyntaxError as exc:
        raise FixError(f"{path}: the fixed code does not compile ({exc.msg}, line {exc.lineno}); file left unchanged") from None


def write_atomically(path: str | Path, data: bytes) -> None:
    """Write through a temporary file in the same directory, then rename; keep the permissions."""
    path = Path(path)
    mode = stat.S_IMODE(path.stat().st_mode) if path.exists() else None
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".errlint-tmp", dir=str(path.parent))
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        if mode is not None:
            os.chmod(tmp, mode)
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise


def quiet_compile(*args, **kwargs):
    """compile() without the SyntaxWarnings of the code being linted reaching the user."""
    with _warnings.catch_warnings():
        _warnings.simplefilter("ignore")
        return compile(*args, **kwargs)
