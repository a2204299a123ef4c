"""Fix requests: what a check asks the language's fixer to do, as plain data.

A check does not edit code. It says what the edit is (move this handler above
that one, drop these entries from this tuple, ...), naming the places by the
opaque handles its facts carry; the language's fixer (``errlint/python/fixer.py``
for Python) turns the request into edits, or into nothing when the code's
shape does not allow the edit (then the finding is reported without a fix).

``applicability`` follows ruff: a *safe* fix never changes what the program
does; the fixer may lower a safe request to unsafe (a comment the edit would
lose), never raise an unsafe one.
"""
from __future__ import annotations

from dataclasses import dataclass

from .facts import Handle


@dataclass(frozen=True)
class FixRequest:
    applicability: str  # "safe" | "unsafe"
    message: str  # what the fix does, as shown to the user


@dataclass(frozen=True)
class MoveHandler(FixRequest):
    """Move handler ``handler`` of ``statement`` so that it comes right before handler ``before``."""

    statement: Handle
    handler: int
    before: int


@dataclass(frozen=True)
class DropEntries(FixRequest):
    """Drop ``entries`` (indexes) from the class tuple written in ``handler``; one left: the bare class."""

    handler: Handle
    entries: frozenset[int]
    count: int  # how many entries the facts list for the handler: the tuple must hold exactly these


@dataclass(frozen=True)
class UnwrapLoop(FixRequest):
    """Replace retry loop ``loop`` by the body of its one ``try_`` (which retries the one call ``call``);
    the statements ``after`` the loop that can then no longer run are removed with it."""

    loop: Handle
    try_: Handle
    call: Handle
    after: Handle = ()


@dataclass(frozen=True)
class DropDecorator(FixRequest):
    """Remove ``decorator`` from the decorators of ``function``."""

    function: Handle
    decorator: Handle


@dataclass(frozen=True)
class CatchSdkClass(FixRequest):
    """Catch the SDK's class ``qualname`` (of the pack named ``pack``) where entry ``entry`` of
    ``handler``'s classes names another: instead of it, or beside it when ``keep_builtin``.

    The fixer names the class the way the module already imports from the SDK, or adds it
    to an existing ``from`` import as ``alias``; no fix when the module does not import the
    SDK. ``message`` names the class as ``{reference}``: only the fixer knows how it is written.
    """

    handler: Handle
    entry: int
    qualname: str
    pack: str
    alias: str
    keep_builtin: bool


@dataclass(frozen=True)
class DropConstructEntries(FixRequest):
    """Drop ``entries`` (indexes) from the class tuple a retry construct retries on
    (``RetryConstruct.on_refs``): ``construct`` is the construct's ``report_node``, ``kind`` its kind."""

    construct: Handle
    kind: str
    entries: frozenset[int]
    count: int  # how many entries the facts list (``on_refs``): the tuple must hold exactly these


@dataclass(frozen=True)
class ReraiseAtEnd(FixRequest):
    """End ``handler`` with a bare re-raise: its last ``pass`` / ``return`` / ``continue`` / ``break`` / ``...``
    becomes the re-raise, anything else is followed by one."""

    handler: Handle


@dataclass(frozen=True)
class InsertReraise(FixRequest):
    """Insert a handler that re-raises ``classes`` (qualified names) right before handler ``handler`` of ``statement``.

    The fixer names each class the way the module can (importing it when needed);
    ``{names}`` in ``message`` stands for the classes as it names them. No fix
    when the module cannot name one of them.
    """

    statement: Handle
    handler: int
    classes: tuple[str, ...]
