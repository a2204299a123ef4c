"""ERR004 shadowed-except."""
from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

import libcst as cst

from ..python.names import TypeRef
from ..python.prefilter import several_handlers_possible
from ..fixes import Fix, Replacement, with_except_type, without_elements
from ..hierarchy import ClassGraph
from .base import Check

BASE_EXCEPTION = "builtins.BaseException"


@dataclass(frozen=True)
class Shadow:
    """Entry ``entry`` of handler ``handler`` can never run (``entry`` None: the whole handler)."""

    handler: int
    entry: int | None
    by_handler: int
    by_entry: int
    same_tuple: bool = False
    # for a whole handler: the (handler, entry) that catches each of its entries
    killers: tuple[tuple[int, int], ...] = ()


def catches(graph: ClassGraph, catcher: str, victim: str) -> bool:
    if catcher == victim:
        return True
    if catcher.startswith("?") or victim.startswith("?"):
        return False  # not followed: only the same expression is known to be the same object
    return graph.is_subclass(victim, catcher)


def find_shadows(handlers: Sequence[Sequence[str | None]], graph: ClassGraph) -> list[Shadow]:
    """The entries of ``handlers`` (qualified names per handler, in order) that never run.

    A bare ``except:`` is given as ``["builtins.BaseException"]``.  ``None`` is an
    entry errlint cannot follow (a call, a subscript): it shadows nothing and a
    handler holding one is never reported as a whole.
    """
    shadows: list[Shadow] = []
    earlier: list[tuple[int, int, str]] = []
    for hi, entries in enumerate(handlers):
        killed: dict[int, tuple[int, int]] = {}
        for ei, q in enumerate(entries):
            if q is None:
                continue
            for khi, kei, kq in earlier:
                if catches(graph, kq, q):
                    killed[ei] = (khi, kei)
                    break
        if entries and len(killed) == len(entries):
            khi, kei = killed[0]
            shadows.append(Shadow(hi, None, khi, kei, killers=tuple(killed[i] for i in range(len(entries)))))
        else:
            for ei in sorted(killed):
                khi, kei = killed[ei]
                shadows.append(Shadow(hi, ei, khi, kei))
            for ei, q in enumerate(entries):
                if q is None or ei in killed:
                    continue
                for ej, q2 in enumerate(entries):
                    if ej == ei or q2 is None or ej in killed:
                        continue
                    # the other entry catches this one; of two equal entries the later is redundant
                    if catches(graph, q2, q) and (ej < ei or not catches(graph, q, q2)):
                        shadows.append(Shadow(hi, ei, hi, ej, same_tuple=True))
                        break
        earlier.extend((hi, ei, q) for ei, q in enumerate(entries) if q is not None)
    return shadows


class ShadowedExcept(Check):
    """
    ## What it does
    Checks for `except` handlers, and entries of a handler's tuple, that can
    never run because an earlier handler (or another entry of the same tuple)
    already catches the same class or one of its ancestors.

    errlint knows the class hierarchy without type inference: Python's
    builtins and standard library (including aliases such as `IOError`,
    `socket.error` and `select.error`, which are all `OSError`), every SDK rule
    pack (`alter_sdk`, `shark_auth`, `alsorn`, ...), and the exception classes
    defined in the files being linted, across files. `except*` handlers are
    checked the same way.

    ## Why is this bad?
    Python tries handlers from top to bottom and runs the first one that
    matches. A handler placed after a handler for its parent class is dead
    code: the specific recovery it was written for never happens. With SDK
    exceptions this is how a `GrantExpiredError` handler that should re-run
    OAuth ends up silently replaced by a generic `BackendError` retry.

    ## Example
    ```python
    from alter_sdk import BackendError, GrantExpiredError

    try:
        response = await vault.request("GET", url, grant_id=grant)
    except BackendError:
        schedule_retry()
    except GrantExpiredError:  # never runs: GrantExpiredError is a BackendError
        start_oauth()
    ```

    ## Use instead
    ```python
    from alter_sdk import BackendError, GrantExpiredError

    try:
        response = await vault.request("GET", url, grant_id=grant)
    except GrantExpiredError:
        start_oauth()
    except BackendError:
        schedule_retry()
    ```

    ## Fix safety
    A redundant or unreachable tuple entry is dropped (a tuple left with one
    class becomes the bare name): safe, since the entry never matched anything
    and nothing changes at run time; unsafe when the dropped entry carries a
    comment, since the comment would be lost.

    A whole handler that one earlier handler shadows is moved above that
    handler, with its body, comments and `as` name. This fix is unsafe: the
    moved handler was dead code and now runs, so the program behaves
    differently (a handler that calls `start_oauth()` starts doing so, and the
    errors it catches no longer reach the broad handler). Review the moved body
    before applying it with `--unsafe-fixes`. No fix is offered for a handler
    shadowed by the same class (which of the two bodies is meant?), by a bare
    `except:`, or by several handlers at once.
    """

    code = "ERR004"
    name = "shadowed-except"
    fix_availability = "sometimes"
    summary = "An except handler or tuple entry that an earlier handler or entry always catches first"
    triggers = (several_handlers_possible,)

    VALID = (
        "try:\n    pass\nexcept ValueError:\n    pass\nexcept Exception:\n    pass\n",
        "try:\n    pass\nexcept Exception:\n    pass\nexcept KeyboardInterrupt:\n    pass\n",
        "from alter_sdk import BackendError, GrantExpiredError\n"
        "try:\n    pass\nexcept GrantExpiredError:\n    pass\nexcept BackendError:\n    pass\n",
    )
    INVALID = (
        "try:\n    pass\nexcept Exception:\n    pass\nexcept ValueError:\n    pass\n",
        "try:\n    pass\nexcept OSError:\n    pass\nexcept IOError:\n    pass\n",
        "try:\n    pass\nexcept (LookupError, KeyError):\n    pass\n",
        "from alter_sdk import BackendError, GrantExpiredError\n"
        "try:\n    pass\nexcept BackendError:\n    pass\nexcept GrantExpiredError:\n    pass\n",
    )

    def __init__(self, ctx) -> None:
        super().__init__(ctx)
        self.tries: list[cst.Try | cst.TryStar] = []
        self.refs: list[list[list[TypeRef] | None]] = []

    def visit_Try(self, node: cst.Try) -> None:
        self._record(node)

    def visit_TryStar(self, node: cst.TryStar) -> None:
        self._record(node)

    def _record(self, node: cst.Try | cst.TryStar) -> None:
        # Names are resolved now, in the scope of the handler; judged at the end
        # of the module, when every class of the file is known.
        if len(node.handlers) < 2 and not (
            node.handlers and isinstance(node.handlers[0].type, cst.Tuple)
        ):
            return
        names = self.ctx.names
        self.tries.append(node)
        self.refs.append([list(names.exception_refs(h.type)) if h.type is not None else None for h in node.handlers])

    @staticmethod
    def _qualnames(refs: list[list[TypeRef] | None]) -> list[list[str | None]]:
        return [[BASE_EXCEPTION] if r is None else [t.qualname for t in r] for r in refs]

    def leave_Module(self, node: cst.Module) -> None:
        graph = self.ctx.graph
        for try_node, refs in zip(self.tries, self.refs):
            handlers = self._qualnames(refs)
            shadows = find_shadows(handlers, graph)
            for shadow in shadows:
                self._report(try_node, refs, shadow)

    # -- messages ----------------------------------------------------------------
    def _report(self, try_node, refs, shadow: Shadow) -> None:
        handler = try_node.handlers[shadow.handler]
        star = "*" if isinstance(try_node, cst.TryStar) else ""
        killer_handler = try_node.handlers[shadow.by_handler]
        killer_refs = refs[shadow.by_handler]
        killer = self._describe(killer_refs, shadow.by_entry)
        victim_refs = refs[shadow.handler]
        graph = self.ctx.graph
        if shadow.entry is None:
            if victim_refs is None:
                what = "bare except"
                victim_q = BASE_EXCEPTION
            elif len(victim_refs) == 1:
                what = f"except{star} {_written(victim_refs)}"
                victim_q = victim_refs[0].qualname
            else:
                what = f"except{star} {_written(victim_refs)}"
                victim_q = None
            line = self.ctx.line_of(killer_handler)
            if victim_q is None:
                parts = [
                    f"{victim_refs[i].text} by {self._describe(refs[khi], kei)} on line {self.ctx.line_of(try_node.handlers[khi])}"
                    for i, (khi, kei) in enumerate(shadow.killers)
                ]
                reason = "earlier handlers catch every class in it (" + "; ".join(parts) + ")"
            else:
                reason = f"{killer} on line {line} catches it first{self._relation(graph, victim_refs[0] if victim_refs else None, killer_refs, shadow.by_entry)}"
            fix = self._move_fix(try_node, refs, shadow, what, killer, graph)
            self.ctx.report(self.code, handler, f"{what} is unreachable: {reason}", fix=fix, end=_header_end(handler))
            return
        entry = victim_refs[shadow.entry]
        tuple_text = _written(victim_refs)
        relation = self._relation(graph, entry, killer_refs, shadow.by_entry)
        if shadow.same_tuple:
            message = (
                f"{entry.text} in except{star} {tuple_text} is redundant: "
                f"{killer_refs[shadow.by_entry].text} in the same tuple already catches it{relation}"
            )
        else:
            line = self.ctx.line_of(killer_handler)
            message = (
                f"{entry.text} in except{star} {tuple_text} is unreachable: "
                f"{killer} on line {line} catches it first{relation}"
            )
        self.ctx.report(self.code, handler, message, fix=self._drop_fix(handler, victim_refs, shadow.entry), end=_header_end(handler))

    # -- fixes -------------------------------------------------------------------
    def _move_fix(self, try_node, refs, shadow: Shadow, what: str, killer: str, graph: ClassGraph) -> Fix | None:
        if refs[shadow.by_handler] is None or refs[shadow.handler] is None:
            return None  # a bare except: must stay last
        if len({k[0] for k in shadow.killers}) != 1:
            return None  # shadowed by several handlers
        victims = [t.qualname for t in refs[shadow.handler]]
        killers = [refs[shadow.by_handler][k[1]].qualname for k in shadow.killers]
        if any(v is None or k is None or graph.same_class(v, k) for v, k in zip(victims, killers)):
            return None  # the same class twice: which body is meant is not ours to say
        handlers = list(try_node.handlers)
        moved = handlers.pop(shadow.handler)
        handlers.insert(shadow.by_handler, moved)
        if shadow.by_handler == 0:
            # the first handler carries no blank line above it; the old first one keeps its comments
            first_old = try_node.handlers[0]
            handlers[0] = moved.with_changes(leading_lines=moved.leading_lines)
            handlers[1] = first_old
        new = try_node.with_changes(handlers=handlers)
        # unsafe: the moved handler was dead code, and now it runs (ruff's rule: a safe fix keeps behaviour)
        return Fix("unsafe", f"Move {what} above {killer}", (Replacement(try_node, new),))

    def _drop_fix(self, handler, refs, entry: int) -> Fix | None:
        tup = handler.type
        if not isinstance(tup, cst.Tuple) or len(tup.elements) != len(refs):
            return None  # a tuple constant, or a starred entry
        new = with_except_type(handler, without_elements(tup, {entry}))
        # a comment inside the tuple that the new code no longer holds would be lost
        lost = _comments(self.ctx.module, handler.type) - _comments(self.ctx.module, new.type)
        applicability = "unsafe" if lost else "safe"
        return Fix(applicability, f"Remove {refs[entry].text} from the tuple", (Replacement(handler, new),))

    @staticmethod
    def _describe(refs: list[TypeRef] | None, entry: int) -> str:
        if refs is None:
            return "bare except:"
        ref = refs[entry]
        return f"{ref.text} in {ref.via}" if ref.via is not None and ref.via != ref.text else ref.text

    @staticmethod
    def _relation(graph: ClassGraph, victim: TypeRef | None, killer_refs, killer_entry: int) -> str:
        if victim is None or victim.qualname is None:
            return ""
        killer_q = BASE_EXCEPTION if killer_refs is None else killer_refs[killer_entry].qualname
        killer_text = "bare except:" if killer_refs is None else killer_refs[killer_entry].text
        if killer_q is None or victim.text == killer_text:
            return ""
        if graph.same_class(victim.qualname, killer_q):
            canon = graph.canonical(victim.qualname) or victim.qualname
            return f" ({victim.text} and {killer_text} are the same class, {_short(canon)})"
        return ""


def _written(refs: list[TypeRef]) -> str:
    """A handler's classes as written: ``(A, B)``, ``A``, or a tuple constant ``RETRYABLE (A, B)``."""
    entries = ", ".join(t.text for t in refs)
    via = {t.via for t in refs}
    if len(via) == 1 and None not in via:
        return f"{via.pop()} ({entries})"
    return refs[0].text if len(refs) == 1 else f"({entries})"


def _comments(module: cst.Module, node: cst.CSTNode) -> set[str]:
    return set(re.findall(r"#[^\n]*", module.code_for_node(node)))


def _short(qualname: str) -> str:
    return qualname[len("builtins."):] if qualname.startswith("builtins.") else qualname


def _header_end(handler: cst.ExceptHandler | cst.ExceptStarHandler) -> cst.CSTNode:
    return handler.type if handler.type is not None else handler
