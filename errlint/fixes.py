"""Fixes: edits with an applicability, checked by CPython and written atomically.

A finding may carry a :class:`Fix`: its front end's replacements (for Python,
LibCST node replacements: :mod:`errlint.python.fixes`) and, for JSON output and
the cache, the same edits as text.  ``safe`` fixes keep the program's intent
and apply with ``--fix``; ``unsafe`` ones need ``--unsafe-fixes`` (ruff's
meaning).

Applying a file's fixes runs in passes (:mod:`errlint.engine.fixloop`); the
result must parse (the front end checks) and compile (:func:`verify`) before
:func:`write_atomically` writes it through a temporary file in the same
directory and ``os.replace``, keeping the file's permissions, and only if the
file still holds the bytes the fix was computed from (and is writable).  Nothing here
imports LibCST: a run the cache answers reads its fixes without it.
"""
from __future__ import annotations

import warnings as _warnings
import os
import stat
import tempfile
from collections.abc import Callable
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


TEMP_SUFFIX = ".errlint-tmp"  # ".NAME.PID.RANDOM.errlint-tmp", beside the file it replaces

# Called with the path just before :func:`write_atomically` compares the file with the bytes it
# was read as: a test changes the file here to show that the change is not overwritten.
before_replace: Callable[[Path], None] | None = None


class NotFixed(Exception):
    """The file is left as it is; ``str()`` says why ("changed since it was read", "read-only")."""


def write_atomically(path: str | Path, data: bytes, expected: bytes | None = None) -> None:
    """Write through a temporary file in the same directory, then rename; keep the permissions.

    ``expected``: the bytes the new content was computed from (a fix). The file
    is replaced only if it still holds exactly those bytes and is writable;
    else :class:`NotFixed` is raised and nothing is written. The comparison is
    made after the new content is on disk, just before the rename, so the
    window for an edit to slip in is the rename itself.

    The temporary file's name holds this process's id, and the file is locked
    while it exists: :func:`remove_stale_temporaries` removes the ones whose
    writer was killed, never one that is being written.
    """
    path = Path(path)
    if expected is not None:
        _check_writable(path)
    mode = stat.S_IMODE(path.stat().st_mode) if path.exists() else None
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.{os.getpid()}.", suffix=TEMP_SUFFIX, dir=str(path.parent))
    try:
        _lock(fd)
        with os.fdopen(fd, "wb", closefd=False) as fh:  # the descriptor (and its lock) stays open
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        if mode is not None:
            os.chmod(tmp, mode)
        if expected is not None:
            if before_replace is not None:
                before_replace(path)
            _check_unchanged(path, expected)
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise
    finally:
        os.close(fd)


def _check_writable(path: Path) -> None:
    try:
        st = os.stat(path)
    except FileNotFoundError:
        raise NotFixed("changed since it was read (it is gone)") from None
    if not st.st_mode & stat.S_IWUSR or not os.access(path, os.W_OK):
        raise NotFixed("read-only")


def _check_unchanged(path: Path, expected: bytes) -> None:
    from .reading import read_regular_file

    try:
        current = read_regular_file(path, len(expected))  # longer is changed: not read past that
    except FileNotFoundError:
        raise NotFixed("changed since it was read (it is gone)") from None
    except OSError:  # no longer a regular file, longer, unreadable
        raise NotFixed("changed since it was read") from None
    if current != expected:
        raise NotFixed("changed since it was read")


def _lock(fd: int) -> None:
    try:
        import fcntl
    except ImportError:  # pragma: no cover - Windows: the process id alone protects the file
        return
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        pass  # a file system without locks: the process id alone protects the file


def remove_stale_temporaries(directory: str | Path) -> int:
    """Remove the temporary files in ``directory`` left by a write that was killed; how many.

    A temporary file is stale when the process its name holds is gone and no
    process holds its lock. (On Windows nothing is removed: a process id cannot
    be probed there without risk.)
    """
    if os.name == "nt":  # pragma: no cover
        return 0
    try:
        entries = [e for e in os.scandir(directory) if e.name.startswith(".") and e.name.endswith(TEMP_SUFFIX)]
    except OSError:
        return 0
    removed = 0
    for entry in entries:
        pid = _writer(entry.name)
        if (pid is not None and _alive(pid)) or _locked(entry.path):
            continue
        try:
            os.unlink(entry.path)
            removed += 1
        except OSError:
            pass
    return removed


def _writer(name: str) -> int | None:
    """The process id in a temporary file's name (None: a name without one, from an older errlint)."""
    parts = name[1:-len(TEMP_SUFFIX)].rsplit(".", 2)
    return int(parts[1]) if len(parts) == 3 and parts[1].isdigit() else None


def _alive(pid: int) -> bool:
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:  # another user's process
        return True
    return True


def _locked(path: str) -> bool:
    try:
        import fcntl
    except ImportError:  # pragma: no cover
        return False
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    except OSError:
        return True  # cannot look: leave it
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        return False
    except BlockingIOError:
        return True
    except OSError:
        return False  # a file system without locks: the process id decided
    finally:
        os.close(fd)


def quiet_compile(*args, **kwargs):
    """compile() without the SyntaxWarnings of the code being linted reaching the user."""
    with _warnings.catch_warnings():
        _warnings.simplefilter("ignore")
        return compile(*args, **kwargs)
