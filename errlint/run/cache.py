"""The persistent cache: a file whose bytes have not changed is not linted again.

One JSON file per *run key* in ``.errlint_cache/`` (beside the configuration,
or where ``cache-dir`` / ``--cache-dir`` says). The run key is a digest of
everything besides the file that decides its findings: errlint's version and
source, the Python version (its parser checks syntax), the enabled rules and
the packs (their files' bytes and the configuration's choices of packs: a run
whose files all hit never loads them). Inside, each linted file (by absolute path) keeps the
digest of its bytes, its module name (``__init__.py`` files added or removed
change it) and its result; a result that read other project modules (see
:mod:`errlint.project`) keeps, under ``final``, which file each of them was
found in and the digest of its bytes (or that it was not found). Any
difference is a miss, and the file is linted again, even when it is linted
alone and only a module it imports changed.

JSON, not pickle: loading a cache file runs no code. And data to verify, not
to trust: a cache file that is not a regular file is never opened, one that
is not this format's JSON (or nested too deeply to read) is set aside and
rewritten, and each entry's shape is checked when it is read (a line that is
a string, a code that is a number): what fails is a miss, the file is linted
again, and the run says so in one warning line. One that cannot be written
costs the next run its speed, never its findings. Runs that share a cache
merge their entries when they save, under a lock (``<key>.lock``).
"""
from __future__ import annotations

import hashlib
import json
import os
import re
import sys
import time
from collections.abc import Iterable, Sequence
from contextlib import contextmanager
from functools import lru_cache
from pathlib import Path

from .. import __version__
from ..diagnostics import Diagnostic
from ..fixes import Fix, remove_stale_temporaries, write_atomically
from ..reading import read_regular_file
from ..result import FileResult

_FORMAT = 1
_MAX_CACHE_SIZE = 1 << 30  # bytes: a larger file is not this cache


def digest(data: bytes) -> str:
    return hashlib.blake2b(data, digest_size=16).hexdigest()


@lru_cache(maxsize=1)
def _source_digest() -> str:
    """errlint's own code (an editable install changes without a new version); read once per process."""
    root = Path(__file__).resolve().parent.parent  # the errlint package
    h = hashlib.blake2b(digest_size=16)
    for path in sorted(root.rglob("*.py")):
        h.update(str(path.relative_to(root)).encode())
        h.update(path.read_bytes())
    return h.hexdigest()


def run_key(check_codes: Iterable[str], packs: str, noqa: bool = True) -> str:
    """The digest of what, besides the file itself, decides a file's findings. ``packs``: what
    decides the packs (:func:`errlint.packs.packs_digest`: their files' bytes and the choices of
    the configuration; the code that reads them is errlint's source, part of the key)."""
    parts = [
        f"format={_FORMAT}",
        f"errlint={__version__}",
        f"source={_source_digest()}",
        f"python={sys.version_info[0]}.{sys.version_info[1]}",
        f"rules={','.join(sorted(check_codes))}",
        f"noqa={noqa}",
        f"packs={packs}",
    ]
    return digest("\n".join(parts).encode())


# -- the shape of an entry: checked when it is read (a cache is data to verify) -----------------
_CODE = re.compile(r"^ERR[0-9]{3}$")


def _is_int(value, least: int) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and least <= value < 1 << 31


def _valid_position(data) -> bool:
    return isinstance(data, dict) and _is_int(data.get("row"), 1) and _is_int(data.get("column"), 1)


def _valid_fix(fix) -> bool:
    if fix is None:
        return True
    if not isinstance(fix, dict) or fix.get("applicability") not in ("safe", "unsafe") or not isinstance(fix.get("message"), str):
        return False
    edits = fix.get("edits")
    return isinstance(edits, list) and all(
        isinstance(e, dict) and isinstance(e.get("content"), str) and _valid_position(e.get("location"))
        and _valid_position(e.get("end_location"))
        for e in edits
    )


def _valid_diagnostic(d) -> bool:
    return (
        isinstance(d, dict) and _is_int(d.get("line"), 1) and _is_int(d.get("column"), 1)
        and isinstance(d.get("code"), str) and _CODE.match(d["code"]) is not None
        and isinstance(d.get("message"), str) and _is_int(d.get("end_line"), 0) and _is_int(d.get("end_column"), 0)
        and isinstance(d.get("rule"), str) and _valid_fix(d.get("fix"))
    )


def valid_result(data) -> bool:
    """Is ``data`` a result as :func:`_result_to_json` writes it (every field of the right type and range)?"""
    return (
        isinstance(data, dict) and isinstance(data.get("module_name"), str) and isinstance(data.get("skipped"), bool)
        and isinstance(data.get("diagnostics"), list) and all(_valid_diagnostic(d) for d in data["diagnostics"])
    )


def _valid_depends(data) -> bool:
    """``{module name: [path or None, digest or None]}``: the project modules a result read."""
    return isinstance(data, dict) and all(
        isinstance(k, str) and isinstance(v, list) and len(v) == 2 and all(x is None or isinstance(x, str) for x in v)
        for k, v in data.items()
    )


# -- (de)serialising results ------------------------------------------------------------------
def _result_to_json(result) -> dict:
    return {
        "module_name": result.module_name,
        "skipped": result.skipped,
        "diagnostics": [
            {
                "line": d.line, "column": d.column, "code": d.code, "message": d.message,
                "end_line": d.end_line, "end_column": d.end_column, "rule": d.rule,
                "fix": None if d.fix is None else {
                    "applicability": d.fix.applicability, "message": d.fix.message, "edits": d.fix.edits,
                },
            }
            for d in result.diagnostics
        ],
    }


def _result_from_json(path: str, data: dict):
    if not valid_result(data):
        raise ValueError("not a result")
    diagnostics = []
    for d in data["diagnostics"]:
        fix = d["fix"]
        diagnostics.append(
            Diagnostic(
                path, d["line"], d["column"], d["code"], d["message"],
                end_line=d["end_line"], end_column=d["end_column"], rule=d["rule"],
                fix=None if fix is None else Fix(fix["applicability"], fix["message"], (), fix["edits"]),
            )
        )
    return FileResult(
        path=path,
        diagnostics=diagnostics,
        module_name=data["module_name"],
        skipped=data["skipped"],
    )


def make_directory(directory: Path) -> None:
    """The cache directory, marked as one (git ignores it, backup tools skip it); raises OSError."""
    directory.mkdir(parents=True, exist_ok=True)
    for name, text in (
        (".gitignore", "# Created by errlint\n*\n"),
        ("CACHEDIR.TAG", "Signature: 8a477f597d28d172789f06886806bc55\n# This file is a cache directory tag created by errlint.\n"),
    ):
        marker = directory / name
        if not marker.exists():
            marker.write_text(text, encoding="utf-8")


class Cache:
    """The entries of one run key; :meth:`save` writes them back (atomically).

    The cache is data to verify, not to trust: a file that is not a regular file
    is not read, one that is not this format's JSON is set aside whole, and each
    entry's shape is checked when it is read (:func:`valid_result`); what fails
    is a miss (the file is linted again) and :attr:`problem` says so, once.
    """

    def __init__(self, directory: str | Path, key: str) -> None:
        self.directory = Path(directory)
        self.file = self.directory / f"{key}.json"
        self.entries: dict[str, dict] = {}
        self.changed = False
        self.problem: str | None = None  # what was wrong with the cache as read (said once per run)
        self._dropped: set[str] = set()  # keys this run removed (invalid, or the file is gone)
        self.entries = self._read()

    def _read(self) -> dict[str, dict]:
        """The entries on disk (none: no cache yet, or one that cannot be used)."""
        try:
            data = json.loads(read_regular_file(self.file, _MAX_CACHE_SIZE))
        except (FileNotFoundError, NotADirectoryError):
            return {}  # no cache yet (or no directory for one: saving says so)
        except OSError as exc:  # not a regular file, unreadable
            self._discard(f"the cache file {self.file} cannot be used ({exc.strerror or exc})")
            return {}
        except (ValueError, RecursionError, MemoryError) as exc:  # not JSON, nested too deeply
            self._discard(f"the cache file {self.file} cannot be used (not JSON: {type(exc).__name__})")
            return {}
        if isinstance(data, dict) and data.get("format") != _FORMAT and "format" in data:
            return {}  # another errlint's format: start afresh
        if not isinstance(data, dict) or not isinstance(data.get("files"), dict):
            self._discard(f"the cache file {self.file} cannot be used (not a cache)")
            return {}
        return data["files"]

    def _discard(self, what: str) -> None:
        if self.problem is None:
            self.problem = f"{what}; it is discarded and {'the file is' if 'entry' in what else 'its files are'} linted again"
        self.changed = True  # written anew at the end of the run

    @staticmethod
    def _key(path: str) -> str:
        return os.path.abspath(path)

    def _entry(self, path: str, content: str) -> dict | None:
        """The entry for ``path`` if it was made for these bytes (and is an entry at all)."""
        key = self._key(path)
        entry = self.entries.get(key)
        if entry is None:
            return None
        if not isinstance(entry, dict) or not isinstance(entry.get("digest"), str):
            self._bad(key)
            return None
        return entry if entry["digest"] == content else None

    def _bad(self, key: str) -> None:
        del self.entries[key]
        self._dropped.add(key)
        self._discard(f"the cache in {self.directory} holds an invalid entry (for {key})")

    def _load(self, path: str, data):
        try:
            return _result_from_json(path, data)
        except (AttributeError, KeyError, TypeError, ValueError):
            self._bad(self._key(path))
            return None  # an entry of the wrong shape is a miss

    def get(self, path: str, content: str, module: tuple[str, bool], still_valid=None):
        """The cached result for ``path`` with this content digest and module name, or None.

        ``still_valid(depends)`` says whether the project modules the result read are unchanged.
        """
        entry = self._entry(path, content)
        if entry is None or entry.get("module") != list(module):
            return None
        if "final" not in entry:
            return self._load(path, entry.get("result"))
        final = entry["final"]
        if not isinstance(final, list) or len(final) != 2 or not _valid_depends(final[0]):
            self._bad(self._key(path))
            return None
        if still_valid is None or not still_valid(final[0]):
            return None
        result = self._load(path, final[1])
        if result is not None:
            result.depends = final[0]
        return result

    def put(self, path: str, content: str, module: tuple[str, bool], result) -> None:
        if result.error:
            return  # an internal error is not remembered: the next run tries again
        entry: dict = {"digest": content, "module": list(module)}
        if result.depends:
            entry["final"] = [result.depends, _result_to_json(result)]
        else:
            entry["result"] = _result_to_json(result)
        self.entries[self._key(path)] = entry
        self.changed = True

    def save(self, linted: Sequence[str] = ()) -> str | None:
        """Write the entries (dropping files that no longer exist); the reason it could not, or None.

        Another run may have saved since this one read the cache: under a lock,
        the file is read again and its entries kept, this run's winning for the
        files it linted (concurrent cold runs kept 667 of 678 entries).
        """
        keep = {self._key(p) for p in linted}
        for key in [k for k in self.entries if k not in keep and not os.path.exists(k)]:
            del self.entries[key]
            self._dropped.add(key)
            self.changed = True
        if not self.changed:
            return None
        try:
            make_directory(self.directory)
            with _lock(self.directory / f"{self.file.stem}.lock"):
                remove_stale_temporaries(self.directory)  # of a run killed while it saved
                entries = self._merged()
                # dumps, not dump: dump streams through the pure-Python encoder (10x slower)
                write_atomically(self.file, json.dumps({"format": _FORMAT, "files": entries}, separators=(",", ":")).encode())
        except OSError as exc:
            return f"cannot write the cache in {self.directory}: {exc.strerror or exc}"
        self.changed = False
        return None

    def _merged(self) -> dict[str, dict]:
        """The entries on disk now, those this run dropped left out, this run's on top."""
        problem = self.problem
        on_disk = self._read()
        self.problem = problem  # (said once, for the read at the start of the run)
        merged = {k: v for k, v in on_disk.items() if k not in self._dropped and (k in self.entries or os.path.exists(k))}
        merged.update(self.entries)
        return merged


@contextmanager
def _lock(path: Path, wait: float = 10.0):
    """An exclusive lock on ``path`` (created if need be), waited for up to ``wait`` seconds; without
    it (no fcntl, a file system without locks, a holder that does not let go) the save goes on."""
    try:
        import fcntl
    except ImportError:  # pragma: no cover - Windows: merge-on-save without a lock
        yield
        return
    try:
        fd = os.open(path, os.O_RDWR | os.O_CREAT | getattr(os, "O_CLOEXEC", 0), 0o644)
    except OSError:
        yield
        return
    try:
        deadline = time.monotonic() + wait
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() > deadline:
                    break
                time.sleep(0.02)
            except OSError:
                break
        yield
    finally:
        os.close(fd)  # releases the lock
