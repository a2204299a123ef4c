"""Positions of LibCST nodes, computed one top-level statement at a time (see :class:`Places`)."""
from __future__ import annotations

import re

import libcst as cst
from libcst.metadata import CodePosition, CodeRange
from libcst.metadata.position_provider import PositionProvidingCodegenState

from .scan import children as _scan_children
from .scan import walk

_NEWLINE = re.compile(r"\r\n?|\n")  # what LibCST's PositionProvider counts as a line break


def _lines_in(code: str) -> int:
    return len(_NEWLINE.findall(code))


class _Recent(dict):
    """A dict that keeps its :data:`KEEP` most recently stored entries."""

    KEEP = 16

    def __setitem__(self, key, value) -> None:
        super().__setitem__(key, value)
        if len(self) > self.KEEP:
            del self[next(iter(self))]  # the oldest stored


class Places:
    """Positions of nodes, computed one top-level statement at a time.

    LibCST's PositionProvider generates the code of the whole module, which
    for a large file costs about twice its parse; a finding needs the
    positions of a few nodes only. The statement that holds a node is
    positioned on its own (a module of that one statement), then shifted by
    the lines of the statements before it.
    """

    def __init__(self, module: cst.Module) -> None:
        self.module = module
        self._owner: dict[int, int] = {}  # id(node) -> index of its top-level statement
        self._searched = 0  # top-level statements already indexed in _owner
        # lines of the module's code before each top-level statement, filled as far as asked
        self._starts: list[int] = [sum(_lines_in(module.code_for_node(line)) for line in module.header)]
        # per top-level statement, for the few statements asked about last (findings come
        # roughly in source order): node positions; for fix edits, its code, where its lines
        # start, block indents. A file with thousands of findings keeps a few, not all.
        self._positions: _Recent = _Recent()
        self._whole = None
        self._texts: _Recent = _Recent()
        self._line_starts: _Recent = _Recent()
        self._indents: _Recent = _Recent()

    def statement_of(self, node: cst.CSTNode) -> int | None:
        """The index of the top-level statement holding ``node`` (None: not in one)."""
        body = self.module.body
        while id(node) not in self._owner and self._searched < len(body):
            k = self._searched
            for n in walk([body[k]], enter_scopes=True):
                self._owner[id(n)] = k
            self._searched += 1
        return self._owner.get(id(node))

    def start(self, k: int) -> int:
        """The number of lines of the module's code before top-level statement ``k``."""
        body = self.module.body
        while len(self._starts) <= k:
            self._starts.append(self._starts[-1] + _lines_in(self.module.code_for_node(body[len(self._starts) - 1])))
        return self._starts[k]

    def alone(self, k: int) -> cst.Module:
        """Top-level statement ``k`` as a module of its own (same newline, indent and encoding)."""
        last = k == len(self.module.body) - 1
        return self.module.with_changes(
            header=(), footer=(), body=(self.module.body[k],),
            has_trailing_newline=self.module.has_trailing_newline or not last or bool(self.module.footer),
        )

    def text(self, k: int) -> str:
        """The code of top-level statement ``k`` alone (see :meth:`alone`), generated once."""
        text = self._texts.get(k)
        if text is None:
            text = self._texts[k] = self.alone(k).code
        return text

    def line_starts(self, k: int) -> list[int]:
        """Offsets in :meth:`text` where each line begins, line breaks counted as LibCST counts them."""
        starts = self._line_starts.get(k)
        if starts is None:
            starts = self._line_starts[k] = [0, *(m.end() for m in _NEWLINE.finditer(self.text(k)))]
        return starts

    def indent(self, k: int, node: cst.CSTNode) -> str | None:
        """The indentation LibCST writes before each line of ``node`` (its enclosing blocks' indents)."""
        indents = self._indents.get(k)
        if indents is None:
            indents = self._indents[k] = {}
            default = self.module.default_indent
            stack: list[tuple[cst.CSTNode, str]] = [(self.module.body[k], "")]
            while stack:
                n, prefix = stack.pop()
                indents[id(n)] = prefix
                if isinstance(n, cst.IndentedBlock):
                    prefix += default if n.indent is None else n.indent
                stack.extend((c, prefix) for c in _scan_children(n))
        return indents.get(id(node))

    def local_position(self, k: int, node: cst.CSTNode):
        """``node``'s position in the code of top-level statement ``k`` alone."""
        positions = self._positions.get(k)
        if positions is None:
            positions = self._positions[k] = _positions_in(self.alone(k))
        return positions[node]

    def position(self, node: cst.CSTNode):
        k = self.statement_of(node)
        if k is None:  # the module itself, or a node the walk does not enter: whole-module positions
            if self._whole is None:
                self._whole = _positions_in(self.module)
            return self._whole[node]
        local = self.local_position(k, node)
        shift = self.start(k)
        if not shift:
            return local
        return CodeRange(CodePosition(local.start.line + shift, local.start.column), CodePosition(local.end.line + shift, local.end.column))


def _positions_in(module: cst.Module) -> dict:
    """LibCST's PositionProvider positions of every node of ``module``.

    What ``MetadataWrapper(module).resolve(PositionProvider)`` gives, without the
    wrapper's visit of the whole tree (which rebuilds every node, for nothing here).
    """
    recorder = _Recorder()
    module._codegen(PositionProvidingCodegenState(module.default_indent, module.default_newline, provider=recorder))
    return recorder._computed


class _Recorder:
    """The provider a PositionProvidingCodegenState writes its positions to."""

    def __init__(self) -> None:
        self._computed: dict = {}
