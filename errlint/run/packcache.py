"""The pack files' parsed TOML, kept between runs in the cache directory (see :class:`PackDataCache`)."""
from __future__ import annotations

import json
from pathlib import Path

from ..fixes import write_atomically
from ..reading import read_regular_file
from .cache import digest, make_directory

_FORMAT = 1  # of this file: digest -> the tables as JSON text
_MAX_SIZE = 64 << 20  # bytes: a larger file is not this cache


class PackDataCache:
    """The pack files' parsed TOML, kept as JSON by the digest of each file's bytes
    (``packs-<format>.cache``, JSON, in the cache directory), for :func:`errlint.packs.load_packs`.

    Parsing the bundled packs' TOML is about half of loading them (about 50 ms, paid by every
    run that lints a file; a run the cache answers whole loads no pack). Only the parse is skipped: what is read here is validated as a pack
    exactly as freshly parsed TOML is. A file that cannot be read as this cache, or an entry
    that is not a table, is a miss; one that cannot be written costs the next run 50 ms.
    Saving keeps the entries of the files this run loaded (an edited pack's old tables go).
    """

    def __init__(self, directory: str | Path) -> None:
        self.file = Path(directory) / f"packs-{_FORMAT}.cache"  # not *.json: those are the results, one per run key
        self.entries: dict[str, str] = {}  # file digest -> its tables as JSON text
        self.used: set[str] = set()
        self.on_disk: set[str] = set()
        try:
            data = json.loads(read_regular_file(self.file, _MAX_SIZE))
        except (OSError, ValueError, RecursionError, MemoryError):
            return  # none yet, or not this cache: parsed again, and written anew
        if isinstance(data, dict):
            self.entries = {k: v for k, v in data.items() if isinstance(v, str)}
            self.on_disk = set(data)

    def get(self, raw: bytes) -> dict | None:
        key = digest(raw)
        text = self.entries.get(key)
        if text is None:
            return None
        try:
            data = json.loads(text)
        except (ValueError, RecursionError):
            return None
        if not isinstance(data, dict):
            return None
        self.used.add(key)
        return data

    def put(self, raw: bytes, data: dict) -> None:
        try:
            text = json.dumps(data, separators=(",", ":"))  # now: validation may change ``data`` afterwards
        except (TypeError, ValueError, RecursionError):
            return  # a TOML date or time (JSON has none): parsed on every run
        key = digest(raw)
        self.entries[key] = text
        self.used.add(key)

    def save(self) -> None:
        """Keep the entries this run used (written only if that is not what the file holds)."""
        if self.used == self.on_disk:
            return
        kept = {key: self.entries[key] for key in sorted(self.used)}
        try:
            make_directory(self.file.parent)
            write_atomically(self.file, json.dumps(kept, separators=(",", ":")).encode())
        except OSError:
            return  # the next run parses the TOML again
        self.entries, self.on_disk = kept, set(kept)
