"""Facts: what a language front end tells the checks about one file, as plain data.

A check reads facts and nothing else: no parser node type appears in this
module's interface. Where a fact stands in the source is a :class:`Span`;
what the fact *is* in the front end's own tree is a ``Handle``, an opaque
value a check may only hand back (in a fix request, see :mod:`errlint.requests`)
for the language's fixer to turn into edits. The Python front end
(:mod:`errlint.python`) builds these from LibCST; another language's front end
builds the same dataclasses from its own parser.

Exception classes are named by qualified name (``alter_sdk.BackendError``,
``builtins.OSError``); ``None`` is a class errlint cannot name (a call, a
subscript), ``?...`` an expression it follows only as written.
"""
from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .hierarchy import ClassGraph
    from .packs import AutoRetry, Irreversible, Pack, PackRegistry

Handle = Any  # a front end's own node: opaque to the checks


class Span:
    """A source range: 1-based line and column of its start and (exclusive) end.

    Positions cost something to compute (LibCST generates code to know them),
    and most facts are never reported: a front end may give a function that
    computes them on first use.
    """

    __slots__ = ("_resolve", "_where")

    def __init__(self, resolve: Callable[[], tuple[int, int, int, int]] | None = None, where: tuple[int, int, int, int] | None = None) -> None:
        self._resolve = resolve
        self._where = where

    @classmethod
    def at(cls, line: int, column: int, end_line: int, end_column: int) -> Span:
        return cls(where=(line, column, end_line, end_column))

    def _get(self) -> tuple[int, int, int, int]:
        if self._where is None:
            assert self._resolve is not None
            self._where = self._resolve()
        return self._where

    @property
    def line(self) -> int:
        return self._get()[0]

    @property
    def column(self) -> int:
        return self._get()[1]

    @property
    def end_line(self) -> int:
        return self._get()[2]

    @property
    def end_column(self) -> int:
        return self._get()[3]

    def __repr__(self) -> str:
        return "Span(%d:%d-%d:%d)" % self._get()


@dataclass(frozen=True)
class ClassRef:
    """One class named in a handler or a retry construct (a tuple names several)."""

    qualname: str | None  # None: not a name errlint can follow (a call, a subscript)
    node: Handle  # the expression as written (for a tuple constant: the name)
    text: str  # as written, for messages (an entry of a tuple constant: the entry's text)
    via: str | None = None  # the tuple constant the entry comes from (``except RETRYABLE:``)
    # the branch takes only some errors of the class (``e instanceof A && e.code === "x"``): it is
    # reached by them, but does not keep them from the handlers after it
    narrowed: bool = False


@dataclass(frozen=True)
class Effect:
    """What a handler does with the error it caught."""

    exits: frozenset[str]  # how control leaves it: raise / return / break / continue / fall
    guarded: bool  # a raise / retry decision tests the caught error
    reauth: str | None  # the re-auth action it calls, if any
    escapes: tuple[str, ...] = ()  # classes `if isinstance(e, X): raise` re-raises
    summary: str = ""  # what a swallowing handler does, for messages
    name: str | None = None  # the ``as`` name

    @property
    def reraises(self) -> bool:
        """Every path out of the handler raises."""
        return self.exits == frozenset({"raise"})

    @property
    def may_raise(self) -> bool:
        return "raise" in self.exits

    @property
    def swallows(self) -> bool:
        """Neither re-raises on every path, nor on a path guarded by a test of the error, nor re-authenticates."""
        if self.reauth is not None or self.reraises:
            return False
        return not (self.may_raise and self.guarded)


@dataclass
class Handler:
    """One ``except`` clause (or ``catch`` branch), in its statement's order."""

    handler: Handle
    refs: list[ClassRef] | None  # None: catches everything (a bare ``except:``)
    effect: Effect | None  # None when no enabled check asked for effects
    index: int = 0
    retries: bool = False  # set by the retry analysis: falls through to the next attempt
    written_as_tuple: bool = False  # the classes are a literal tuple in the handler itself
    at: Span | None = None  # the handler's start to the end of its classes
    extra: dict = field(default_factory=dict)
    # need "waits" (the retrying handlers of retry loops): the ``if`` statements of its body whose
    # test holds a literal, in source order, and how the handler's own sleeps wait
    branches: tuple[Branch, ...] = ()
    wait: str | None = None  # none | constant | backoff | retry-after | unknown (None: not gathered)
    # the collections a retrying handler tests the error's status or code against, as the
    # retried set (`if e.status in RETRY_STATUSES: continue`), in order (when asked for)
    retry_decisions: tuple[ValueCollection, ...] = ()
    label: str | None = None  # how messages name it, when a front end says (``instanceof X``, ``catch (e)``)
    # need "calls" (the retrying handlers of retry loops): the handler changes a variable the
    # calls of the try body pass (``config["engine"] = config.pop("model")``): the next attempt is another request
    repairs: bool = False

    @property
    def qualnames(self) -> list[str | None]:
        return ["builtins.BaseException"] if self.refs is None else [r.qualname for r in self.refs]

    @property
    def text(self) -> str:
        if self.label is not None:
            return self.label
        if self.refs is None:
            return "bare except:"
        if self.refs and self.refs[0].via is not None:  # a tuple constant: its name and its entries
            return f"except {self.refs[0].via} (" + ", ".join(r.text for r in self.refs) + ")"
        if self.written_as_tuple or len(self.refs) > 1:
            return "except (" + ", ".join(r.text for r in self.refs) + ")"
        return "except " + self.refs[0].text if self.refs else "except"


@dataclass(frozen=True)
class Branch:
    """An ``if`` in a handler whose test holds literals (``if exc.status_code == 429:``)."""

    values: tuple[str, ...]  # the integer (in decimal) and string literals of its test, in source order
    wait: str = "none"  # how the sleeps of its body wait: none (no sleep) | constant | backoff | retry-after | unknown
    at: Span | None = None


@dataclass(frozen=True)
class Client:
    pack: Pack
    cls: str | None  # the client class, when known
    how: str  # how errlint knows: "constructed", "annotated", "factory", "attribute", ...
    plugins: tuple[str, ...] = ()  # what built its class (TypeScript: Octokit.plugin(retry)), qualified names


@dataclass(frozen=True)
class Retries:
    """How often an auto-retrying call runs, as its client was built."""

    state: str  # "known" | "assumed" | "unknown"
    attempts: int | None
    note: str = ""  # how errlint knows, for messages ("max_retries=5", "assumed: ...")
    where: Span | None = None  # the call whose setting decided, for "on line N"

    @property
    def off(self) -> bool:
        return self.state != "unknown" and self.attempts is not None and self.attempts <= 1


@dataclass(frozen=True)
class SdkCall:
    """A call of a pack's SDK, through a receiver errlint recognised."""

    node: Handle
    pack: Pack
    method: str
    text: str  # ``vault.request`` as written, for messages
    client: Client | None
    auto_retry: AutoRetry | None
    irreversible: Irreversible | None
    retries: Retries | None = None  # how often auto_retry runs, as the client was built
    at: Span | None = None


@dataclass
class RetryTry:
    """A ``try`` in a retry loop, with its handlers (``retries`` set on those that retry)."""

    node: Handle
    handlers: list[Handler]
    calls: tuple[SdkCall, ...] = ()  # the SDK calls of its body (when asked for)

    @property
    def retrying(self) -> list[Handler]:
        return [h for h in self.handlers if h.retries]


@dataclass
class RetryConstruct:
    """Code that runs again after an error: a loop, a decorator, an iterator.

    ``kind``: loop, tenacity, tenacity-iterator, backoff, stamina, stamina-iterator.
    """

    kind: str
    node: Handle  # the loop / decorated function / iterator call
    report_node: Handle  # where findings about the construct go
    body: Handle  # the code that is run again
    tries: list[RetryTry] = field(default_factory=list)  # loops: the retrying try statements
    on: tuple[str, ...] = ()  # decorators / iterators: classes retried on
    excluded: tuple[str, ...] = ()  # retry_if_not_exception_type
    guarded: bool = False  # a predicate errlint cannot read decides
    cap: int | None = None  # attempts, when a literal says
    bounded: bool = True  # False: nothing stops it
    wait: str = "none"  # none | constant | backoff | retry-after | unknown
    sleeps: Handle = ()  # the waits the loop makes
    after: Handle = ()  # loops: what runs once the attempts are used up
    description: str = ""  # "retry loop", "@retry", ...
    keyword: str = ""  # loops: "for" / "while"
    raises_when_exhausted: bool = True  # once the last attempt fails, the error (or another) is raised
    at: Span | None = None  # the loop header, or the decorator / call
    calls: tuple[SdkCall, ...] = ()  # the SDK calls it runs again (when asked for)
    seq: int = 0  # its place in the traversal among the facts that carry one (FileFacts.collections)
    # decorators / iterators: the classes of the one expression that names what it retries on
    # (tenacity's `retry=retry_if_exception_type(<this>)`, backoff's exception, stamina's `on=`),
    # entry by entry as written; None: no such expression
    on_refs: list[ClassRef] | None = None
    unbounded_why: str = ""  # what leaves it without bound, for messages, when the front end knows better than its kind

    def covers(self, graph: ClassGraph, cls: str) -> bool:
        """Decorators / iterators: does the construct retry ``cls`` when it escapes the body?"""
        if any(graph.is_subclass(cls, x) for x in self.excluded if x):
            return False
        return any(graph.is_subclass(cls, x) for x in self.on if x)

    def exhausted_raises(self) -> bool:
        """Once the last attempt fails, is an error raised?"""
        return self.raises_when_exhausted

    @property
    def label(self) -> str:
        """``this for retry loop``, ``this @retry(...)``: how a message names the construct."""
        if self.kind == "loop":
            return f"this {'do…while' if self.keyword == 'do' else self.keyword} retry loop"
        return f"this {self.description}"


@dataclass(frozen=True)
class Wording:
    """How a message names a language's handlers (Python: ``except (A, B)``, "the same tuple")."""

    clause: str = "except"  # ``except A`` / ``instanceof A``
    joiner: str = ", "  # ``(A, B)`` / ``(A || B)``
    group: str = "tuple"  # the same tuple / the same test
    handlers: str = "handlers"  # earlier handlers / earlier branches
    reraise: str = "re-raise"  # what letting the error go on is called: re-raise / rethrow


PYTHON_WORDING = Wording()


@dataclass
class TryStatement:
    """A ``try`` statement (``try``/``except*`` included) and what its body calls."""

    node: Handle
    handlers: list[Handler]
    star: bool = False  # ``except*``
    calls: tuple[SdkCall, ...] = ()  # the SDK calls of its body (when asked for)
    other_calls: bool = False  # its body calls something besides those SDK calls
    loop: RetryConstruct | None = None  # the retry loop it retries in, if any
    at: Span | None = None
    wording: Wording = PYTHON_WORDING  # how messages name its handlers


@dataclass(frozen=True)
class ValueCollection:
    """A collection of statuses (ints) or codes (strs) as written."""

    node: Handle  # the collection expression (for a named one: its value where it is bound)
    entries: tuple[tuple[Handle, int | str], ...]  # (where the value is written, the value)
    name: str | None = None  # the name it is bound to, when it was found through one
    seq: int = 0  # its place in the traversal (FileFacts.collections; see RetryConstruct.seq)


# retry, retrying, retries, retried, retryable, retriable -- not retrieve or retrieval
_RETRYABLE_NAME = re.compile(r"retr(?:y|ie[sd]|iab)", re.IGNORECASE)
_NEGATED_NAME = re.compile(r"(^|_)(non|not|no|never|dont|do_not|fatal|permanent)(_|$)|nonretr|unretr", re.IGNORECASE)
_CAMEL = re.compile(r"(?<=[a-z0-9])(?=[A-Z])")


def retryable_name(name: str) -> bool:
    """A name that says its collection holds what is retried (``retryable_codes``,
    ``RETRY_STATUSES``, ``retryableStatuses``), not what is not (``NON_RETRYABLE_STATUSES``,
    ``fatal_retry_codes``, ``nonRetryableCodes``, ``doNotRetry``): the rule for ``FileFacts.collections``."""
    words = _CAMEL.sub("_", name)  # camelCase reads as snake_case: neverRetry -> never_Retry
    return bool(_RETRYABLE_NAME.search(words)) and not _NEGATED_NAME.search(words)


def called_packs(calls: Iterable[SdkCall]) -> list[Pack]:
    """The packs of ``calls``, each once, in the order first called."""
    out: dict[str, Pack] = {}
    for call in calls:
        out.setdefault(call.pack.name, call.pack)
    return list(out.values())


def first_catcher(handlers: Sequence[Handler], cls: str, graph: ClassGraph) -> Handler | None:
    """The first of ``handlers`` that catches ``cls`` (a bare except catches everything)."""
    for h in handlers:
        if h.refs is None:
            return h
        for ref in h.refs:
            if ref.qualname is not None and not ref.qualname.startswith("?") and graph.is_subclass(cls, ref.qualname):
                return h
    return None


class FileFacts:
    """Everything the checks may know about one file (a front end fills it in)."""

    path: str
    module_name: str
    registry: PackRegistry
    tries: list[TryStatement]
    constructs: list[RetryConstruct]
    # (bound name, collection) for each collection assigned to a retryable-looking name
    # (``retryable_codes``, ``RETRY_STATUSES``; not ``NON_RETRYABLE_STATUSES``), in traversal
    # order; ``seq`` places them among the ``constructs``
    collections: list[tuple[str, ValueCollection]]
    # the language of the file's code, for pack data named per language (packs.model.LANGUAGES)
    language: str = "python"

    @property
    def graph(self) -> ClassGraph:  # pragma: no cover - provided by the front end
        raise NotImplementedError

    def pack_applies(self, pack: Pack) -> bool:  # pragma: no cover - provided by the front end
        raise NotImplementedError

    def report_at(self, code: str, at: Span, message: str, request=None) -> None:  # pragma: no cover
        """Record a finding: where, what, and the fix request (errlint/requests.py) if any."""
        raise NotImplementedError

    def span(self, handle: Handle, end: Handle | None = None) -> Span:  # pragma: no cover
        """Where ``handle`` is (through ``end``'s end): for facts that carry no span of their own."""
        raise NotImplementedError

    def text_of(self, handle: Handle) -> str:  # pragma: no cover
        """``handle``'s source text as written."""
        raise NotImplementedError
