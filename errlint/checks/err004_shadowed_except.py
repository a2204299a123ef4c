"""ERR004 shadowed-except."""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from ..facts import ClassRef, TryStatement
from ..hierarchy import ClassGraph
from ..requests import DropEntries, MoveHandler
from .base import SEVERAL_HANDLERS, Check

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


def find_shadows(
    handlers: Sequence[Sequence[str | None]], graph: ClassGraph, narrowed: frozenset[tuple[int, int]] = frozenset(),
) -> list[Shadow]:
    """The entries of ``handlers`` (qualified names per handler, in order) that never run.

    A bare ``except:`` is given as ``["builtins.BaseException"]``.  ``None`` is an
    entry errlint cannot follow (a call, a subscript): it shadows nothing and a
    handler holding one is never reported as a whole. An entry in ``narrowed``
    (handler, entry) takes only some errors of its class: it can be shadowed,
    but shadows nothing.
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
                    if ej == ei or q2 is None or ej in killed or (hi, ej) in narrowed:
                        continue
                    # the other entry catches this one; of two equal entries the later is redundant
                    if catches(graph, q2, q) and (ej < ei or not catches(graph, q, q2)):
                        shadows.append(Shadow(hi, ei, hi, ej, same_tuple=True))
                        break
        earlier.extend((hi, ei, q) for ei, q in enumerate(entries) if q is not None and (hi, ei) not in narrowed)
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

    ## TypeScript and JavaScript
    A `catch` clause's `instanceof` branches are its handlers: an `if` /
    `else if` chain, or successive `if (e instanceof X) { ...; return }`
    blocks. The JavaScript built-ins, the SDK packs' TypeScript classes and the
    project's own `class X extends Y` are known, as the code names them: named
    imports, a default import's statics (`OpenAI.RateLimitError`), namespaces
    (`Stripe.errors.StripeCardError`, `Cohere.TooManyRequestsError`), subpaths
    (`openai/error`); a branch whose body does not always leave shadows nothing
    after its chain.

    ```ts
    import OpenAI from "openai";

    try {
      return await client.chat.completions.create({ model, messages });
    } catch (e) {
      if (e instanceof OpenAI.APIError) {
        report(e.status);
      } else if (e instanceof OpenAI.RateLimitError) { // never true: RateLimitError is an APIError
        scheduleRetry();
      }
    }
    ```

    No fix is offered for TypeScript yet.

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
    triggers = (SEVERAL_HANDLERS,)

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

    needs = frozenset({"tries"})

    def run(self) -> None:
        # Names were resolved in the scope of each handler; judged now, when every class
        # of the file is known.
        graph = self.file.graph
        for t in self.file.tries:
            handlers = t.handlers
            if len(handlers) < 2 and not (handlers and handlers[0].written_as_tuple):
                continue
            qualnames = [[BASE_EXCEPTION] if h.refs is None else [r.qualname for r in h.refs] for h in handlers]
            narrowed = frozenset((hi, ei) for hi, h in enumerate(handlers) for ei, r in enumerate(h.refs or ()) if r.narrowed)
            for shadow in find_shadows(qualnames, graph, narrowed):
                self._report(t, shadow, graph)

    # -- messages ----------------------------------------------------------------
    def _report(self, t: TryStatement, shadow: Shadow, graph: ClassGraph) -> None:
        handlers = t.handlers
        handler = handlers[shadow.handler]
        star = "*" if t.star else ""
        words = t.wording
        clause, joiner = words.clause, words.joiner
        killer_handler = handlers[shadow.by_handler]
        killer_refs = killer_handler.refs
        killer = self._describe(killer_refs, shadow.by_entry)
        victim_refs = handler.refs
        if shadow.entry is None:
            if victim_refs is None:
                what = "bare except"
                victim_q = BASE_EXCEPTION
            elif len(victim_refs) == 1:
                what = f"{clause}{star} {_written(victim_refs, joiner)}"
                victim_q = victim_refs[0].qualname
            else:
                what = f"{clause}{star} {_written(victim_refs, joiner)}"
                victim_q = None
            line = killer_handler.at.line
            if victim_q is None:
                parts = [
                    f"{victim_refs[i].text} by {self._describe(handlers[khi].refs, kei)} on line {handlers[khi].at.line}"
                    for i, (khi, kei) in enumerate(shadow.killers)
                ]
                reason = f"earlier {words.handlers} catch every class in it (" + "; ".join(parts) + ")"
            else:
                reason = f"{killer} on line {line} catches it first{self._relation(graph, victim_refs[0] if victim_refs else None, killer_refs, shadow.by_entry)}"
            fix = self._move_fix(t, shadow, what, killer, graph)
            self.report(handler.at, f"{what} is unreachable: {reason}", fix)
            return
        entry = victim_refs[shadow.entry]
        tuple_text = _written(victim_refs, joiner)
        relation = self._relation(graph, entry, killer_refs, shadow.by_entry)
        if shadow.same_tuple:
            message = (
                f"{entry.text} in {clause}{star} {tuple_text} is redundant: "
                f"{killer_refs[shadow.by_entry].text} in the same {words.group} already catches it{relation}"
            )
        else:
            message = (
                f"{entry.text} in {clause}{star} {tuple_text} is unreachable: "
                f"{killer} on line {killer_handler.at.line} catches it first{relation}"
            )
        drop = DropEntries("safe", f"Remove {entry.text} from the tuple", handler.handler, frozenset({shadow.entry}), len(victim_refs))
        self.report(handler.at, message, drop)

    # -- fixes -------------------------------------------------------------------
    def _move_fix(self, t: TryStatement, shadow: Shadow, what: str, killer: str, graph: ClassGraph) -> MoveHandler | None:
        victim, by = t.handlers[shadow.handler], t.handlers[shadow.by_handler]
        if by.refs is None or victim.refs is None:
            return None  # a bare except: must stay last
        if len({k[0] for k in shadow.killers}) != 1:
            return None  # shadowed by several handlers
        victims = [r.qualname for r in victim.refs]
        killers = [by.refs[k[1]].qualname for k in shadow.killers]
        if any(v is None or k is None or graph.same_class(v, k) for v, k in zip(victims, killers)):
            return None  # the same class twice: which body is meant is not ours to say
        # unsafe: the moved handler was dead code, and now it runs (ruff's rule: a safe fix keeps behaviour)
        return MoveHandler("unsafe", f"Move {what} above {killer}", t.node, shadow.handler, shadow.by_handler)

    @staticmethod
    def _describe(refs: list[ClassRef] | None, entry: int) -> str:
        if refs is None:
            return "bare except:"
        ref = refs[entry]
        return f"{ref.text} in {ref.via}" if ref.via is not None and ref.via != ref.text else ref.text

    @staticmethod
    def _relation(graph: ClassGraph, victim: ClassRef | None, killer_refs, killer_entry: int) -> str:
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


def _written(refs: list[ClassRef], joiner: str = ", ") -> str:
    """A handler's classes as written: ``(A, B)``, ``A``, or a tuple constant ``RETRYABLE (A, B)``."""
    entries = joiner.join(t.text for t in refs)
    via = {t.via for t in refs}
    if len(via) == 1 and None not in via:
        return f"{via.pop()} ({entries})"
    return refs[0].text if len(refs) == 1 else f"({entries})"


def _short(qualname: str) -> str:
    return qualname[len("builtins."):] if qualname.startswith("builtins.") else qualname
