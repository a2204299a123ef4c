"""The registry of a run's packs: every pack, cross-checked, and the static class graph they form.

A pack is one TOML file (``rules/*.toml``).  The schema is documented in
docs/packs.md and enforced by :mod:`errlint.packs.schema`: an unknown key, a
wrong type, an unknown retry policy, a parent that does not exist, an
inheritance cycle or bad TOML is a :class:`PackError` whose one-line message
names the file and the key.  The model (:class:`Pack` and the classes it
holds) is in :mod:`errlint.packs.model`.
"""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace
from pathlib import Path

from ..hierarchy import ClassGraph
from .model import ErrorSpec, Pack, PackError
from .schema import load_pack


# ---------------------------------------------------------------------------
# The registry: every pack of a run, and the static class graph they form.


class PackRegistry:
    """All packs of a run, cross-checked, and the static class graph they form."""

    def __init__(self, packs: Iterable[Pack]) -> None:
        self.packs: tuple[Pack, ...] = tuple(packs)
        named: dict[str, Pack] = {}
        for pack in self.packs:
            other = named.setdefault(pack.name, pack)
            if other is not pack:
                raise PackError(f"{pack.path}: sdk.name: {pack.name!r} is already the name of {other.path}; pack names must be unique")
        parents: dict[str, tuple[str, ...]] = {}
        aliases: dict[str, str] = {}
        owner: dict[str, Pack] = {}
        self.errors: dict[str, ErrorSpec] = {}
        self.error_pack: dict[str, Pack] = {}
        for pack in self.packs:
            for qual, spec in (*pack.errors.items(), *pack.ts_errors.items()):
                if qual in owner and owner[qual].path != pack.path:
                    raise PackError(f"{pack.path}: errors.{spec.name}: {qual} is already defined by {owner[qual].path}")
                owner[qual] = pack
                parents[qual] = spec.parents
                self.errors[qual] = spec
                self.error_pack[qual] = pack
            for name, target in (*pack.aliases.items(), *pack.ts_aliases.items()):
                if aliases.get(name, target) != target:
                    raise PackError(f"{pack.path}: {name} already names {aliases[name]}")
                aliases[name] = target
        # every referenced class must exist somewhere
        for pack in self.packs:
            for qual, spec in (*pack.errors.items(), *pack.ts_errors.items()):
                for p in spec.parents:
                    if p not in parents and p not in aliases:
                        raise PackError(f"{pack.path}: errors.{spec.name}.parent: unknown class {p!r}")
        self.graph = ClassGraph(parents, aliases)
        for pack in self.packs:
            for i, ar in enumerate((*pack.auto_retry, *pack.ts_auto_retry)):
                for q in ar.on:
                    if not self.graph.knows(q):
                        raise PackError(f"{pack.path}: auto_retry.on: unknown class {q!r}")
        _check_global_cycles(self)
        self.sdk_modules: dict[str, Pack] = {}
        self.npm_packages: dict[str, Pack] = {}  # TypeScript / JavaScript: npm package name -> pack
        for pack in self.packs:
            for m in pack.modules:
                self.sdk_modules[m] = pack
            for m in (*pack.npm, *(m for spec in pack.ts_errors.values() for m in spec.npm)):
                self.npm_packages.setdefault(m, pack)  # the pack's npm packages, and the modules its classes name

    def with_generations(self, chosen: Iterable[tuple[str, str]]) -> PackRegistry:
        """This registry with the named generations of some packs (``(pack name, generation name)``
        pairs; a pack's current generation changes nothing); built once per selection."""
        swap = {}
        for name, generation in chosen:
            pack = self.pack_named(name)
            g = next((g for g in pack.generations if g.name == generation), None) if pack is not None else None
            if g is not None and g.pack is not None:
                swap[name] = g.pack
        if not swap:
            return self
        key = tuple(sorted((n, p.version or "", id(p)) for n, p in swap.items()))
        variants = self.__dict__.setdefault("_variants", {})
        found = variants.get(key)
        if found is None:
            found = variants[key] = PackRegistry(swap.get(p.name, p) for p in self.packs)
        return found

    def spec(self, name: str) -> ErrorSpec | None:
        canon = self.graph.canonical(name)
        return self.errors.get(canon) if canon else None

    def pack_named(self, name: str) -> Pack | None:
        for p in self.packs:
            if p.name == name:
                return p
        return None


def _check_global_cycles(reg: PackRegistry) -> None:
    """No class is its own ancestor across packs (one depth-first walk over the graph: linear in its size)."""
    graph = reg.graph
    state: dict[str, int] = {}  # 1: on the current path, 2: done
    for start in reg.errors:
        if state.get(start):
            continue
        path: list[str] = [start]
        state[start] = 1
        stack = [iter(graph.parents(start))]
        while stack:
            current = next(stack[-1], None)
            if current is None:
                state[path.pop()] = 2
                stack.pop()
                continue
            if state.get(current) == 1:
                chain = path[path.index(current):] + [current]
                qual = chain[0]
                pack = reg.error_pack.get(qual) or reg.error_pack[start]
                name = reg.errors[qual].name if qual in reg.errors else qual
                raise PackError(f"{pack.path}: errors.{name}.parent: inheritance cycle: {' -> '.join(chain)}")
            if state.get(current) == 2:
                continue
            state[current] = 1
            path.append(current)
            stack.append(iter(graph.parents(current)))


def bundled_rules_dir() -> Path:
    """Where the packs shipped with errlint live (inside the wheel, or the source tree)."""
    here = Path(__file__).resolve().parent.parent  # the errlint package
    for candidate in (here / "rules", here.parent / "rules"):
        if candidate.is_dir():
            return candidate
    raise PackError(f"{here}: the bundled rules/ directory is missing; reinstall errlint")


def bundled_pack_paths() -> list[Path]:
    return sorted(bundled_rules_dir().glob("*.toml"))


def load_packs(extra: Iterable[str | Path] = (), everywhere: Iterable[str] = ()) -> list[Pack]:
    """The bundled packs and ``extra`` ones (a file named twice is one pack); the packs
    named in ``everywhere`` (packs without a module) apply to every file, not only to the
    files that are about their API."""
    everywhere = set(everywhere)
    paths = {str(p.resolve()): p for p in [*bundled_pack_paths(), *map(Path, extra)]}
    packs = [load_pack(p) for p in paths.values()]
    return [replace(p, everywhere=True) if p.name in everywhere else p for p in packs]


def load_registry(extra: Iterable[str | Path] = (), disable: Iterable[str] = (), everywhere: Iterable[str] = ()) -> PackRegistry:
    disabled = set(disable)
    return PackRegistry(p for p in load_packs(extra, everywhere) if p.name not in disabled or p.is_language)
