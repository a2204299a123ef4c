"""Tests of the caught error's status or code written as comparisons and ``switch`` statements.

statuses.py reads a retry decision written as membership (``RETRYABLE.includes(e.status)``);
real TypeScript also writes it out:

* ``e.status === 429 || e.status >= 500``, ``e.statusCode == 503``, ``429 === e.status``,
  ``e?.$metadata?.httpStatusCode >= 500`` (a status: an integer; ``>``, ``>=``, ``<``,
  ``<=`` stand for every status from 100 to 599 they hold);
* ``e.name === "ThrottlingException"`` (AWS SDK v3: the error code), ``e.code === "ECONNRESET"``,
  ``e.type === "StripeConnectionError"`` (stripe-node: the class's name);
* ``switch (e.type) { case "StripeConnectionError": case "StripeAPIError": ... }``.

Each comparison is a :class:`~errlint.facts.ValueCollection` of what it compares the
error's status or code with, whose entries are written at the literal (or, for a range,
at the comparison); one ``switch`` gives the values of its cases that retry. The
collections of a retrying handler's decisions go to ERR002, which reports a value a
pack documents as never retryable ([statuses], [codes]). What counts as the error's
status or code is statuses.py's ``is_status_of`` (``status``, ``statusCode``, ``code``,
``name``, ``type``, ``$metadata.httpStatusCode``, ...).
"""
from __future__ import annotations

from ..facts import ValueCollection
from .bindings import int_literal
from .flow import exits
from .names import named, string_value, text, unwrap

_EQUAL = frozenset({"===", "=="})
_ORDER = {">": (1, 0), ">=": (0, 0), "<": (0, -1), "<=": (0, 0)}  # (low offset, high offset) from the literal
_FLIP = {">": "<", ">=": "<=", "<": ">", "<=": ">=", "===": "===", "==": "=="}
_STATUSES = (100, 599)


def comparison(node, errors, aliases, is_status_of, canon) -> ValueCollection | None:
    """``e.status === 429`` / ``e.status >= 500`` / ``"X" === e.name``: the values the test compares with."""
    if node is None or node.type != "binary_expression":
        return None
    op = node.child_by_field_name("operator")
    left, right = unwrap(node.child_by_field_name("left")), unwrap(node.child_by_field_name("right"))
    if op is None or left is None or right is None:
        return None
    kind = op.type
    if kind not in _EQUAL and kind not in _ORDER:
        return None
    if is_status_of(right, errors, aliases) and not is_status_of(left, errors, aliases):
        left, right, kind = right, left, _FLIP[kind]
    elif not is_status_of(left, errors, aliases):
        return None
    number = int_literal(right) if right.type == "number" else None
    word = string_value(right)
    if kind in _EQUAL:
        if number is not None:
            return ValueCollection(canon(node), ((canon(right), number),))
        if word is not None:
            return ValueCollection(canon(node), ((canon(right), word),))
        return None
    if number is None:
        return None
    low, high = _STATUSES
    lo_off, hi_off = _ORDER[kind]
    if kind in (">", ">="):
        low = max(low, number + lo_off)
    else:
        high = min(high, number + hi_off)
    if low > high:
        return None
    element = canon(node)
    return ValueCollection(element, tuple((element, v) for v in range(low, high + 1)))


def switch_cases(stmt, errors, aliases, is_status_of, canon) -> ValueCollection | None:
    """``switch (e.type) { case "A": case "B": <retry> ... }``: the values of the cases whose statements go
    on to the next attempt (fall out of the ``switch`` or ``continue``), not those that throw or return."""
    value = stmt.child_by_field_name("value")
    value = unwrap(named(value)[0]) if value is not None and value.type == "parenthesized_expression" and named(value) else unwrap(value)
    if value is None or not is_status_of(value, errors, aliases):
        return None
    body = stmt.child_by_field_name("body")
    cases = [c for c in named(body)] if body is not None else []
    out = []
    pending = []  # the labels of cases that fall into the next one
    for case in cases:
        label = case.child_by_field_name("value") if case.type == "switch_case" else None
        if label is not None:
            literal = unwrap(label)
            v = int_literal(literal) if literal is not None and literal.type == "number" else string_value(literal)
            if v is not None:
                pending.append((canon(literal), v))
        stmts = [s for s in named(case) if s != label]
        if not stmts:
            continue  # case "A": case "B": ... the statements of the last one
        found = exits(stmts)
        if found & {"continue", "break", "fall"} and not found <= {"raise", "return"}:
            out.extend(pending)
        pending = []
    return ValueCollection(canon(stmt), tuple(out)) if out else None


def name_of(coll: ValueCollection) -> str:
    """How a message names a comparison or a ``switch`` whose values decide a retry."""
    written = " ".join(text(coll.node).split())
    if coll.node.type == "switch_statement":
        head = coll.node.child_by_field_name("value")
        written = f"switch {' '.join(text(head).split())}" if head is not None else "switch"
    return f"the retry test {written if len(written) <= 50 else written[:47] + '...'}"
