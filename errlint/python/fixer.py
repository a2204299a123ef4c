"""The Python fixer: fix requests (errlint/requests.py) turned into LibCST replacements.

Each request kind has one function here. It checks that the code's shape
allows the edit (else None: the finding is reported without a fix), builds the
replacement nodes, and may lower a safe request to unsafe when the edit would
lose a comment.
"""
from __future__ import annotations

import re

import libcst as cst

from ..fixes import Fix
from .fixes import Replacement, reference_for, with_except_type, without_elements
from ..policy import policies
from ..requests import (
    CatchSdkClass, DropConstructEntries, DropDecorator, DropEntries, FixRequest, InsertReraise, MoveHandler, ReraiseAtEnd,
    UnwrapLoop,
)
from .effects import flow
from .retries import classes_holder
from .scan import body_of, call_name, small_statements, walk


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


def _unwrap_loop(ctx, r: UnwrapLoop) -> Fix | None:
    loop, t = r.loop, r.try_
    if loop.orelse is not None:
        return None
    body = body_of(loop.body)
    if len(body) != 1 or body[0] is not t:
        return None  # the loop does something besides the try
    if not isinstance(t, cst.Try) or t.orelse is not None or t.finalbody is not None:
        return None
    if not all(_idle(h.body.body) for h in t.handlers):
        return None
    stmts = list(t.body.body)
    if stmts and isinstance(stmts[-1], cst.SimpleStatementLine) and len(stmts[-1].body) == 1 and isinstance(stmts[-1].body[0], cst.Break):
        stmts.pop()
    if not stmts or any(isinstance(n, (cst.Break, cst.Continue)) for n in walk(stmts)):
        return None
    calls = [n for n in walk(stmts) if isinstance(n, cst.Call)]
    if len(calls) != 1 or calls[0] is not r.call:
        return None  # the loop does more than retry the one call
    stmts[0] = stmts[0].with_changes(leading_lines=loop.leading_lines)
    dead = _dead_after(stmts, r.after)
    if dead is None:
        return None  # the unwrapped call would leave code behind it that never runs
    replacements = [Replacement(loop, cst.FlattenSentinel(stmts))]
    replacements += [Replacement(stmt, cst.RemovalSentinel.REMOVE) for stmt in dead]
    return Fix(r.applicability, r.message, tuple(replacements))


def _dead_after(stmts, after) -> list[cst.CSTNode] | None:
    """The statements after the loop that can no longer run once ``stmts`` replace it.

    None when ``stmts`` always leave the block (``return`` or ``raise``) and a
    statement after them cannot be removed without changing something else: a
    dead assignment, import or ``def`` still makes its name local to the
    function, so the fix is not offered rather than leave unreachable code.
    """
    if not after or "fall" in flow(stmts):
        return []
    for stmt in after:
        if not isinstance(stmt, cst.SimpleStatementLine):
            return None
        for small in stmt.body:
            if not isinstance(small, (cst.Return, cst.Raise, cst.Pass, cst.Expr)):
                return None
        if any(isinstance(n, cst.NamedExpr) for n in walk([stmt], enter_scopes=True)):
            return None
    return list(after)


def _idle(stmts) -> bool:
    """A handler body that only waits, logs, passes or continues."""
    for small in small_statements(stmts):
        if isinstance(small, (cst.Pass, cst.Continue)):
            continue
        if isinstance(small, cst.Expr):
            value = small.value.expression if isinstance(small.value, cst.Await) else small.value
            if isinstance(value, cst.Call) and call_name(value) in _IDLE_CALLS:
                continue
            if isinstance(value, cst.Ellipsis):
                continue
        return False
    return True


_IDLE_CALLS = {"sleep", "debug", "info", "warning", "warn", "error", "exception", "log", "print"}


def _drop_decorator(ctx, r: DropDecorator) -> Fix | None:
    fn, decorator = r.function, r.decorator
    if not isinstance(fn, cst.FunctionDef):
        return None  # an iterator, not a decorator
    decorators = [d for d in fn.decorators if d is not decorator]
    new = fn.with_changes(decorators=decorators)
    if fn.decorators and fn.decorators[0] is decorator and decorators:
        decorators[0] = decorators[0].with_changes(leading_lines=decorator.leading_lines)
        new = fn.with_changes(decorators=decorators)
    return Fix(r.applicability, r.message, (Replacement(fn, new),))


def _catch_sdk_class(ctx, r: CatchSdkClass) -> Fix | None:
    registry = ctx.registry
    spec = registry.spec(r.qualname)
    pack = registry.pack_named(r.pack)
    if spec is None or pack is None:
        return None
    ref_text, import_edit = reference_for(ctx, spec, pack, alias=r.alias)
    if ref_text is None:
        return None
    handler = r.handler
    new_expr = cst.parse_expression(ref_text)
    old_type = handler.type
    if isinstance(old_type, cst.Tuple):
        elements = list(old_type.elements)
        el = elements[r.entry]
        if r.keep_builtin:
            elements.insert(r.entry + 1, cst.Element(new_expr, comma=el.comma))
            elements[r.entry] = el.with_changes(comma=cst.Comma(whitespace_after=cst.SimpleWhitespace(" ")))
        else:
            elements[r.entry] = el.with_changes(value=new_expr)
        new_type = old_type.with_changes(elements=elements)
    elif r.keep_builtin:
        new_type = cst.Tuple([cst.Element(old_type, comma=cst.Comma(whitespace_after=cst.SimpleWhitespace(" "))), cst.Element(new_expr)])
    else:
        new_type = new_expr
    replacements = [Replacement(handler, with_except_type(handler, new_type))]
    if import_edit is not None:
        replacements.append(Replacement(*import_edit))
    return Fix(r.applicability, r.message.format(reference=ref_text), tuple(replacements))


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
    UnwrapLoop: _unwrap_loop,
    DropDecorator: _drop_decorator,
    CatchSdkClass: _catch_sdk_class,
    DropConstructEntries: _drop_construct_entries,
    ReraiseAtEnd: _reraise_at_end,
    InsertReraise: _insert_reraise,
}
