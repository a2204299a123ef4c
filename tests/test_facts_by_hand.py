"""Checks read facts, not syntax: facts built by hand (no parser, no source text) give findings.

This is what a second language front end does: it fills in errlint/facts.py's
dataclasses from its own tree, and every rule works on them unchanged. Handles
here are plain strings; a check may only hand them back in a fix request.
"""
from __future__ import annotations

import sys

from errlint.checks.err004_shadowed_except import ShadowedExcept
from errlint.facts import ClassRef, FileFacts, Handler, Span, TryStatement
from errlint.hierarchy import ClassGraph
from errlint.requests import DropEntries, MoveHandler

GRAPH = ClassGraph({
    "builtins.Exception": ("builtins.BaseException",),
    "builtins.BaseException": (),
    "sdk.BackendError": ("builtins.Exception",),
    "sdk.GrantExpiredError": ("sdk.BackendError",),
    "sdk.NetworkError": ("sdk.BackendError",),
})


class HandBuiltFile(FileFacts):
    """FileFacts without a parse: the facts are given."""

    def __init__(self, tries: list[TryStatement]) -> None:
        self.path = "service.ts"
        self.module_name = "service"
        self.registry = None
        self.tries = tries
        self.constructs = []
        self.collections = []
        self.found: list = []

    @property
    def graph(self) -> ClassGraph:
        return GRAPH

    def report_at(self, code, at, message, request=None) -> None:
        self.found.append((code, at, message, request))


def ref(name: str, qualname: str | None = None) -> ClassRef:
    return ClassRef(qualname or f"sdk.{name}", f"node:{name}", name)


def handler(i: int, line: int, refs: list[ClassRef] | None, as_tuple: bool = False) -> Handler:
    return Handler(f"handler:{line}", refs, None, i, written_as_tuple=as_tuple, at=Span.at(line, 5, line, 30))


def run(tries: list[TryStatement]) -> list:
    file = HandBuiltFile(tries)
    ShadowedExcept(file).run()
    return file.found


def test_no_parser_is_imported_for_facts_and_checks():
    # (run in this process: the test suite imports libcst elsewhere; what matters is that the
    # check and the facts modules do not need it — see test_architecture for the import rules)
    for name in ("errlint.facts", "errlint.requests", "errlint.checks.err004_shadowed_except"):
        module = sys.modules[name]
        assert "libcst" not in vars(module)


def test_a_parent_before_its_subclass_is_reported_with_a_move_request():
    t = TryStatement("try:10", [
        handler(0, 12, [ref("BackendError")]),
        handler(1, 14, [ref("GrantExpiredError")]),
    ], at=Span.at(10, 1, 15, 1))
    [(code, at, message, request)] = run([t])
    assert code == "ERR004"
    assert (at.line, at.column, at.end_line, at.end_column) == (14, 5, 14, 30)
    assert message == "except GrantExpiredError is unreachable: BackendError on line 12 catches it first"
    assert request == MoveHandler("unsafe", "Move except GrantExpiredError above BackendError", "try:10", 1, 0)


def test_the_right_order_is_silent():
    t = TryStatement("try:1", [handler(0, 3, [ref("GrantExpiredError")]), handler(1, 5, [ref("BackendError")])])
    assert run([t]) == []


def test_a_redundant_tuple_entry_gets_a_safe_drop_request():
    t = TryStatement("try:1", [handler(0, 3, [ref("BackendError"), ref("NetworkError")], as_tuple=True)])
    [(code, at, message, request)] = run([t])
    assert message == "NetworkError in except (BackendError, NetworkError) is redundant: BackendError in the same tuple already catches it"
    assert request == DropEntries("safe", "Remove NetworkError from the tuple", "handler:3", frozenset({1}), 2)


def test_a_catch_all_shadows_what_follows_and_is_not_moved():
    t = TryStatement("try:1", [handler(0, 3, None), handler(1, 5, [ref("NetworkError")])])
    [(code, at, message, request)] = run([t])
    assert message == "except NetworkError is unreachable: bare except: on line 3 catches it first"
    assert request is None  # a catch-all must stay last: no move


def test_a_class_errlint_cannot_name_shadows_nothing():
    t = TryStatement("try:1", [handler(0, 3, [ClassRef(None, "node:x", "errors()")]), handler(1, 5, [ref("NetworkError")])])
    assert run([t]) == []
