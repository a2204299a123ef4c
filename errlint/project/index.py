"""Project modules read on demand: one resolver, one reader, one lazy layer of the class graph.

A file names classes of other project modules (``from .errors import
SyncError``, ``from app import ConfigError``). Whatever front end lints it
(a whole tree, the file alone, flake8, pre-commit, standard input, ``--fix``),
those names are resolved the same way, from disk, only when a check asks:

* :class:`ModuleFinder` (in :mod:`errlint.project.finder`) maps a dotted
  module name to a file the way Python's path finder would from the linted
  file's location: the root above its chain of ``__init__.py`` packages first,
  then the configured ``src`` roots; a regular package wins over a module, a
  module over a namespace package (directories without ``__init__.py``, whose
  portions merge across roots); a compiled module is read from the ``.pyi``
  stub beside it, or not at all.
* :func:`read_facts` (in :mod:`errlint.project.facts`) reads a module's
  top-level classes (with their bases), import bindings, assignments,
  ``__all__`` and star imports from CPython's ``ast`` (never LibCST). A name
  bound differently in two places (``try: from x import A`` / ``except
  ImportError: A = ValueError``) is unknown.
  Facts are memoised by the digest of the module's bytes.
* :class:`ProjectLayer` is a layer of :class:`~errlint.hierarchy.ClassGraph`
  whose lookups fall through to those modules: re-export chains of any depth
  (followed here, so the graph sees one alias), star re-exports of star
  re-exports, ``import x as y``. Cycles end the lookup (the name is unknown).
  It records every module it resolved (path and digest, or "not found") so a
  cached result can be checked against them.

Only what a verdict asks for is read: a file whose handlers name only
builtins and SDK classes reads no other module. A host that knows newer
content than the disk's (the language server: the editor's unsaved buffers)
hands the index an overlay, real path -> bytes, read before the disk.
"""
from __future__ import annotations

import builtins
import hashlib
import os
from collections.abc import Mapping, Sequence

from ..hierarchy import ClassGraph
from .facts import ModuleFacts, read_facts
from .finder import COMPILED, Found, ModuleFinder, roots_for

_BUILTINS = frozenset(dir(builtins)) | {"ExceptionGroup", "BaseExceptionGroup", "EncodingWarning"}
_MAX_STEPS = 10_000  # alias hops in one lookup: far beyond any real re-export chain, and never a hang
_FACTS_LIMIT = 16_384  # modules' facts kept in memory (by digest): more than any run reads, bounded for a server


def digest(data: bytes) -> str:
    return hashlib.blake2b(data, digest_size=16).hexdigest()


# -- the index: a process's memo of modules ------------------------------------------------------
class ProjectIndex:
    """Module files and their facts, memoised for a process (facts by content digest).

    ``overlay``: real path -> bytes that stand for the file on disk (an editor's
    unsaved buffers); its owner changes it as it likes and calls :meth:`forget`
    for a path whose disk content may have changed since it was read.
    """

    def __init__(self, src: Sequence[str] = (), overlay: Mapping[str, bytes] | None = None) -> None:
        self.src = tuple(src)
        self.finder = ModuleFinder()
        self.overlay: Mapping[str, bytes] = overlay if overlay is not None else {}
        self._bytes: dict[str, bytes | None] = {}  # real path -> content read from disk (None: unreadable)
        self._facts: dict[tuple[str, str, bool], ModuleFacts | None] = {}
        self._digests: dict[str, str | None] = {}  # real path -> digest of the bytes in self._bytes
        self._overlaid: dict[str, tuple[bytes, str]] = {}  # real path -> (overlay bytes, their digest)
        self.reads = 0  # modules whose facts were read (not answered by the memo)

    def forget(self, paths: Sequence[str]) -> None:
        """Read these files again when next asked (their disk content may have changed)."""
        from ..paths import real_path

        for path in paths:
            key = real_path(os.path.abspath(path))
            self._bytes.pop(key, None)
            self._digests.pop(key, None)
            self._overlaid.pop(key, None)

    def seed(self, files: Sequence[tuple[str, bytes]]) -> None:
        """Content already in memory (the files of a run, standard input): not read again."""
        from ..paths import real_path

        for path, source in files:
            if os.path.lexists(path):
                key = real_path(os.path.abspath(path))
                self._bytes[key] = source
                self._digests.pop(key, None)

    def content(self, path: str) -> bytes | None:
        from ..paths import real_path

        key = real_path(os.path.abspath(path))
        if key in self.overlay:
            return self.overlay[key]
        if key not in self._bytes:
            try:
                with open(key, "rb") as fh:
                    self._bytes[key] = fh.read()
            except (OSError, ValueError):
                self._bytes[key] = None
        return self._bytes[key]

    def file_digest(self, path: str) -> str | None:
        """The digest of ``path``'s bytes as read this run (computed once per file)."""
        from ..paths import real_path

        key = real_path(os.path.abspath(path))
        data = self.overlay.get(key)
        if data is not None:  # an unsaved buffer: its digest is computed once per version of it
            known = self._overlaid.get(key)
            if known is None or known[0] is not data:
                known = self._overlaid[key] = (data, digest(data))
            return known[1]
        if key not in self._digests:
            data = self.content(path)
            self._digests[key] = None if data is None else digest(data)
        return self._digests[key]

    def facts(self, name: str, found: Found) -> tuple[ModuleFacts | None, str | None]:
        """The facts of module ``name`` read from ``found`` and the digest they were read from."""
        if not found.path:
            return ModuleFacts(name, name, {}), ""  # a namespace package binds nothing
        if found.path == COMPILED:
            return None, ""
        d = self.file_digest(found.path)
        if d is None:
            return None, None
        key = (d, name, found.is_package)
        if key not in self._facts:
            if len(self._facts) >= _FACTS_LIMIT:  # a long-lived process (an editor's) sees many versions of a module
                self._facts.clear()
            self.reads += 1
            self._facts[key] = read_facts(self.content(found.path), name, found.is_package)
        return self._facts[key], d

    def layer(self, base: ClassGraph, path: str, module_name: str, is_package: bool) -> ProjectLayer:
        return ProjectLayer(base, self, roots_for(path, module_name, is_package, self.src), module_name)

    def still_valid(self, path: str, module_name: str, is_package: bool, depends: Mapping[str, list]) -> bool:
        """Whether every module a cached result of ``path`` depended on is still the same file and bytes."""
        roots = roots_for(path, module_name, is_package, self.src)
        for name, recorded in depends.items():
            if not isinstance(recorded, list) or len(recorded) != 2:
                return False
            found = self.finder.find(name, roots)
            if found is None:
                if recorded != [None, None]:
                    return False
                continue
            where = found.path
            if recorded[0] != where:
                return False
            if where and where != COMPILED and self.file_digest(where) != recorded[1]:
                return False
        return True


# -- the lazy layer -------------------------------------------------------------------------------
class _Lazy:
    """A mapping whose ``get`` asks the layer (what :class:`ClassGraph` reads of ``_parents``/``_aliases``)."""

    __slots__ = ("_ask", "_known")

    def __init__(self, ask) -> None:
        self._ask = ask
        self._known: dict[str, object] = {}

    def get(self, name: str, default=None):
        value = self._ask(name)
        return default if value is None else value

    def __contains__(self, name: object) -> bool:
        return isinstance(name, str) and self._ask(name) is not None

    def __iter__(self):
        return iter(list(self._known))

    def keys(self):
        return list(self._known)


class ProjectLayer(ClassGraph):
    """The class graph plus the project modules a file imports, read on first use."""

    def __init__(self, base: ClassGraph, index: ProjectIndex, roots: tuple[str, ...], module_name: str) -> None:
        super().__init__({}, {}, base)
        self.index = index
        self.roots = roots
        self.own_module = module_name
        self.depends: dict[str, list] = {}  # module name -> [path or None, digest or None]
        self._answers: dict[str, tuple | None] = {}
        self._busy: set[str] = set()
        self._parents = _Lazy(self._parents_of)  # type: ignore[assignment]
        self._aliases = _Lazy(self._alias_of)  # type: ignore[assignment]

    # ClassGraph reads these
    def _parents_of(self, name: str):
        answer = self._answer(name)
        if answer is not None and answer[0] == "class":
            self._parents._known[name] = answer[1]
            return answer[1]
        return None

    def _alias_of(self, name: str):
        answer = self._answer(name)
        if answer is not None and answer[0] == "alias":
            self._aliases._known[name] = answer[1]
            return answer[1]
        return None

    # -- resolution --------------------------------------------------------------------------------
    def _module(self, name: str) -> ModuleFacts | None:
        found = self.index.finder.find(name, self.roots)
        if found is None:
            self.depends.setdefault(name, [None, None])
            return None
        facts, d = self.index.facts(name, found)
        self.depends.setdefault(name, [found.path, d])
        return facts

    def _answer(self, name: str) -> tuple | None:
        """("class", bases) or ("alias", final target) for a project name; None otherwise."""
        if name in self._answers:
            return self._answers[name]
        if not name or name[0] == "?" or "." not in name or name.startswith("builtins."):
            return None
        base = self._base
        if base is not None and base.canonical(name) is not None:
            return None  # builtins, stdlib and SDK packs answer first
        if name in self._busy:
            return None  # a re-export cycle: unknown
        self._busy.add(name)
        try:
            answer = self._resolve(name)
        finally:
            self._busy.discard(name)
        self._answers[name] = answer
        return answer

    def _resolve(self, name: str) -> tuple | None:
        current = name
        seen = {name}
        for _ in range(_MAX_STEPS):
            step = self._step(current)
            if step is None:
                return None
            kind, value = step
            if kind == "class":
                return ("class", value) if current == name else ("alias", current)
            # an alias: follow it here, so a chain of any length is one alias for the graph
            if value in seen:
                return None  # a cycle
            seen.add(value)
            if self._base is not None and self._base.canonical(value) is not None:
                return ("alias", value)
            current = value
        return None

    def _step(self, name: str) -> tuple | None:
        """One hop: ("class", bases) if ``name`` is a project class, ("alias", target) if a binding."""
        parts = name.split(".")
        for k in range(len(parts) - 1, 0, -1):
            facts = self._module(".".join(parts[:k]))
            if facts is not None:
                break
        else:
            return None
        head, rest = parts[k], parts[k + 1:]
        value = facts.values.get(head)
        if value is None:
            star = self._from_star(facts, head)
            return None if star is None else ("alias", ".".join([star, *rest]))
        kind = value[0]
        if kind == "class":
            if rest:
                return None  # a nested class: not read
            return "class", self._bases(facts, value[1])
        if kind == "import":
            return "alias", ".".join([value[1], *rest])
        if kind == "ref":
            target = self._local(facts, value[1])
            return None if target is None else ("alias", ".".join([target, *rest]))
        return None  # ambiguous, a tuple, a function, something else: not a class errlint can name

    def _from_star(self, facts: ModuleFacts, head: str) -> str | None:
        """``module.head`` for the first star-imported module that provides ``head``."""
        for module in facts.stars:
            target = f"{module}.{head}"
            provided = self._module(module)
            if provided is None:
                continue
            if provided.all is not None:
                if head not in provided.all:
                    continue
            elif head.startswith("_"):
                continue
            if self.canonical(target) is not None:
                return target
        return None

    def _local(self, facts: ModuleFacts, dotted: str) -> str | None:
        """The qualified name ``dotted`` has inside module ``facts``."""
        head, _, rest = dotted.partition(".")
        if head in facts.values:
            if facts.values[head][0] in ("ambiguous", "other", "tuple"):
                return None
            q = f"{facts.name}.{head}"
        elif head in _BUILTINS:
            q = f"builtins.{head}"
        else:
            q = f"{facts.name}.{head}"  # perhaps from a star import: the lookup of q follows it
        return f"{q}.{rest}" if rest else q

    def _bases(self, facts: ModuleFacts, written: tuple[str, ...]) -> tuple[str, ...]:
        out: list[str] = []
        for text in written:
            if text.startswith("*"):
                value = facts.values.get(text[1:])
                if value is not None and value[0] == "tuple":
                    out.extend(self._local(facts, t) or "?" for t in value[1])
                else:
                    out.append("?*")  # bases errlint cannot list
            elif text == "?":
                out.append("?")
            else:
                out.append(self._local(facts, text) or f"?{text}")
        return tuple(out) or ("builtins.object",)
