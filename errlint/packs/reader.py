"""The reader of pack files: their TOML (or the tables an earlier run kept), and typed accessors
whose every error names the file and the dotted key (see :mod:`errlint.packs.schema`, which reads
a pack with it)."""
from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any, Protocol

from ..hierarchy import find_cycle, show_cycle
from ..reading import TomlProblem, parse_toml, toml_bytes
from .model import RETRY_POLICIES, ErrorSpec, PackError

HTTP_STATUS = (100, 599, "an HTTP status")
ATTEMPTS = (1, 100, "a number of attempts")  # counts the first; SDKs document 1 to 10


# ---------------------------------------------------------------------------
# Validation helpers: each names the file and the dotted key path.


class _Reader:
    def __init__(self, path: str) -> None:
        self.path = path

    def fail(self, key: str, problem: str) -> PackError:
        return PackError(f"{self.path}: {key}: {problem}")

    def table(self, data: Any, key: str, allowed: Iterable[str]) -> dict[str, Any]:
        if not isinstance(data, dict):
            raise self.fail(key, f"expected a table, got {type(data).__name__}")
        allowed = set(allowed)
        for k in data:
            if k not in allowed:
                where = f"{key}.{k}" if key else k
                raise self.fail(where, f"unknown key (allowed: {', '.join(sorted(allowed))})")
        return data

    def mapping(self, data: Any, key: str) -> dict[str, Any]:
        """A table whose keys are free (class names, statuses, codes)."""
        if not isinstance(data, dict):
            raise self.fail(key, f"expected a table, got {type(data).__name__}")
        return data

    def string(self, data: Mapping[str, Any], key: str, where: str, default: str | None = None) -> str | None:
        value = data.get(key, default)
        if value is not None and not isinstance(value, str):
            raise self.fail(f"{where}.{key}", f"expected a string, got {type(value).__name__}")
        return value

    def choice(self, data: Mapping[str, Any], key: str, where: str, options: tuple[str, ...], default: str | None = None) -> str:
        """A string that must be one of ``options`` (a missing key is ``default``, if any)."""
        value = self.string(data, key, where, default)
        if value not in options:
            expected = " or ".join(f'"{o}"' for o in options)
            raise self.fail(f"{where}.{key}", f"expected {expected}, got {value!r}")
        return value

    def strings(self, data: Mapping[str, Any], key: str, where: str, pattern: re.Pattern[str] | None = None) -> tuple[str, ...]:
        value = data.get(key, [])
        if isinstance(value, str):
            value = [value]
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise self.fail(f"{where}.{key}", "expected a list of strings")
        if pattern is not None:
            for v in value:
                if not pattern.match(v):
                    raise self.fail(f"{where}.{key}", f"{v!r} is not a valid name")
        return tuple(value)

    def boolean(self, data: Mapping[str, Any], key: str, where: str) -> bool:
        value = data.get(key, False)
        if not isinstance(value, bool):
            raise self.fail(f"{where}.{key}", f"expected true or false, got {value!r}")
        return value

    def integer(self, data: Mapping[str, Any], key: str, where: str, bounds: tuple[int, int, str] | None = None) -> int | None:
        """An integer; ``bounds``: (least, most, what it is) it must fall within."""
        value = data.get(key)
        if value is not None and (not isinstance(value, int) or isinstance(value, bool)):
            raise self.fail(f"{where}.{key}", f"expected an integer, got {value!r}")
        if value is not None and bounds is not None:
            self._within(value, f"{where}.{key}", bounds)
        return value

    def integers(self, data: Mapping[str, Any], key: str, where: str, bounds: tuple[int, int, str] | None = None) -> tuple[int, ...]:
        value = data.get(key, [])
        if isinstance(value, int) and not isinstance(value, bool):
            value = [value]
        if not isinstance(value, list) or not all(isinstance(v, int) and not isinstance(v, bool) for v in value):
            raise self.fail(f"{where}.{key}", "expected an integer or a list of integers")
        if bounds is not None:
            for v in value:
                self._within(v, f"{where}.{key}", bounds)
        return tuple(value)

    def _within(self, value: int, key: str, bounds: tuple[int, int, str]) -> None:
        least, most, what = bounds
        if not least <= value <= most:
            raise self.fail(key, f"{value} is not {what} ({least} to {most})")

    def policy(self, data: Mapping[str, Any], key: str, where: str, default: str = "unspecified") -> str:
        value = data.get(key, default)
        if value not in RETRY_POLICIES:
            raise self.fail(f"{where}.{key}", f"unknown retry policy {value!r} (one of: {', '.join(RETRY_POLICIES)})")
        return value


def _array_of_tables(r: _Reader, data: Mapping[str, Any], key: str) -> list[Any]:
    value = data.get(key, [])
    if isinstance(value, dict):
        value = [value]
    if not isinstance(value, list):
        raise r.fail(key, "expected an array of tables ([[" + key + "]])")
    return value


_HOST = re.compile(r"^[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?(\.[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?)+$")
_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
_SCOPE_KEYS = ("hosts", "classes")


def _scope(r: _Reader, data: dict[str, Any], modules: tuple[str, ...]) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """``[scope]``: where a pack without modules applies (hosts, class names)."""
    scope = r.table(data.get("scope", {}), "scope", _SCOPE_KEYS)
    scope_hosts = tuple(h.lower() for h in r.strings(scope, "hosts", "scope"))
    for h in scope_hosts:
        if not _HOST.match(h):
            raise r.fail("scope.hosts", f"{h!r} is not a host name (such as \"api.example.com\")")
    scope_classes = r.strings(scope, "classes", "scope", _NAME)
    if (scope_hosts or scope_classes) and modules:
        raise r.fail("scope", "only for a pack without modules (a pack with modules applies where they are imported)")
    return scope_hosts, scope_classes



def _check_cycles(r: _Reader, errors: Mapping[str, ErrorSpec]) -> None:
    """An inheritance cycle among the pack's classes is an error naming it; no recursion, each
    class and parent link looked at once (a cycle or a chain may be thousands of classes long)."""
    cycle = find_cycle(errors, lambda q: errors[q].parents)
    if cycle:
        raise r.fail(f"errors.{errors[cycle[0]].name}.parent", "inheritance cycle: " + show_cycle([c.rpartition('.')[2] for c in cycle]))


class ParsedStore(Protocol):
    """Where parsed pack files are kept between runs (errlint.run.packcache.PackDataCache): the
    tables of a file's TOML by its bytes. A run that finds them skips the TOML parse (about
    half of loading the bundled packs); every pack is validated as if it had been parsed."""

    def get(self, raw: bytes) -> dict[str, Any] | None: ...

    def put(self, raw: bytes, data: dict[str, Any]) -> None: ...


def _parse_toml(path: Path, store: ParsedStore | None = None) -> dict[str, Any]:
    try:
        raw = toml_bytes(path)  # not a FIFO, a device or a huge file (errlint.reading)
        kept = store.get(raw) if store is not None else None
        if kept is not None:
            return kept
        data = parse_toml(raw)
    except TomlProblem as exc:
        raise PackError(f"{path}: {exc}") from None
    if store is not None:
        store.put(raw, data)
    return data
