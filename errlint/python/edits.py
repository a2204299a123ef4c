"""Text edits (ruff's JSON shape) for LibCST replacements, computed per top-level statement."""
from __future__ import annotations

import libcst as cst
from libcst._nodes.internal import CodegenState
from libcst.metadata.position_provider import PositionProvidingCodegenState

from .places import _NEWLINE, Places, _Recorder

def _text_edits(places: Places, fix) -> list[dict]:
    """ruff-style edits: for each replacement, the changed text and its 1-based range in the original.

    The replacement is applied to its top-level statement alone (see :class:`Places`);
    only a replacement of something outside every statement is applied to the whole module.
    """
    from .fixes import apply_replacements

    module = places.module
    edits = []
    # replacements inside one top-level statement make one edit (edits of one fix never overlap)
    groups: dict[int | None, list] = {}
    for r in fix.replacements:
        groups.setdefault(places.statement_of(r.old), []).append(r)
    for k, group in groups.items():
        # one replacement: an edit at the cost of the replaced node (h4); several in one
        # statement: one edit of the whole statement, so the fix's edits never overlap
        edit = _edit_in_place(places, k, group[0]) if k is not None and len(group) == 1 else None
        if edit is not None:
            edits.append(edit)
            continue
        one = type(fix)(fix.applicability, fix.message, tuple(group))
        if k is None:
            part, lines_before = module, 0
        else:
            part, lines_before = places.alone(k), places.start(k)
        original = part.code
        changed = apply_replacements(part, [one]).code
        start = 0
        limit = min(len(original), len(changed))
        while start < limit and original[start] == changed[start]:
            start += 1
        end_o, end_c = len(original), len(changed)
        while end_o > start and end_c > start and original[end_o - 1] == changed[end_c - 1]:
            end_o -= 1
            end_c -= 1
        # whole lines read better than a character-level diff
        start = original.rfind("\n", 0, start) + 1
        newline = original.find("\n", end_o)
        grow = (newline + 1 if newline != -1 else len(original)) - end_o
        if end_o > start and original[end_o - 1] == "\n":
            grow = 0
        end_o += grow
        end_c += grow
        edits.append(
            {
                "content": changed[start:end_c],
                "location": _row_col(original, start, lines_before),
                "end_location": _row_col(original, end_o, lines_before),
            }
        )
    return edits


def _edit_in_place(places: Places, k: int, r) -> dict | None:
    """The edit of :func:`_text_edits` for replacement ``r`` in statement ``k``, at a cost that
    follows the size of the replaced node, not of its statement (a class of thousands of methods).

    Only the old and the new node are generated, with the indentation of their blocks; the
    statement's code with the replacement in is read through offsets, never built. None when a
    precondition does not hold (a removal, or the old node's code is not where its position
    says): the caller then applies the replacement to the whole statement.
    """
    new_nodes = r.new.nodes if isinstance(r.new, cst.FlattenSentinel) else (r.new,)
    if not new_nodes or not all(isinstance(n, cst.CSTNode) for n in new_nodes):
        return None  # a removal can leave a block that LibCST fills with `pass`: not local
    indent = places.indent(k, r.old)
    if indent is None:
        return None
    module = places.module
    places.position(r.old)  # positions of statement k, local to its text
    local = places.local_position(k, r.old)
    # the old node's code, and where its syntactic start lies in that code
    state = PositionProvidingCodegenState(module.default_indent, module.default_newline, provider=_Recorder())
    state.indent_tokens = [indent] if indent else []
    r.old._codegen(state)
    old_code = "".join(state.tokens)
    own = state.provider._computed[r.old].start
    text = places.text(k)
    starts = places.line_starts(k)
    first = local.start.line - own.line + 1  # the line (1-based, in text) where old_code starts
    if first < 1 or first > len(starts):
        return None
    a = starts[first - 1] + (local.start.column - own.column if own.line == 1 else 0)
    b = a + len(old_code)
    if text[a:b] != old_code:
        return None
    tokens: list[str] = []
    for n in new_nodes:
        gen = CodegenState(module.default_indent, module.default_newline)
        gen.indent_tokens = [indent] if indent else []
        n._codegen(gen)
        tokens.extend(gen.tokens)
    new_code = "".join(tokens)
    # as _text_edits would on text and changed = text[:a] + new_code + text[b:], without building changed
    shift = len(new_code) - len(old_code)
    a_new = a + len(new_code)

    def changed(i: int) -> str:
        if i < a:
            return text[i]
        if i < a_new:
            return new_code[i - a]
        return text[i - shift]

    len_o, len_c = len(text), len(text) + shift
    limit = min(len_o, len_c)
    start = a
    while start < limit and text[start] == changed(start):
        start += 1
    # the tails after the node are equal: skip them, then compare back through the node
    tail = min(len_o - b, len_o - start, len_c - start)
    end_o, end_c = len_o - max(tail, 0), len_c - max(tail, 0)
    while end_o > start and end_c > start and text[end_o - 1] == changed(end_c - 1):
        end_o -= 1
        end_c -= 1
    start = text.rfind("\n", 0, start) + 1
    newline = text.find("\n", end_o)
    grow = (newline + 1 if newline != -1 else len_o) - end_o
    if end_o > start and text[end_o - 1] == "\n":
        grow = 0
    end_o += grow
    end_c += grow
    content = _slice(text, new_code, a, a_new, shift, start, end_c)
    lines_before = places.start(k)
    return {
        "content": content,
        "location": _row_col_in(starts, start, lines_before),
        "end_location": _row_col_in(starts, end_o, lines_before),
    }


def _slice(text: str, new_code: str, a: int, a_new: int, shift: int, i: int, j: int) -> str:
    """``(text[:a] + new_code + text[a + len(new_code) - shift:])[i:j]`` without building the whole."""
    parts = []
    if i < a:
        parts.append(text[i:min(j, a)])
    if j > a and i < a_new:
        parts.append(new_code[max(i, a) - a:min(j, a_new) - a])
    if j > a_new:
        parts.append(text[max(i, a_new) - shift:j - shift])
    return "".join(parts)


def _row_col_in(starts: list[int], offset: int, lines_before: int) -> dict:
    """As :func:`_row_col`, from the line starts of the text (a bisection, not a count)."""
    from bisect import bisect_right

    row = bisect_right(starts, offset)
    return {"row": lines_before + row, "column": offset - starts[row - 1] + 1}


def _row_col(text: str, offset: int, lines_before: int = 0) -> dict:
    """1-based row and column of ``offset``, line breaks counted as LibCST counts them."""
    row, line_start = lines_before + 1, 0
    for brk in _NEWLINE.finditer(text, 0, offset):
        row, line_start = row + 1, brk.end()
    return {"row": row, "column": offset - line_start + 1}
