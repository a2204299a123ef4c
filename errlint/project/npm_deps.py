"""An npm project's declared dependencies, and the TypeScript API generation of each SDK a file is linted with.

Where TypeScript or JavaScript code does not show which generation of an SDK it
is written for (see :mod:`errlint.packs.generations`: stripe-node's default
retries changed at 13 and 17, openai's client at 4), the project's declaration
says: from the linted file's directory up, the first directory holding a
``package.json`` is the project's (the search stops at a ``.git`` directory).
Its ``dependencies``, ``devDependencies``, ``peerDependencies`` and
``optionalDependencies`` give ranges (``"stripe": "^12.0.0"``); a lock file
beside it (``package-lock.json`` / ``npm-shrinkwrap.json``, ``yarn.lock``,
``pnpm-lock.yaml``) gives the installed version, which wins. Found the same way
whatever the front end, so a file's verdict does not depend on how it is linted;
the files read go into the result's ``depends`` (under :data:`NPM_DEPENDS_PREFIX`),
and a cached result is linted again when they change.
"""
from __future__ import annotations

import hashlib
import json
import os
import re
from collections.abc import Callable, Iterable

from ..packs import PackRegistry
from ..packs.generations import Choice, choose
from ..packs.model import TYPESCRIPT
from ..packs.versions import Interval, parse_npm_range, parse_version
from .deps import DeclaredIndex

NPM_DEPENDS_PREFIX = "<npm-declared> "
_MANIFEST = "package.json"
_LOCKS = ("package-lock.json", "npm-shrinkwrap.json", "yarn.lock", "pnpm-lock.yaml")
_SECTIONS = ("dependencies", "devDependencies", "peerDependencies", "optionalDependencies")
_YARN_VERSION = re.compile(r'^\s+version:?\s+"?([^"\s]+)"?\s*$')
_PNPM_PACKAGE = re.compile(r"^\s+/?'?((?:@[^@/\s']+/)?[^@/\s']+)@(\d[^:(\s']*)")


class NpmDeclared:
    """The declarations of one npm project directory: the versions each package may have."""

    def __init__(self, directory: str | None) -> None:
        self.directory = directory
        self.ranges: dict[str, tuple[Interval, str]] = {}
        self.pinned: dict[str, tuple[Interval, str]] = {}
        h = hashlib.blake2b(digest_size=16)
        for name in (_MANIFEST, *_LOCKS) if directory is not None else ():
            path = os.path.join(directory, name)
            if not os.path.isfile(path):  # nor a FIFO or a device, which open() could wait on forever
                continue
            try:
                with open(path, "rb") as fh:
                    data = fh.read()
            except OSError:
                continue
            h.update(name.encode() + b"\0" + data + b"\0")
            try:
                self._read(name, data.decode("utf-8", "replace"))
            except (ValueError, AttributeError, TypeError):
                continue  # a file errlint cannot read declares nothing it can use
        self.digest = h.hexdigest()

    def _pin(self, name: str, version: str, where: str) -> None:
        v = parse_version(version.split("(")[0])
        if v is None:
            return
        found = self.pinned.get(name)
        if found is None:
            self.pinned[name] = (Interval(v, True, v, True), f"{where}: {name} {version}")
        elif not found[0].contains(v):  # two versions installed: neither decides
            self.pinned[name] = (Interval(min(found[0].low, v), True, max(found[0].high, v), True), f"{where}: {name} (several versions)")

    def _read(self, name: str, text: str) -> None:
        if name == _MANIFEST:
            data = json.loads(text)
            for section in _SECTIONS:
                for pkg, spec in (data.get(section) or {}).items():
                    interval = parse_npm_range(spec) if isinstance(spec, str) else None
                    if interval is not None and pkg not in self.ranges:
                        self.ranges[pkg] = (interval, f"package.json: \"{pkg}\": \"{spec}\"")
        elif name.endswith(".json"):  # package-lock.json (v2, v3: packages; v1: dependencies)
            data = json.loads(text)
            for key, entry in (data.get("packages") or {}).items():
                if key.startswith("node_modules/") and "/node_modules/" not in key and isinstance(entry, dict) and "version" in entry:
                    self._pin(key[len("node_modules/"):], str(entry["version"]), name)
            for pkg, entry in (data.get("dependencies") or {}).items():
                if isinstance(entry, dict) and "version" in entry:
                    self._pin(pkg, str(entry["version"]), name)
        elif name == "yarn.lock":
            names: list[str] = []
            for line in text.splitlines():
                if line and not line[0].isspace() and line.rstrip().endswith(":"):
                    names = [_yarn_name(p) for p in line.rstrip()[:-1].split(",")]
                    continue
                m = _YARN_VERSION.match(line)
                if m and names:
                    for n in names:
                        if n:
                            self._pin(n, m.group(1), name)
                    names = []
        else:  # pnpm-lock.yaml: its packages (and snapshots) are keyed name@version
            for line in text.splitlines():
                m = _PNPM_PACKAGE.match(line)
                if m and line.rstrip().endswith(":"):
                    self._pin(m.group(1), m.group(2), name)

    def lookup(self, packages: Iterable[str]) -> tuple[Interval, str] | None:
        """The versions the project allows the first of ``packages`` it declares, and where it says so."""
        for name in packages:
            if name in self.pinned:
                return self.pinned[name]
            if name in self.ranges:
                return self.ranges[name]
        return None


def _yarn_name(spec: str) -> str:
    """``"stripe@^12.0.0"`` / ``@scope/x@npm:^1`` -> ``stripe`` / ``@scope/x``."""
    spec = spec.strip().strip('"')
    at = spec.find("@", 1)
    return spec[:at] if at > 0 else ""


class NpmDeclaredIndex(DeclaredIndex):
    """Per process: each directory's npm project declarations, found once (the first directory up
    holding a ``package.json``)."""

    prefix = NPM_DEPENDS_PREFIX

    def _declared_at(self, directory: str) -> NpmDeclared | None:  # type: ignore[override]
        return NpmDeclared(directory) if os.path.isfile(os.path.join(directory, _MANIFEST)) else None

    def _nothing(self) -> NpmDeclared:  # type: ignore[override]
        return NpmDeclared(None)


def choose_ts_generations(
    registry: PackRegistry, used: frozenset[str], packs: Iterable[str], declared: Callable[[], NpmDeclared],
) -> tuple[PackRegistry, list[Choice], bool]:
    """The registry with the TypeScript generation of each SDK the file imports (``packs``, by name) calls for, given
    the names it uses; the choices; whether the project's declarations were read."""
    read = []

    def lookup(packages):
        read.append(True)
        return declared().lookup(packages)

    wanted = set(packs)
    choices = [choose(p, used, lookup, TYPESCRIPT) for p in registry.packs if p.name in wanted and p.generations_in(TYPESCRIPT)]
    return registry.with_generations((c.pack, c.generation.name) for c in choices), choices, bool(read)
