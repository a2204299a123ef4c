"""The Python fixer: fix requests (errlint/requests.py) turned into LibCST replacements.

Each request kind has one function here. It checks that the code's shape
allows the edit (else None: the finding is reported without a fix), builds the
replacement nodes, and may lower a safe request to unsafe when the edit would
lose a comment.
"""
from __future__ import annotations

import re

import libcst as cst

from ..fixes import Fix, Replacement, with_except_type, without_elements
from ..requests import DropConstructEntries, DropEntries, FixRequest, MoveHandler
from .retries import classes_holder


def fix_for(ctx, request: FixRequest | None) -> Fix | None:
    """The fix that carries out ``request`` in ``ctx``'s module, or None when it cannot."""
    if request is None:
        return None
    make = _MAKERS.get(type(request))
    if make is None:
        raise TypeError(f"the Python fixer does not know {type(request).__name__}")
    return make(ctx, request)


def _move_handler(ctx, r: MoveHandler) -> Fix | None:
    try_node = r.statement
    handlers = list(try_node.handlers)
    moved = handlers.pop(r.handler)
    handlers.insert(r.before, moved)
    if r.before == 0:
        # the first handler carries no blank line above it; the old first one keeps its comments
        first_old = try_node.handlers[0]
        handlers[0] = moved.with_changes(leading_lines=moved.leading_lines)
        handlers[1] = first_old
    return Fix(r.applicability, r.message, (Replacement(try_node, try_node.with_changes(handlers=handlers)),))


def _drop_entries(ctx, r: DropEntries) -> Fix | None:
    handler = r.handler
    tup = handler.type
    if not isinstance(tup, cst.Tuple):
        return None  # a tuple constant: its other users keep it
    if len(tup.elements) != r.count:
        return None  # the entries are not the tuple's elements one for one (a starred or nested tuple)
    new_type = without_elements(tup, set(r.entries))
    if new_type is None:
        return None
    new = with_except_type(handler, new_type)
    # a comment inside the tuple that the new code no longer holds would be lost
    lost = _comments(ctx.module, handler.type) - _comments(ctx.module, new.type)
    applicability = "unsafe" if lost else r.applicability
    return Fix(applicability, r.message, (Replacement(handler, new),))


def _drop_construct_entries(ctx, r: DropConstructEntries) -> Fix | None:
    holder = classes_holder(r.construct, r.kind)
    if not isinstance(holder, cst.Tuple):
        return None  # one class, or a tuple constant: its other users keep it
    if len(holder.elements) != r.count:
        return None  # the entries are not the tuple's elements one for one (a starred or nested tuple)
    new = without_elements(holder, set(r.entries))
    if new is None:
        return None
    lost = _comments(ctx.module, holder) - _comments(ctx.module, new)
    applicability = "unsafe" if lost else r.applicability
    return Fix(applicability, r.message, (Replacement(holder, new),))


def _comments(module: cst.Module, node: cst.CSTNode) -> set[str]:
    return set(re.findall(r"#[^\n]*", module.code_for_node(node)))


_MAKERS = {
    MoveHandler: _move_handler,
    DropEntries: _drop_entries,
    DropConstructEntries: _drop_construct_entries,
}
