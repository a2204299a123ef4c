"""``catch`` clauses as handlers: the ``instanceof`` tests of the caught error, branch by branch.

A ``catch (e)`` has no classes of its own; its body tests them::

    catch (e) {
      if (e instanceof GrantExpiredError) { ... }        // a branch
      else if (e instanceof A || e instanceof B) { ... } // a branch with two classes
      else { ... }                                       // what no test took: a catch-all
    }

or, one after the other, ``if (e instanceof X) { ...; return }`` blocks. Each
branch becomes a :class:`~errlint.facts.Handler` of a
:class:`~errlint.facts.TryStatement`, in order, so the checks read them as
``except`` clauses. What makes the order meaningful is what reaches a test:

* in an ``if`` / ``else if`` chain, a test is evaluated only for the errors no
  earlier test of the chain took, whatever their bodies do;
* across statements, a branch keeps its errors from the statements after it
  only when its body always leaves (``return``, ``throw``, ``continue``,
  ``break``, or an ``if``/``else`` whose both sides do), and every earlier
  branch of its chain does too: those are the *takers*.

A list of handlers is one ``TryStatement`` fact in which every handler keeps
its errors from the handlers after it. A branch whose body does not always
leave ends the list after its chain (later tests go into a new list that
starts with the takers only), so it never shadows a later statement's test:
precision first. A chain's ``else`` and the statements after the last test
(when there are some) are a catch-all (``refs`` None): the errors no handler
before them in their list took, which is all that reaches them. The caught
error must stay the same value: a statement that assigns the name ends the
reading; ``const err = e as Error`` is read as ``e`` too.

A test of the error (``e instanceof A``, ``e instanceof A || e instanceof B``,
``(e as Error) instanceof A``) gives its classes; ``e instanceof A && more``
gives a *narrowed* class (reached by those errors, keeps none from later
branches); any other disjunct is an entry errlint cannot follow. A chain none
of whose tests looks at the error's class is an ordinary statement.
"""
from __future__ import annotations

from ..facts import ClassRef, Handler, TryStatement, Wording
from .names import named, text, unwrap

TS_WORDING = Wording(clause="instanceof", joiner=" || ", group="test", handlers="branches", reraise="rethrow")
_LEAVING = frozenset({"return_statement", "throw_statement", "break_statement", "continue_statement"})
_ASSIGNMENTS = frozenset({"assignment_expression", "augmented_assignment_expression", "update_expression", "for_in_statement"})


def leaves(node) -> bool:
    """Control never reaches the end of ``node`` (a statement): every path returns, throws, breaks or continues."""
    kind = node.type
    if kind in _LEAVING:
        return True
    if kind == "statement_block":
        return any(leaves(c) for c in named(node))
    if kind == "if_statement":
        while True:  # an else-if chain, one link at a time
            alt = node.child_by_field_name("alternative")
            cons = node.child_by_field_name("consequence")
            if alt is None or cons is None or not leaves(cons):
                return False
            inner = named(alt)
            if not inner:
                return False
            if inner[0].type != "if_statement":
                return leaves(inner[0])
            node = inner[0]
    if kind == "try_statement":
        body = node.child_by_field_name("body")
        handler = node.child_by_field_name("handler")
        finalizer = node.child_by_field_name("finalizer")
        if finalizer is not None:
            block = finalizer.child_by_field_name("body")
            if block is not None and leaves(block):
                return True
        if body is None or not leaves(body):
            return False
        if handler is None:
            return True
        block = handler.child_by_field_name("body")
        return block is not None and leaves(block)
    return False


def _assigns(node, names: frozenset[str]) -> bool:
    """Does ``node`` assign one of ``names`` anywhere inside it (``e = ...``, ``e++``, ``[e] = ...``)?"""
    cursor = node.walk()
    while True:
        current = cursor.node
        if current.type in _ASSIGNMENTS:
            target = current.child_by_field_name("left") or current.child_by_field_name("argument")
            target = unwrap(target) if target is not None and target.type == "parenthesized_expression" else target
            if target is not None:
                if target.type == "identifier" and text(target) in names:
                    return True
                if target.type in ("array_pattern", "object_pattern") and any(
                    d.type in ("identifier", "shorthand_property_identifier_pattern") and text(d) in names
                    for d in _descendants(target)
                ):
                    return True
        if cursor.goto_first_child():
            continue
        while not cursor.goto_next_sibling():
            if not cursor.goto_parent():
                return False
            if cursor.node == node:
                return False


def _label(refs: list[ClassRef], test) -> str:
    """How messages name a branch: ``instanceof A``, ``instanceof (A || B)``; a test with a disjunct
    that is no class test as written: ``if (e instanceof A || isRetryable(e))``."""
    if any(r.node is None for r in refs):
        written = " ".join(text(test).split())
        return f"if ({written if len(written) <= 60 else written[:57] + '...'})"
    if len(refs) == 1:
        return f"instanceof {refs[0].text}"
    return "instanceof (" + " || ".join(r.text for r in refs) + ")"


def _descendants(node):
    stack = [node]
    while stack:
        current = stack.pop()
        yield current
        stack.extend(current.children)


class CatchReader:
    """Reads the catch clauses of one file into ``TryStatement`` facts."""

    def __init__(self, names, span, effects=None) -> None:
        self.names = names  # ModuleNames
        self.span = span  # (node, end node or None) -> Span
        self.effects = effects  # EffectReader (effects.py), when an enabled check needs "effects"

    def _effect(self, path, errors: frozenset[str], param):
        """The effect of a branch whose path is ``path`` (None when effects are not gathered)."""
        if self.effects is None:
            return None
        return self.effects.effect(path, errors, text(param) if param is not None and param.type == "identifier" else None)

    def try_statements(self, catch) -> list[TryStatement]:
        """The facts of one ``catch`` clause (several lists when a branch does not always leave)."""
        param = catch.child_by_field_name("parameter")
        head_end = param if param is not None else catch.children[0]
        return self._read(catch.parent, catch, head_end, param, catch.child_by_field_name("body"))

    def callback_statements(self, callback) -> list[TryStatement]:
        """``promise.catch((e) => { ... })``: the callback's body read as a catch clause's."""
        param = callback.child_by_field_name("parameter")  # e => { ... }
        params = callback.child_by_field_name("parameters")
        if param is None and params is not None:
            kids = named(params)
            if len(kids) != 1:
                return []
            param = kids[0]
            if param.type in ("required_parameter", "optional_parameter"):
                param = param.child_by_field_name("pattern") if param.type == "required_parameter" else None
        body = callback.child_by_field_name("body")
        if param is None or param.type != "identifier" or body is None or body.type != "statement_block":
            return []
        return self._read(callback.parent.parent, callback, param, param, body)

    def _read(self, try_node, catch, head_end, param, body) -> list[TryStatement]:
        head = "catch" if param is None else f"catch ({text(param)})"

        def whole(errors: frozenset[str]) -> list[TryStatement]:  # the clause catches everything, in one handler
            effect = self._effect(named(body) if body is not None else [], errors, param)
            return [self._fact(try_node, [Handler(catch, None, effect, 0, at=self.span(catch, head_end), label=head)])]

        if param is None or param.type != "identifier" or body is None:  # nothing names the error: no test
            return whole(frozenset())
        statements = named(body)
        aliases = {text(param)}
        for stmt in statements:  # const err = e as Error (a const stays the caught error)
            alias = self._alias(stmt, aliases)
            if alias is not None:
                aliases.add(alias)
        frozen = frozenset(aliases)
        chains = [self._chain(s, frozen) if s.type == "if_statement" else None for s in statements]
        last_test = max((i for i, c in enumerate(chains) if c is not None), default=-1)
        if last_test < 0:  # no test of the error's class: the clause catches everything
            return whole(frozen)
        lists: list[list[Handler]] = []
        takers: list[Handler] = []
        current: list[Handler] = []
        dirty = False  # ``current`` ends with a handler that is no taker: nothing may follow it
        for i, stmt in enumerate(statements):
            if _assigns(stmt, frozen):
                break
            chain = chains[i]
            if chain is None:
                if leaves(stmt):
                    break  # what follows never runs
                if 0 <= last_test < i and self._alias(stmt, aliases) is None:
                    # the rest of the body, after the last test: what no taker took reaches it
                    if dirty:
                        lists.append(current)
                        current, dirty = list(takers), False
                    effect = self._effect(statements[i:], frozen, param)
                    current.append(Handler(stmt, None, effect, 0, at=self.span(stmt), label="the statements after the last instanceof test"))
                    dirty = True
                    break
                continue
            if dirty:
                lists.append(current)
                current, dirty = list(takers), False
            branches, otherwise, else_clause = chain
            clean = True  # every branch of the chain so far always leaves
            rest = statements[i + 1:]  # where a branch that falls off its end goes on
            for test, refs, consequence in branches:
                effect = self._effect([consequence, *rest], frozen, param)
                if effect is not None and any(r.narrowed for r in refs):
                    # ``e instanceof A && more``: a test of the error decides which errors the body takes;
                    # the others go on after the chain, as a guarded ``raise`` lets them in Python
                    effect = self.effects.narrowed(effect, self._effect(rest, frozen, param))
                handler = Handler(test, refs, effect, 0, written_as_tuple=len(refs) > 1, at=self.span(test), label=_label(refs, test))
                current.append(handler)
                if clean and leaves(consequence):
                    takers.append(handler)
                else:
                    clean = False
                    dirty = True
            if otherwise is not None:
                effect = self._effect([otherwise, *rest], frozen, param)
                current.append(Handler(else_clause, None, effect, 0, at=self.span(else_clause.children[0]), label="the else branch"))
                dirty = True
                if clean and leaves(otherwise):
                    break  # every branch and the else leave: what follows never runs
        if current:
            lists.append(current)
        if not lists:  # no test: the catch clause catches everything
            return whole(frozen)
        return [self._fact(try_node, handlers) for handlers in lists]

    def _fact(self, try_node, handlers: list[Handler]) -> TryStatement:
        # a handler may sit in several lists (a taker heads each later list): each list indexes its own
        handlers = [h if h.index == i else _indexed(h, i) for i, h in enumerate(handlers)]
        return TryStatement(try_node, handlers, at=self.span(try_node), wording=TS_WORDING)

    @staticmethod
    def _alias(stmt, aliases: set[str]) -> str | None:
        """``const err = e`` (or ``e as Error``, ``<Error>e``, ``e!``): ``err`` names the caught error too."""
        if stmt.type != "lexical_declaration" or not stmt.children or stmt.children[0].type != "const":
            return None
        declarators = [d for d in named(stmt) if d.type == "variable_declarator"]
        if len(declarators) != 1:
            return None
        target = declarators[0].child_by_field_name("name")
        value = unwrap(declarators[0].child_by_field_name("value"))
        if target is not None and target.type == "identifier" and value is not None and value.type == "identifier" and text(value) in aliases:
            return text(target)
        return None

    def _chain(self, stmt, aliases):
        """An ``if`` / ``else if`` chain testing the error's class: ([(test, refs, consequence)], else body, else clause)."""
        branches = []
        node = stmt
        any_class = False
        while True:
            condition = node.child_by_field_name("condition")
            consequence = node.child_by_field_name("consequence")
            if condition is None or consequence is None:
                return None
            test = unwrap(condition)
            refs = self._refs(test, aliases)
            if any(r.node is not None for r in refs):  # a disjunct tests the error's class
                any_class = True
            branches.append((test, refs, consequence))
            alt = node.child_by_field_name("alternative")
            if alt is None:
                return (branches, None, None) if any_class else None
            inner = named(alt)
            if not inner:
                return None
            if inner[0].type == "if_statement":
                node = inner[0]
                continue
            return (branches, inner[0], alt) if any_class else None

    def _refs(self, test, aliases) -> list[ClassRef]:
        """The classes a test takes: one entry per ``||`` disjunct (None: a disjunct that is no class test)."""
        out: list[ClassRef] = []
        for part in _split(test, "||"):
            part = unwrap(part)
            right = self._instanceof(part, aliases)
            if right is not None:
                out.append(ClassRef(self.names.qualname(right), right, text(right)))
                continue
            conjuncts = [c for c in (unwrap(c) for c in _split(part, "&&"))]
            rights = [r for r in (self._instanceof(c, aliases) for c in conjuncts) if r is not None]
            if len(conjuncts) > 1 and len(rights) == 1:
                out.append(ClassRef(self.names.qualname(rights[0]), rights[0], text(rights[0]), narrowed=True))
            else:
                out.append(ClassRef(None, None, text(part)))
        return out

    @staticmethod
    def _instanceof(node, aliases):
        """``e instanceof X`` (``e`` the caught error or an alias of it): the node of ``X``."""
        if node is None or node.type != "binary_expression":
            return None
        op = node.child_by_field_name("operator")
        if op is None or op.type != "instanceof":
            return None
        left = unwrap(node.child_by_field_name("left"))
        if left is None or left.type != "identifier" or text(left) not in aliases:
            return None
        return node.child_by_field_name("right")


def _split(node, operator: str) -> list:
    """The operands of a chain of ``operator`` (``a || b || c`` -> [a, b, c]), parentheses looked through."""
    out = []
    stack = [node]
    while stack:
        current = unwrap(stack.pop())
        if current is not None and current.type == "binary_expression":
            op = current.child_by_field_name("operator")
            if op is not None and op.type == operator:
                stack.append(current.child_by_field_name("right"))
                stack.append(current.child_by_field_name("left"))
                continue
        out.append(current)
    return out


def _indexed(handler: Handler, index: int) -> Handler:
    from dataclasses import replace

    return replace(handler, index=index)
