"""The registry of a run's packs: every pack, cross-checked, and the static class graph they form.

A pack is one TOML file (``rules/*.toml``).  The schema is documented in
docs/packs.md and enforced by :mod:`errlint.packs.schema`: an unknown key, a
wrong type, an unknown retry policy, a parent that does not exist, an
inheritance cycle or bad TOML is a :class:`PackError` whose one-line message
names the file and the key.  The model (:class:`Pack` and the classes it
holds) is in :mod:`errlint.packs.model`.
"""
from __future__ import annotations

import os
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import replace
from pathlib import Path

from ..hierarchy import ClassGraph, find_cycle, show_cycle
from ..reading import read_regular_file
from .model import ErrorSpec, Pack, PackError
from .reader import ParsedStore
from .schema import load_pack


# ---------------------------------------------------------------------------
# The registry: every pack of a run, and the static class graph they form.


class PackRegistry:
    """All packs of a run, cross-checked, and the static class graph they form.

    ``left_out``: packs that are not part of the run (disabled, or replaced by a pack of the same
    name) but that the run's packs may name: a reference to one of their classes (a ``parent``, an
    ``auto_retry.on`` entry) is not an error, and the class stays unknown to the graph. A class of
    the run's packs that derives from such a class is left out too (:func:`_leave_out`): errlint
    cannot know all of its ancestors, and a class whose ancestors are partly unknown would make it
    conclude wrongly that a handler does not catch it. ``replaced``: the name of each bundled pack a
    pack of the run replaces, and that pack's file (for ``--show-settings``).
    """

    def __init__(self, packs: Iterable[Pack], left_out: Iterable[Pack] = (), replaced: Mapping[str, str] | None = None) -> None:
        self.given: tuple[Pack, ...] = tuple(packs)  # as loaded (generations swap packs in these)
        self.left_out: tuple[Pack, ...] = tuple(left_out)
        self.replaced: dict[str, str] = dict(replaced or {})
        self.packs, self.dropped, excused = _leave_out(self.given, self.left_out)
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
            entries = [*((f"auto_retry[{i}]", a) for i, a in enumerate(pack.auto_retry)), *(("auto_retry (TypeScript)", a) for a in pack.ts_auto_retry)]
            for where, ar in entries:
                for q in ar.on:
                    if not self.graph.knows(q) and q not in excused:
                        raise PackError(f"{pack.path}: {where}.on: unknown class {q!r}")
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
            found = variants[key] = PackRegistry((swap.get(p.name, p) for p in self.given), self.left_out, self.replaced)
        return found

    def spec(self, name: str) -> ErrorSpec | None:
        canon = self.graph.canonical(name)
        return self.errors.get(canon) if canon else None

    def pack_named(self, name: str) -> Pack | None:
        for p in self.packs:
            if p.name == name:
                return p
        return None


def _leave_out(packs: tuple[Pack, ...], left_out: tuple[Pack, ...]) -> tuple[tuple[Pack, ...], dict[str, dict[str, str]], frozenset[str]]:
    """``packs`` less the classes that derive from a class only a ``left_out`` pack defines.

    Returns the packs (a pack that loses classes is a copy without them, their aliases included),
    the classes each pack lost (by pack name; each with the left-out class it derives from), and every name that may be referenced without being
    an error: the left-out packs' class names, and the names of the classes lost.
    """
    if not left_out:
        return packs, {}, frozenset()
    aliases: dict[str, str] = {}
    defined: set[str] = set()
    for pack in packs:
        defined.update(pack.errors)
        defined.update(pack.ts_errors)
        aliases.update(pack.aliases)
        aliases.update(pack.ts_aliases)

    def end(name: str) -> str:  # where the run's aliases lead from ``name``
        for _ in range(32):
            if name in defined or name not in aliases:
                return name
            name = aliases[name]
        return name

    def canonical(name: str) -> str | None:
        found = end(name)
        return found if found in defined else None

    gone = {  # the names only a left-out pack defines
        name for pack in left_out
        for name in (*pack.errors, *pack.ts_errors, *pack.aliases, *pack.ts_aliases) if canonical(name) is None
    }
    theirs = {a: t for pack in left_out for a, t in (*pack.aliases.items(), *pack.ts_aliases.items())}

    def named(name: str) -> str:  # a left-out class by its defining name
        for _ in range(32):
            if name not in theirs:
                break
            name = theirs[name]
        return name

    dropped: dict[str, str] = {}  # class -> the left-out class it derives from
    changed = True
    while changed:  # to a fixed point: a class deriving from a dropped class is dropped too
        changed = False
        for pack in packs:
            for qual, spec in (*pack.errors.items(), *pack.ts_errors.items()):
                if qual in dropped:
                    continue
                cause = next((named(end(p)) if end(p) in gone else dropped[end(p)] for p in spec.parents
                              if end(p) in gone or end(p) in dropped), None)
                if cause is not None:
                    dropped[qual] = cause
                    changed = True
    lost: dict[str, dict[str, str]] = {}
    out = []
    for pack in packs:
        mine = {q: dropped[q] for q in (*pack.errors, *pack.ts_errors) if q in dropped}
        if not mine:
            out.append(pack)
            continue
        lost[pack.name] = mine
        out.append(replace(
            pack,
            errors={q: s for q, s in pack.errors.items() if q not in dropped},
            ts_errors={q: s for q, s in pack.ts_errors.items() if q not in dropped},
            aliases={n: t for n, t in pack.aliases.items() if end(t) not in dropped},
            ts_aliases={n: t for n, t in pack.ts_aliases.items() if end(t) not in dropped},
        ))
    names = {n for n in aliases if end(n) in dropped or end(n) in gone}
    return tuple(out), lost, frozenset(gone | set(dropped) | names)


def _check_global_cycles(reg: PackRegistry) -> None:
    """An inheritance cycle across packs (aliases followed) names its classes, from the pack of the first."""

    graph = reg.graph
    cycle = find_cycle(reg.errors, graph.parents)
    if cycle:
        qual = cycle[0]
        pack = reg.error_pack[qual]
        raise PackError(f"{pack.path}: errors.{reg.errors[qual].name}.parent: inheritance cycle: {show_cycle(cycle)}")


def bundled_rules_dir() -> Path:
    """Where the packs shipped with errlint live (inside the wheel, or the source tree)."""
    here = Path(__file__).resolve().parent.parent  # the errlint package
    for candidate in (here / "rules", here.parent / "rules"):
        if candidate.is_dir():
            return candidate
    raise PackError(f"{here}: the bundled rules/ directory is missing; reinstall errlint")


def bundled_pack_paths() -> list[Path]:
    return sorted(bundled_rules_dir().glob("*.toml"))


def load_packs(extra: Iterable[str | Path] = (), everywhere: Iterable[str] = (), store: ParsedStore | None = None) -> list[Pack]:
    """The bundled packs and ``extra`` ones (a file named twice is one pack); the packs
    named in ``everywhere`` (packs without a module) apply to every file, not only to the
    files that are about their API. ``store``: the files' tables kept by an earlier run."""
    everywhere = set(everywhere)
    packs = [load_pack(p, store) for p in pack_files(extra)]
    return [replace(p, everywhere=True) if p.name in everywhere else p for p in packs]


def pack_files(extra: Iterable[str | Path] = ()) -> list[Path]:
    """The files :func:`load_packs` reads: the bundled packs, then ``extra`` (a file named twice once)."""
    paths: dict[str, Path] = {}
    for p in [*bundled_pack_paths(), *map(Path, extra)]:
        if "\0" in str(p):
            raise PackError(f"{str(p)!r}: a pack path holds a NUL byte, which no path can hold")
        paths.setdefault(os.path.realpath(p), p)  # os.path's: a symbolic link loop is left for reading to report
    return list(paths.values())


def packs_digest(extra: Iterable[str | Path] = (), everywhere: Iterable[str] = (), disable: Iterable[str] = ()) -> str | None:
    """What decides :func:`load_registry`'s packs, as a digest (the pack files' paths and bytes,
    ``everywhere`` and ``disable``; the code that reads them is the caller's to add): the same
    digest, the same packs. None when a file cannot be read (loading them says why)."""
    import hashlib

    h = hashlib.blake2b(digest_size=16)
    try:
        for path in pack_files(extra):
            data = read_regular_file(path)
            h.update(f"{path}\0{len(data)}\0".encode())
            h.update(data)
    except (OSError, PackError):
        return None
    h.update(repr((sorted(set(everywhere)), sorted(set(disable)))).encode())
    return h.hexdigest()


def assemble(packs: Sequence[Pack], disable: Iterable[str] = ()) -> PackRegistry:
    """The registry of a run from ``packs`` (:func:`load_packs`' list: the bundled ones and the
    project's): a project pack named as a bundled one replaces it; ``disable`` leaves bundled packs
    out (a name that is both bundled and the project's: the bundled one, which is replaced anyway;
    a project pack's own name: that pack). Language packs are never left out or replaced. Packs
    left out stay known to the registry, so the packs that name their classes still load."""
    disabled = set(disable)
    home = bundled_rules_dir().resolve()
    bundled = [p for p in packs if Path(p.path).resolve().parent == home]
    mine = [p for p in packs if Path(p.path).resolve().parent != home]
    mine_names = {p.name for p in mine}
    replaced = {p.name: p.path for p in bundled if p.name in mine_names and not p.is_language}
    keep, left_out = [], []
    for p in bundled:
        (left_out if not p.is_language and (p.name in disabled or p.name in replaced) else keep).append(p)
    for p in mine:
        (left_out if p.name in disabled and p.name not in replaced else keep).append(p)
    return PackRegistry(keep, left_out, replaced)


def load_registry(extra: Iterable[str | Path] = (), disable: Iterable[str] = (), everywhere: Iterable[str] = ()) -> PackRegistry:
    return assemble(load_packs(extra, everywhere), disable)
