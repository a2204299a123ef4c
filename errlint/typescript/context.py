"""The TypeScript front end's facts about one file (the :class:`~errlint.facts.FileFacts` the checks read)."""
from __future__ import annotations

from ..facts import FileFacts, Span, TryStatement
from ..hierarchy import ClassGraph
from ..packs import PackRegistry
from ..packs.model import TYPESCRIPT
from .names import ModuleNames, text
from .parse import Lines


class TsFile(FileFacts):
    """One TypeScript or JavaScript file: its names, classes and the facts the enabled checks need."""

    language = TYPESCRIPT

    def __init__(
        self, path: str, module_name: str, registry: PackRegistry, names: ModuleNames, lines: Lines, project=None,
    ) -> None:
        self.path = path
        self.module_name = module_name
        self.registry = registry
        self.names = names
        self.lines = lines
        self.tries: list[TryStatement] = []
        self.constructs = []  # not gathered yet for TypeScript
        self.collections = []
        self.found: list[tuple[str, Span, str, object | None]] = []
        self._graph: ClassGraph | None = None
        self.project = project  # ProjectModules: the classes of other project modules, read on demand
        self.receivers = None  # SdkCalls (receivers.py), when an enabled check needs "calls"

    @property
    def graph(self) -> ClassGraph:
        """The registry's classes, those of the project modules the file's classes and tests name
        (read now: every fact is gathered), and this file's own (``class X extends Y``)."""
        if self._graph is None:
            own = self.names.own_classes()
            graph = self.registry.graph
            if self.project is not None:
                demanded = {p for parents in own.values() for p in parents}
                demanded.update(r.qualname for t in self.tries for h in t.handlers for r in h.refs or () if r.qualname)
                demanded.update(q for c in self.constructs for q in (*c.on, *c.excluded) if q)
                parents, aliases = self.project.layer(demanded)
                graph = graph.layer(parents, aliases)
            self._graph = graph.layer(own)
        return self._graph

    def pack_applies(self, pack) -> bool:
        """A pack with a TypeScript side: a language pack everywhere, an SDK where the file imports its npm package."""
        if TYPESCRIPT not in pack.languages:
            return False
        if pack.is_language:
            return True
        return any(self.names.pack_of(spec) is pack for spec in self.names.imported)

    def span(self, handle, end=None) -> Span:
        lines = self.lines
        last = end if end is not None else handle
        return Span(lambda: lines.where(handle.start_byte, last.end_byte))

    def text_of(self, handle) -> str:
        return text(handle)

    def report_at(self, code: str, at: Span, message: str, request=None) -> None:
        self.found.append((code, at, message, request))
