"""The Python fixer: fix requests (errlint/requests.py) turned into LibCST replacements.

Each request kind has one function here. It checks that the code's shape
allows the edit (else None: the finding is reported without a fix), builds the
replacement nodes, and may lower a safe request to unsafe when the edit would
lose a comment.
"""
from __future__ import annotations

import re

import libcst as cst

from ..fixes import Fix, Replacement, reference_for, with_except_type, without_elements
from ..policy import policies
from ..requests import DropEntries, FixRequest, InsertReraise, MoveHandler, ReraiseAtEnd


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


def _comments(module: cst.Module, node: cst.CSTNode) -> set[str]:
    return set(re.findall(r"#[^\n]*", module.code_for_node(node)))


def _reraise_at_end(ctx, r: ReraiseAtEnd) -> Fix | None:
    handler = r.handler
    body = handler.body
    if not isinstance(body, cst.IndentedBlock) or not body.body:
        return None
    stmts = list(body.body)
    last = stmts[-1]
    if isinstance(last, cst.SimpleStatementLine) and len(last.body) == 1 and (
        isinstance(last.body[0], (cst.Pass, cst.Return, cst.Continue, cst.Break))
        or (isinstance(last.body[0], cst.Expr) and isinstance(last.body[0].value, cst.Ellipsis))
    ):
        stmts[-1] = last.with_changes(body=[cst.Raise()])
    else:
        stmts.append(cst.SimpleStatementLine([cst.Raise()]))
    new = handler.with_changes(body=body.with_changes(body=stmts))
    return Fix(r.applicability, r.message, (Replacement(handler, new),))


def _insert_reraise(ctx, r: InsertReraise) -> Fix | None:
    pol = policies(ctx.registry)
    names = []
    import_edit = None
    for q in r.classes:
        spec = pol.spec(q)
        pack = pol.pack_of(q)
        if spec is None or pack is None:
            return None
        ref, edit = reference_for(ctx, spec, pack, pending=import_edit)
        if ref is None:
            return None  # the module does not import the SDK
        names.append(ref)
        if edit is not None:
            import_edit = edit
    label = names[0] if len(names) == 1 else "(" + ", ".join(names) + ")"
    try_node = r.statement
    handlers = list(try_node.handlers)
    before = handlers[r.handler]
    new_handler = cst.ExceptHandler(
        body=cst.IndentedBlock([cst.SimpleStatementLine([cst.Raise()])]),
        type=cst.parse_expression(label),
        leading_lines=before.leading_lines,
    )
    handlers[r.handler] = before.with_changes(leading_lines=())
    handlers.insert(r.handler, new_handler)
    replacements = [Replacement(try_node, try_node.with_changes(handlers=handlers))]
    if import_edit is not None:
        replacements.append(Replacement(import_edit[0], import_edit[1]))
    return Fix(r.applicability, r.message.replace("{names}", label, 1), tuple(replacements))


_MAKERS = {
    MoveHandler: _move_handler,
    DropEntries: _drop_entries,
    ReraiseAtEnd: _reraise_at_end,
    InsertReraise: _insert_reraise,
}
