"""The persistent cache: a file whose bytes have not changed is not linted again.

One JSON file per *run key* in ``.errlint_cache/`` (beside the configuration,
or where ``cache-dir`` / ``--cache-dir`` says). The run key is a digest of
everything besides the file that decides its findings: errlint's version and
source, the Python version (its parser checks syntax), the enabled rules and
the packs' content. Inside, each linted file (by absolute path) keeps the
digest of its bytes, its module name (``__init__.py`` files added or removed
change it) and its result; a result that read other project modules (see
:mod:`errlint.project`) keeps, under ``final``, which file each of them was
found in and the digest of its bytes (or that it was not found). Any
difference is a miss, and the file is linted again, even when it is linted
alone and only a module it imports changed.

JSON, not pickle: loading a cache file runs no code. A cache that cannot be
read is ignored (and rewritten); one that cannot be written costs the next
run its speed, never its findings.
"""
from __future__ import annotations

import hashlib
import json
import os
import sys
from collections.abc import Iterable, Sequence
from functools import lru_cache
from pathlib import Path

from .. import __version__
from ..diagnostics import Diagnostic
from ..fixes import Fix, write_atomically
from ..result import FileResult

_FORMAT = 1


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


def run_key(check_codes: Iterable[str], registry, noqa: bool = True) -> str:
    """The digest of what, besides the file itself, decides a file's findings."""
    parts = [
        f"format={_FORMAT}",
        f"errlint={__version__}",
        f"source={_source_digest()}",
        f"python={sys.version_info[0]}.{sys.version_info[1]}",
        f"rules={','.join(sorted(check_codes))}",
        f"noqa={noqa}",
        f"packs={repr(registry.packs)}",  # frozen dataclasses: the packs' whole content
    ]
    return digest("\n".join(parts).encode())


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


class Cache:
    """The entries of one run key; :meth:`save` writes them back (atomically)."""

    def __init__(self, directory: str | Path, key: str) -> None:
        self.directory = Path(directory)
        self.file = self.directory / f"{key}.json"
        self.entries: dict[str, dict] = {}
        self.changed = False
        try:
            data = json.loads(self.file.read_bytes())
            if isinstance(data, dict) and data.get("format") == _FORMAT and isinstance(data.get("files"), dict):
                self.entries = data["files"]
        except (OSError, ValueError):
            pass  # no cache yet, or one that cannot be read: start afresh

    @staticmethod
    def _key(path: str) -> str:
        return os.path.abspath(path)

    def _entry(self, path: str, content: str) -> dict | None:
        """The entry for ``path`` if it was made for these bytes (and is an entry at all)."""
        entry = self.entries.get(self._key(path))
        return entry if isinstance(entry, dict) and entry.get("digest") == content else None

    @staticmethod
    def _load(path: str, data):
        try:
            return _result_from_json(path, data)
        except (AttributeError, KeyError, TypeError, ValueError):
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
        if not isinstance(final, list) or len(final) != 2 or not isinstance(final[0], dict):
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
        """Write the entries (dropping files that no longer exist); the reason it could not, or None."""
        keep = {self._key(p) for p in linted}
        for key in [k for k in self.entries if k not in keep and not os.path.exists(k)]:
            del self.entries[key]
            self.changed = True
        if not self.changed:
            return None
        try:
            self.directory.mkdir(parents=True, exist_ok=True)
            for name, text in (
                (".gitignore", "# Created by errlint\n*\n"),
                ("CACHEDIR.TAG", "Signature: 8a477f597d28d172789f06886806bc55\n# This file is a cache directory tag created by errlint.\n"),
            ):
                marker = self.directory / name
                if not marker.exists():
                    marker.write_text(text, encoding="utf-8")
            # dumps, not dump: dump streams through the pure-Python encoder (10x slower)
            write_atomically(self.file, json.dumps({"format": _FORMAT, "files": self.entries}, separators=(",", ":")).encode())
        except OSError as exc:
            return f"cannot write the cache in {self.directory}: {exc.strerror or exc}"
        self.changed = False
        return None
