"""Branch effects: what a ``catch`` branch does with the error it took (the :class:`~errlint.facts.Effect` of a handler).

A branch's path is its body and, when the body can fall off its end, the
statements of the catch body after its chain (an ``if (e instanceof X) { log(e) }``
followed by ``throw e`` rethrows). Over that path errlint works out, as
errlint/python/effects.py does for an ``except`` clause:

* how control leaves it (``exits``): ``raise`` (``throw``, ``process.exit()``),
  ``return``, ``break``, ``continue``, or ``fall`` (on after the catch);
* whether a conditional throw, return, break or continue is *guarded* by a test
  of the caught error (``if (!(e instanceof ReAuthRequiredError)) throw e``,
  ``if (e.status === 401) throw e``, ``const { status } = e; if (status >= 500) throw e``,
  ``switch (e.code) { case "x": throw e }``);
* which classes ``if (e instanceof X) throw e`` lets escape;
* whether it calls a re-auth action of a pack, by its TypeScript name
  (``await vault.connect(...)``);
* what a swallowing branch does instead, for messages ("does nothing", "only
  logs", "returns instead", "continues", "assigns a default", ...).

``throw new X(..., { cause: e })`` throws: like ``raise X from e``, the error
goes on (as another class). Nested functions are not part of the path.
"""
from __future__ import annotations

from ..facts import Effect
from ..packs.model import TYPESCRIPT
from .flow import exits as flow, stmt_exits as _flow
from .names import named, text, unwrap
from .scopes import walk

_LOG_METHODS = frozenset({"debug", "info", "warning", "warn", "error", "exception", "critical", "log", "trace", "fatal"})
_EXITS = frozenset({"raise", "continue", "return", "break"})


def reached(stmts) -> list:
    """The statements of ``stmts`` that can run: up to the first one control never falls out of."""
    out = []
    for stmt in stmts:
        out.append(stmt)
        if "fall" not in _flow(stmt):
            break
    return out


class EffectReader:
    """Per file: the effects of catch branches (re-auth actions by their TypeScript names)."""

    def __init__(self, names, registry) -> None:
        self.names = names  # ModuleNames
        self.actions = frozenset(a for p in registry.packs if TYPESCRIPT in p.languages for a in p.reauth_actions_in(TYPESCRIPT))

    def effect(self, path, errors: frozenset[str], name: str | None) -> Effect:
        """The effect of a branch whose path is the statements ``path``; ``errors``: the names of the caught error."""
        stmts = reached(path)
        exits = flow(stmts)
        guarded = False
        escapes: list[str] = []
        if errors:
            watched = set(errors) | self._derived(stmts, errors)
            for node, cond in self._deciding(stmts):
                if _mentions(cond, watched):
                    guarded = True
                    escapes.extend(self._escapes(node, cond, errors))
        reauth = None
        if self.actions:
            for stmt in stmts:
                reauth = next((n for n in (_callee(c) for c in walk(stmt) if c.type == "call_expression") if n in self.actions), None)
                if reauth is not None:
                    break
        return Effect(exits, guarded, reauth, tuple(escapes), _summary(stmts, exits), name)

    @staticmethod
    def narrowed(taken: Effect, others: Effect) -> Effect:
        """A branch that takes only the errors its test picks (``e instanceof A && more``): the others go on
        after its chain, so the test decides between the two paths."""
        return Effect(taken.exits | others.exits, True, taken.reauth or others.reauth, (), taken.summary, taken.name)

    @staticmethod
    def _derived(stmts, errors) -> set[str]:
        """Local names declared from the caught error (``const status = e.status``, ``const { code } = e``)."""
        out: set[str] = set()
        for stmt in stmts:
            for node in walk(stmt):
                if node.type != "variable_declarator":
                    continue
                value = node.child_by_field_name("value")
                target = node.child_by_field_name("name")
                if value is None or target is None or not _mentions(value, errors | out):
                    continue
                if target.type == "identifier":
                    out.add(text(target))
                else:
                    out.update(text(n) for n in walk(target) if n.type in ("identifier", "shorthand_property_identifier_pattern"))
        return out

    @staticmethod
    def _deciding(stmts):
        """(statement, its test) for each ``if`` / ``switch`` whose branches throw, return, break or continue."""
        for stmt in stmts:
            for node in walk(stmt):
                if node.type == "if_statement":
                    cons = node.child_by_field_name("consequence")
                    alt = node.child_by_field_name("alternative")
                    inner = named(alt) if alt is not None else []
                    branches = [_flow(cons) if cons is not None else set()] + ([_flow(inner[0])] if inner else [])
                    if any(b & _EXITS for b in branches):
                        yield node, node.child_by_field_name("condition")
                elif node.type == "switch_statement":
                    body = node.child_by_field_name("body")
                    if body is not None and any(_flow(c) & (_EXITS - {"break"}) for case in named(body) for c in named(case)):
                        yield node, node.child_by_field_name("value")

    def _escapes(self, node, cond, errors) -> list[str]:
        """``if (e instanceof A || e instanceof B) throw e``: A and B go on."""
        if node.type != "if_statement" or node.child_by_field_name("alternative") is not None:
            return []
        cons = node.child_by_field_name("consequence")
        if cons is None or _flow(cons) != {"raise"}:
            return []
        out = []
        for part in _disjuncts(unwrap(cond)):
            part = unwrap(part)
            if part is None or part.type != "binary_expression":
                return []
            op = part.child_by_field_name("operator")
            left = unwrap(part.child_by_field_name("left"))
            if op is None or op.type != "instanceof" or left is None or left.type != "identifier" or text(left) not in errors:
                return []
            q = self.names.qualname(part.child_by_field_name("right"))
            if q is None or q.startswith("?"):
                return []
            out.append(q)
        return out


def _disjuncts(node):
    if node is not None and node.type == "binary_expression":
        op = node.child_by_field_name("operator")
        if op is not None and op.type == "||":
            return [*_disjuncts(unwrap(node.child_by_field_name("left"))), *_disjuncts(unwrap(node.child_by_field_name("right")))]
    return [node]


def _mentions(node, names) -> bool:
    return node is not None and any(n.type == "identifier" and text(n) in names for n in walk(node))


def _callee(call) -> str | None:
    """The name a call calls: ``connect`` in ``vault.connect(...)`` / ``this.vault.connect()`` / ``connect()``."""
    func = unwrap(call.child_by_field_name("function"))
    if func is None:
        return None
    if func.type == "identifier":
        return text(func)
    if func.type == "member_expression":
        prop = func.child_by_field_name("property")
        return text(prop) if prop is not None else None
    return None


def _is_log(stmt) -> bool:
    if stmt.type != "expression_statement":
        return False
    kids = named(stmt)
    value = unwrap(kids[0]) if kids else None
    if value is not None and value.type == "await_expression":
        inner = named(value)
        value = unwrap(inner[0]) if inner else None
    if value is None or value.type != "call_expression":
        return False
    func = unwrap(value.child_by_field_name("function"))
    if func is None or func.type != "member_expression":
        return False
    prop = func.child_by_field_name("property")
    obj = unwrap(func.child_by_field_name("object"))
    return prop is not None and (text(prop) in _LOG_METHODS or (obj is not None and text(obj) == "console"))


def _summary(stmts, exits: frozenset[str]) -> str:
    flat = []
    for s in stmts:
        flat.extend(named(s) if s.type == "statement_block" else [s])
    flat = [s for s in flat if s.type not in ("empty_statement", "comment")]
    if not flat:
        return "does nothing"
    if "return" in exits:
        return "returns instead"
    if "continue" in exits:
        return "continues"
    if "break" in exits:
        return "breaks out of the loop"
    if all(_is_log(s) for s in flat):
        return "only logs"
    if any(s.type in ("lexical_declaration", "variable_declaration") or (
        s.type == "expression_statement" and named(s) and named(s)[0].type in ("assignment_expression", "augmented_assignment_expression")
    ) for s in flat):
        return "assigns a default"
    return "carries on"
