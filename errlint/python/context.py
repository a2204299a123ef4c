"""The Python front end's per-file state: facts for the checks, LibCST and analyses for itself."""
from __future__ import annotations

import libcst as cst

from ..diagnostics import Diagnostic
from ..facts import FileFacts, RetryConstruct, Span, TryStatement
from ..hierarchy import ClassGraph
from ..packs import PackRegistry
from .names import NameResolver
from .places import Places


class FileContext(FileFacts):
    """What the Python front end knows about the file being linted: its facts (for the checks),
    its LibCST module, name and receiver analyses (for the front end and the fixer)."""

    def __init__(
        self,
        path: str,
        module: cst.Module,
        module_name: str,
        is_package: bool,
        registry: PackRegistry,
        project: ClassGraph,
    ) -> None:
        self.path = path
        self.module = module
        self.module_name = module_name
        self.registry = registry
        self.names = NameResolver(module, module_name, is_package, known=project.knows)
        self._project = project
        self._graph: ClassGraph | None = None
        self._positions = None
        self._receivers = None
        self._retries = None
        self._scope = None
        self.source = b""  # the file's bytes (set by the engine)
        # facts, filled by the traversal (python/build.py) for the facts the enabled checks need
        self.tries: list[TryStatement] = []
        self.constructs: list[RetryConstruct] = []
        self.collections: list = []
        self.found: list[tuple[str, Span, str, object | None]] = []  # (code, span, message, fix request)

    # -- facts ---------------------------------------------------------------
    @property
    def graph(self) -> ClassGraph:
        """Static + project classes + this file's classes (complete once the traversal ends)."""
        if self._graph is None:
            self._graph = self._project.layer(self.names.classes, self.names.module_aliases())
        return self._graph

    @property
    def receivers(self):
        """SDK objects and SDK calls (shared by every check, cached per node)."""
        if self._receivers is None:
            from .receivers import ReceiverAnalysis

            self._receivers = ReceiverAnalysis(self.names, self.registry, self.span)
        return self._receivers

    def pack_applies(self, pack) -> bool:
        """Does ``pack`` apply to this file? An SDK pack where the file imports it; a pack
        without a module where the file is about its API (see python/scope.py)."""
        if self._scope is None:
            from .scope import PackScope

            self._scope = PackScope(self.source, self.receivers.imports, self.module)
        return self._scope.applies(pack)

    @property
    def retries(self):
        """Retry constructs and handler effects (shared by every check, cached per node)."""
        if self._retries is None:
            from .retries import RetryAnalysis

            index = self.receivers.index
            self._retries = RetryAnalysis(self.names, index.reauth_actions, self.span, index.retry_wrappers)
        return self._retries

    @property
    def places(self) -> Places:
        if self._positions is None:
            self._positions = Places(self.module)
        return self._positions

    def position(self, node: cst.CSTNode):
        return self.places.position(node)

    def code_for(self, node: cst.CSTNode) -> str:
        return self.module.code_for_node(node)

    def text_of(self, handle) -> str:
        return self.module.code_for_node(handle)

    def span(self, node: cst.CSTNode, end: cst.CSTNode | None = None) -> Span:
        """``node``'s span through ``end``'s end (default ``node``'s), computed when first read."""

        def resolve() -> tuple[int, int, int, int]:
            start = self.position(node).start
            stop = self.position(end if end is not None else node).end
            return start.line, start.column + 1, stop.line, stop.column + 1

        return Span(resolve)

    # -- reporting -------------------------------------------------------------
    def report_at(self, code: str, at: Span, message: str, request=None) -> None:
        """A finding of a check: where, what, and the fix it requests."""
        self.found.append((code, at, message, request))

    def diagnostics(self, rules: dict[str, str]) -> list[Diagnostic]:
        """The findings as diagnostics, in source order; each fix request made into a fix and its text edits."""
        from .edits import _text_edits
        from .fixer import fix_for

        out = []
        for code, at, message, request in self.found:
            fix = fix_for(self, request)
            if fix is not None:
                fix.edits = _text_edits(self.places, fix)
            out.append(Diagnostic(
                self.path, at.line, at.column, code, message,
                end_line=at.end_line, end_column=at.end_column, rule=rules.get(code, ""), fix=fix,
            ))
        # source order (stable: findings at one place keep the checks' order); the fix loop
        # takes overlapping fixes in this order
        out.sort(key=lambda d: (d.line, d.column))
        return out
