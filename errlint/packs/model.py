"""Rule packs' immutable model: the data classes a pack file is read into (see :mod:`errlint.packs`)."""
from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from .versions import Interval

RETRY_POLICIES = (
    "never",  # retrying can never succeed: fix the call, re-authenticate, ...
    "transient",  # retry with exponential backoff, jitter and a cap
    "by-status",  # depends on the status code the error carries
    "honor-retry-after",  # retry after the delay the error carries
    "once-after-refresh",  # refresh the credential, then retry once
    "conditional",  # only when the operation is idempotent (e.g. 409)
    "unspecified",  # the docs say nothing
)


PYTHON = "python"
TYPESCRIPT = "typescript"  # TypeScript and JavaScript code: the npm package
LANGUAGES = (PYTHON, TYPESCRIPT)


_PYTHON_DOTTED = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)*$")


def npm_module(spec: str) -> str:
    """How class names start for an npm module: the specifier itself (``@alter-ai/alter-sdk``),
    ``npm:`` before one that reads like a Python module (``npm:stripe``), so a TypeScript class
    never takes the name of a Python one."""
    return f"npm:{spec}" if _PYTHON_DOTTED.match(spec) else spec


class PackError(Exception):
    """A rule pack is invalid; ``str()`` is one line naming the file and the key."""


@dataclass(frozen=True)
class ErrorSpec:
    name: str  # as the pack names it
    qualname: str  # defining module + name: the class's identity in the graph
    parents: tuple[str, ...]  # qualified
    import_names: tuple[str, ...]  # every "module.Name" the real package exports it as
    retry: str = "unspecified"
    reauth: bool = False
    action: str = ""
    statuses: tuple[int, ...] = ()
    codes: tuple[str, ...] = ()
    attributes: tuple[str, ...] = ()
    docs_only: bool = False
    source: str = ""
    docs_names: tuple[str, ...] = ()  # names the docs use that the real package lacks
    npm: tuple[str, ...] = ()  # TypeScript: the npm modules that export it by name (empty: every one of the pack's)

    @property
    def all_names(self) -> tuple[str, ...]:
        return (self.qualname, *self.import_names, *self.docs_names)


@dataclass(frozen=True)
class RetrySetting:
    """Where code sets how often a client retries: a keyword path and what its number counts.

    TypeScript: ``path`` is a property path inside the options object that argument ``arg`` of the
    call is (negative: from the end), and ``values`` maps a literal written there (its text: ``none``,
    ``false``, ``*`` for any value) to the attempts it means (0: retries, how many not fixed)."""

    path: tuple[str, ...]  # keyword, then keyword of the call or key of the dict it holds, ...
    counts: str  # "retries" (attempts = value + 1) or "attempts"; "" when ``values`` says
    at: str = "client"  # "client": the call that builds the client; "call": the SDK call itself
    arg: int = -1  # TypeScript: the argument that holds the options object
    values: Mapping[str, int] = field(default_factory=dict)  # TypeScript: literal -> attempts

    def attempts(self, value: int) -> int:
        return value + 1 if self.counts == "retries" else value


@dataclass(frozen=True)
class GlobalSetting:
    """A module attribute that sets the retries of module-level calls (``stripe.max_network_retries``)."""

    name: str
    counts: str

    def attempts(self, value: int) -> int:
        return value + 1 if self.counts == "retries" else value


@dataclass(frozen=True)
class AutoRetry:
    methods: tuple[str, ...]  # "*": every method called on a client of the pack
    on: tuple[str, ...]  # qualified class names
    attempts: int | None  # documented default, first attempt included
    backoff: str
    source: str
    not_methods: tuple[str, ...] = ()
    via: str = "client"  # "client": calls on a client object; "module": calls through the module itself
    policy: str = ""  # the documented policy in words, for messages
    way_out: str = ""  # what to change instead of adding a retry layer, for messages
    settings: tuple[RetrySetting, ...] = ()
    reconfigure: tuple[str, ...] = ()  # client methods that return a copy with other settings
    globals: tuple[GlobalSetting, ...] = ()
    plugins: tuple[str, ...] = ()  # TypeScript: only for a client whose class a class builder built with one of these

    def applies_to(self, method: str) -> bool:
        if method in self.not_methods:
            return False
        return method in self.methods or "*" in self.methods


@dataclass(frozen=True)
class RetryWrapper:
    """A retry construct an SDK ships (google-api-core's ``Retry``), used as a decorator.

    errlint reads it like tenacity's ``@retry``: the classes it retries on (the
    ``on_keyword`` argument, or its first positional, built with one of ``on_builders``),
    what it retries when that argument is absent (``default_on``, also meant by a
    predicate named in ``default_predicates``), what bounds it and how it waits.
    """

    callables: tuple[str, ...]  # qualified names of the callables (``google.api_core.retry.Retry``)
    description: str  # how messages name it: "@Retry(...)"
    on_keyword: str  # the argument that says what it retries on (also the first positional)
    on_builders: tuple[str, ...]  # predicate builders whose positional arguments are the classes
    default_on: tuple[str, ...]  # the classes it retries when ``on_keyword`` is absent
    default_predicates: tuple[str, ...]  # predicates that mean ``default_on``
    unbounded_when_none: tuple[str, ...]  # keywords whose literal ``None`` leaves it without bound (the first passed decides)
    unbounded: str  # what messages say leaves it without bound
    wait: str  # none | constant | backoff | retry-after
    source: str = ""


@dataclass(frozen=True)
class Irreversible:
    methods: tuple[str, ...]
    reason: str
    unless_kwargs: Mapping[str, Any]


@dataclass(frozen=True)
class TsSide:
    """How TypeScript and JavaScript code reaches a pack's classes and clients beyond named imports
    (``[typescript]``, errlint/packs/typescript.py); class names are the pack's TypeScript qualnames."""

    default_export: str | None = None  # the class ``import X from "<npm>"`` (or CommonJS ``require()``) gives
    namespaces: tuple[str, ...] = ()  # member paths from an export that hold the classes: "OpenAI", "Stripe.errors"
    client_namespaces: tuple[str, ...] = ()  # members of a client that hold them: "errors" (stripe.errors.X)
    commands: tuple[str, ...] = ()  # client methods that run a command object: client.send(new GetObjectCommand())
    factories: tuple[str, ...] = ()  # "Class.method": static calls that return a client (DynamoDBDocumentClient.from)
    class_builders: tuple[str, ...] = ()  # static methods that return a client class with plugins (Octokit.plugin)
    class_codes: bool = False  # a class's name is also an error code with its policy (e.name === "NoSuchKey")


@dataclass(frozen=True)
class Policy:
    """Retry policy of an HTTP status or an error code."""

    key: str
    retry: str
    action: str = ""
    status: int | None = None
    exception: str | None = None  # qualified class name


@dataclass(frozen=True)
class Pack:
    name: str
    path: str
    modules: tuple[str, ...]
    defined_in: str
    docs: str
    package: str | None
    version: str | None
    python: str | None
    client_classes: tuple[str, ...]
    factories: Mapping[str, str]
    conventional_names: tuple[str, ...]
    reauth_actions: tuple[str, ...]
    auto_retry: tuple[AutoRetry, ...]
    irreversible: tuple[Irreversible, ...]
    errors: Mapping[str, ErrorSpec]  # keyed by qualname
    statuses: Mapping[str, Policy]
    codes: Mapping[str, Policy]
    aliases: Mapping[str, str] = field(default_factory=dict)  # import name -> qualname
    retry_guidance: str = ""  # what the docs ask of a retry (backoff, jitter, cap)
    # A pack without a module applies only where the code is about its API
    # (python/scope.py): a string naming one of these hosts, or one of these
    # class names in the code; or everywhere, when the project enables it.
    scope_hosts: tuple[str, ...] = ()
    scope_classes: tuple[str, ...] = ()
    everywhere: bool = False
    # TypeScript and JavaScript: the npm packages the SDK is imported from (``@alter-ai/alter-sdk``),
    # and its classes as that code names them: keyed by ``<npm[0]>.<Name>``, parents among
    # themselves or the JavaScript built-ins (``globalThis.Error``); ``errors`` holds the Python side
    npm: tuple[str, ...] = ()
    ts_errors: Mapping[str, ErrorSpec] = field(default_factory=dict)
    ts_aliases: Mapping[str, str] = field(default_factory=dict)  # npm import name -> ts qualname
    javascript: str | None = None  # the language pack of the JavaScript built-ins records its ECMAScript edition
    retry_wrappers: tuple[RetryWrapper, ...] = ()  # retry constructs the SDK ships ([[retry_wrappers]])
    # TypeScript's client classes (``<npm[0]>.<Name>``), re-auth actions, auto-retrying and irreversible
    # methods, under their TypeScript names (errlint/packs/typescript.py); the fields above are Python's
    ts_client_classes: tuple[str, ...] = ()
    ts_reauth_actions: tuple[str, ...] = ()
    ts_auto_retry: tuple[AutoRetry, ...] = ()
    ts_irreversible: tuple[Irreversible, ...] = ()
    ts: TsSide = field(default_factory=TsSide)
    npm_version: str | None = None  # the npm release the TypeScript side was checked against
    # API generations (``[[generations]]``, see packs/generations.py): the one whose versions hold
    # ``version`` is this pack as written; each other one is this pack with its differences applied
    generations: tuple[Generation, ...] = ()

    @property
    def current_generation(self) -> Generation | None:
        return self.current_generation_in(PYTHON)

    def generations_in(self, language: str) -> tuple[Generation, ...]:
        """The generations of the side ``language`` (Python's follow the PyPI package, TypeScript's the npm one)."""
        return tuple(g for g in self.generations if g.language == language)

    def current_generation_in(self, language: str) -> Generation | None:
        return next((g for g in self.generations if g.pack is None and g.language == language), None)

    @property
    def is_language(self) -> bool:
        """A language pack (the generated stdlib pack, which records the Python it was generated
        from, or the JavaScript built-ins): class trees only, no SDK calls."""
        return self.python is not None or self.javascript is not None

    def reauth_actions_in(self, language: str) -> tuple[str, ...]:
        """The re-auth actions as code in ``language`` ("python" / "typescript") names them."""
        return self.ts_reauth_actions if language == TYPESCRIPT else self.reauth_actions

    @property
    def languages(self) -> tuple[str, ...]:
        """The languages whose code the pack applies to: "python", "typescript" (TypeScript and JavaScript)."""
        return languages_of(self.python, self.javascript, self.modules, self.npm)


@dataclass(frozen=True, eq=False)  # compared and hashed by identity: a pack holds mappings
class Generation:
    """One API generation of an SDK (openai 0.x, openai >= 1): the package versions it covers, the
    names only its code uses (evidence: written in the pack, and the classes no other generation
    has), and the pack as that generation has it (None: the pack itself, its current generation)."""

    name: str  # for messages: "openai 0.x"
    versions: str  # as written: "<1"
    interval: Interval
    packages: tuple[str, ...]  # normalised distribution names whose declared version decides
    evidence: tuple[str, ...]
    pack: Pack | None = None
    language: str = PYTHON  # whose code it describes: "python" (PyPI versions) or "typescript" (npm versions)

    def used_by(self, name: str) -> bool:
        """Does code that uses ``name`` (a module, a class, an attribute chain) belong to this generation?"""
        return any(name == e or name.startswith(e + ".") for e in self.evidence)


def languages_of(python: str | None, javascript: str | None, modules: tuple[str, ...], npm: tuple[str, ...]) -> tuple[str, ...]:
    """A pack's languages: a language pack's own; an SDK's Python side where it has modules (or no
    npm package either: a hand-written Python client), its TypeScript side where it has npm packages."""
    if python is not None:
        return (PYTHON,)
    if javascript is not None:
        return (TYPESCRIPT,)
    out = []
    if modules or not npm:
        out.append(PYTHON)
    if npm:
        out.append(TYPESCRIPT)
    return tuple(out)
