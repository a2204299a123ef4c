"""A pack's TypeScript side beyond its classes: client classes, re-auth actions, auto-retrying and
irreversible methods under their TypeScript names, the ``[typescript]`` table, and the TypeScript
names and parents of classes (see :mod:`errlint.packs.schema`, and docs/packs.md).

TypeScript names its methods in camelCase (``request``, ``connect``), so each
entry says which names it has in TypeScript, beside the Python ones::

    [clients]
    typescript = ["AlterVault"]      # classes the npm package exports: new AlterVault({...}), vault: AlterVault
    [reauth]
    typescript = ["connect"]         # vault.connect(...)
    [[auto_retry]]
    methods = ["request"]            # the Python names (may be left out: a TypeScript-only entry)
    typescript = ["request"]         # the TypeScript names (left out: a Python-only entry)
    typescript_settings = [{ path = ["maxRetries"], counts = "retries" }]   # new AlterVault({ maxRetries })

An entry without ``typescript`` never applies to TypeScript, and one without
``methods`` never applies to Python. A TypeScript ``[[auto_retry]]`` entry
retries the TypeScript side of its ``on`` classes; its settings, the methods
that send nothing and the methods that return a reconfigured copy are its
``typescript_*`` keys (Python's ``settings``, ``not_methods``, ``reconfigure``,
``globals`` and ``via`` are not carried over).

A class's TypeScript name is ``<npm[0]>.<Name>`` (:func:`~errlint.packs.model.npm_module`),
``Name`` its ``typescript_name`` or its Python name; its parents are its
``typescript_parent`` (the pack's classes, or another pack's TypeScript classes by
qualified name: ``@smithy/core.ServiceException``, ``globalThis.Error``) or its Python
parents' TypeScript sides.
"""
from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import replace
from types import MappingProxyType
from typing import Any

from .model import TYPESCRIPT, AutoRetry, ErrorSpec, Irreversible, RetrySetting, TsSide, npm_module
from .reader import _array_of_tables

# a JavaScript identifier (ASCII): a class or a method name as TypeScript code writes it
TS_NAME = re.compile(r"^[A-Za-z_$][A-Za-z0-9_$]*$")
TS_METHOD = re.compile(r"^(\*|[A-Za-z_$][A-Za-z0-9_$]*)$")
# a method under its client's attribute path (``interactions.create``, ``models.*``) or every method (``*``)
TS_METHOD_PATH = re.compile(r"^(\*|[A-Za-z_$][A-Za-z0-9_$]*(\.[A-Za-z_$][A-Za-z0-9_$]*)*(\.\*)?)$")
TS_PATH = re.compile(r"^[A-Za-z_$][A-Za-z0-9_$]*(\.[A-Za-z_$][A-Za-z0-9_$]*)*$")
# a TypeScript class of any pack by qualified name: npm module (or globalThis, or npm:x) + "." + name
TS_QUALIFIED = re.compile(r"^(globalThis|npm:[a-z0-9][a-z0-9._~-]*|(@[a-z0-9~-][a-z0-9._~-]*/)?[a-z0-9~-][a-z0-9._~-]*(/[A-Za-z0-9._~-]+)*)\.[A-Za-z_$][A-Za-z0-9_$]*$")
TS_KEYS = ("default_export", "namespaces", "client_namespaces", "commands", "factories", "class_builders", "class_codes")
TS_SETTING_KEYS = ("path", "counts", "values", "at", "arg")
TS_ERROR_KEYS = ("typescript_name", "typescript_parent", "typescript_attributes", "typescript_retry", "typescript_action", "npm")
TS_AUTO_RETRY_KEYS = (
    "typescript", "typescript_not_methods", "typescript_settings", "typescript_reconfigure", "typescript_plugins",
)
_PYTHON_ONLY_RETRY_KEYS = ("settings", "reconfigure", "globals", "not_methods", "via")


def ts_strings(r, table: Mapping[str, Any], where: str, npm: tuple[str, ...], pattern=TS_NAME, key: str = "typescript") -> tuple[str, ...]:
    """``typescript = [...]`` of a table, validated (a pack without npm packages has no TypeScript side)."""
    if key not in table:
        return ()
    names = r.strings(table, key, where, pattern)
    if not npm:
        raise r.fail(f"{where}.{key}", "the pack has no TypeScript side (sdk.npm is empty)")
    if not names and key == "typescript":
        raise r.fail(f"{where}.{key}", "expected at least one name (leave the key out for a Python-only entry)")
    return names


def ts_client_classes(r, clients: Mapping[str, Any], npm: tuple[str, ...]) -> tuple[str, ...]:
    """The TypeScript client classes, named as the npm package's classes are: ``<npm[0]>.<Name>``."""
    return tuple(f"{npm_module(npm[0])}.{name}" for name in ts_strings(r, clients, "clients", npm))


def read_ts_side(r, data: Mapping[str, Any], npm: tuple[str, ...]) -> TsSide:
    """The ``[typescript]`` table: how code reaches the pack's classes and clients beyond named imports."""
    if "typescript" not in data:
        return TsSide()
    table = r.table(data["typescript"], "typescript", TS_KEYS)
    if not npm:
        raise r.fail("typescript", "the pack has no TypeScript side (sdk.npm is empty)")
    root = npm_module(npm[0])
    default = r.string(table, "default_export", "typescript")
    if default is not None and not TS_NAME.match(default):
        raise r.fail("typescript.default_export", f"{default!r} is not a class name")

    def normal(path: str) -> str:  # "default" stands for the class the default export is, if it is one
        head, dot, rest = path.partition(".")
        return default + dot + rest if head == "default" and default is not None else path

    factories = r.strings(table, "factories", "typescript", TS_PATH)
    for f in factories:
        if "." not in f:
            raise r.fail("typescript.factories", f"{f!r}: expected \"Class.method\"")
    return TsSide(
        default_export=f"{root}.{default}" if default else None,
        namespaces=tuple(dict.fromkeys(normal(p) for p in r.strings(table, "namespaces", "typescript", TS_PATH))),
        client_namespaces=r.strings(table, "client_namespaces", "typescript", TS_PATH),
        commands=r.strings(table, "commands", "typescript", TS_NAME),
        factories=factories,
        class_builders=r.strings(table, "class_builders", "typescript", TS_NAME),
        class_codes=r.boolean(table, "class_codes", "typescript"),
    )


def class_codes(ts_errors: Mapping[str, ErrorSpec], codes: Mapping[str, Any], policy) -> dict:
    """``[typescript] class_codes``: each TypeScript class with a policy is also the error code of its name
    (``e.name === "NoSuchKey"``, ``e.type === "StripeCardError"``); a ``[codes]`` entry of that name wins."""
    out = {}
    for q, spec in ts_errors.items():
        if spec.retry != "unspecified" and spec.name not in codes:
            out[spec.name] = policy(key=spec.name, retry=spec.retry, action=spec.action, exception=q)
    return {**out, **codes}


def ts_class_of(ts_of: Mapping[str, str]):
    """A function from a Python-side qualified name of the pack's class to its TypeScript name (None: none)."""
    return ts_of.get


def _ts_settings(r, item: Mapping[str, Any], where: str) -> tuple[RetrySetting, ...]:
    out = []
    for i, body in enumerate(_array_of_tables(r, item, "typescript_settings")):
        at = f"{where}.typescript_settings[{i}]"
        body = r.table(body, at, TS_SETTING_KEYS)
        path = r.strings(body, "path", at, TS_NAME)
        if not path:
            raise r.fail(f"{at}.path", "required: the property, then the properties of the object it holds")
        side = r.choice(body, "at", at, ("client", "call"), "client")
        arg = r.integer(body, "arg", at)
        if ("counts" in body) == ("values" in body):
            raise r.fail(at, "expected one of counts (a number is written there) or values (a literal is)")
        counts = r.choice(body, "counts", at, ("retries", "attempts", "any")) if "counts" in body else ""
        values: dict[str, int] = {}
        for k, v in r.mapping(body.get("values", {}), f"{at}.values").items():
            if not isinstance(v, int) or isinstance(v, bool) or v < 0:
                raise r.fail(f"{at}.values.{k}", f"expected the attempts it means (0: retries, how many not fixed), got {v!r}")
            values[k] = v
        if "values" in body and not values:
            raise r.fail(f"{at}.values", "expected at least one literal = attempts")
        if arg is None:
            arg = 0 if side == "client" else -1  # new OpenAI({...}); create(body, {...})
        out.append(RetrySetting(path, counts, side, arg, MappingProxyType(values)))
    return tuple(out)


def ts_auto_retry(r, item: Mapping[str, Any], where: str, entry: AutoRetry, npm: tuple[str, ...], ts_class) -> AutoRetry | None:
    """The TypeScript side of one ``[[auto_retry]]`` entry (None: a Python-only entry)."""
    for key in TS_AUTO_RETRY_KEYS[1:]:
        if key in item and "typescript" not in item:
            raise r.fail(f"{where}.{key}", "only with typescript (the entry's TypeScript methods)")
    methods = ts_strings(r, item, where, npm, TS_METHOD_PATH)
    if not methods:
        return None
    if not entry.methods:
        for key in _PYTHON_ONLY_RETRY_KEYS:
            if key in item:
                raise r.fail(f"{where}.{key}", f"Python's (the entry has no methods); TypeScript's is typescript_{key}" if key != "via" and key != "globals" else "Python's (the entry has no methods)")
    on = []
    for q in entry.on:
        found = ts_class(q) or (q if not entry.methods and q.startswith("globalThis.") else None)
        if found is None:  # a TypeScript-only entry may name a JavaScript built-in: aws-sdk v2's errors are plain Errors
            raise r.fail(f"{where}.on", f"{q.rpartition('.')[2]!r} has no TypeScript side, but the entry has TypeScript methods")
        on.append(found)
    plugins = []
    for p in r.strings(item, "typescript_plugins", where, TS_QUALIFIED):
        spec, _, name = p.rpartition(".")
        if spec not in npm:
            raise r.fail(f"{where}.typescript_plugins", f"{p!r}: expected \"<one of sdk.npm>.<export>\"")
        plugins.append(f"{npm_module(npm[0])}.{name}")  # as code that imports it names it
    return replace(
        entry, methods=methods, on=tuple(on), via="client", globals=(), plugins=tuple(plugins),
        not_methods=ts_strings(r, item, where, npm, TS_METHOD_PATH, "typescript_not_methods"),
        reconfigure=ts_strings(r, item, where, npm, TS_NAME, "typescript_reconfigure"),
        settings=_ts_settings(r, item, where),
    )


def ts_irreversible(r, item: Mapping[str, Any], where: str, entry: Irreversible, npm: tuple[str, ...]) -> Irreversible | None:
    """The TypeScript side of one ``[[irreversible]]`` entry (``unless_kwargs`` are Python keywords: not carried over)."""
    methods = ts_strings(r, item, where, npm)
    if not methods:
        return None
    return Irreversible(methods, entry.reason, MappingProxyType({}))


JS_ROOT = "globalThis.Error"  # the JavaScript built-ins' root class (rules/javascript.toml)


class TsClassInfo:
    """A class's TypeScript keys, as written: ``typescript_name``, ``typescript_parent``, ``npm``,
    ``typescript_attributes``, ``typescript_retry``, ``typescript_action`` (where TypeScript's differ)."""

    __slots__ = ("name", "parents", "npm", "attributes", "retry", "action")

    def __init__(self, r, body: Mapping[str, Any], where: str, npm_pattern) -> None:
        self.name = r.string(body, "typescript_name", where)
        if self.name is not None and not TS_NAME.match(self.name):
            raise r.fail(f"{where}.typescript_name", f"{self.name!r} is not a class name")
        self.parents: tuple[str, ...] | None = None
        if "typescript_parent" in body:
            value = body["typescript_parent"]
            value = [value] if isinstance(value, str) else value
            if not isinstance(value, list) or not all(isinstance(p, str) for p in value):
                raise r.fail(f"{where}.typescript_parent", "expected a class name or a list of class names ([] for a root)")
            self.parents = tuple(value)
        self.npm = r.strings(body, "npm", where, npm_pattern)
        self.attributes = r.strings(body, "typescript_attributes", where, TS_ATTRIBUTE)
        self.retry = r.policy(body, "typescript_retry", where) if "typescript_retry" in body else None
        self.action = r.string(body, "typescript_action", where)

    @property
    def written(self) -> bool:
        return any(x is not None and x != () for x in (self.name, self.parents, self.npm or None, self.attributes or None, self.retry, self.action))


# an attribute as TypeScript code reads it off the error: ``status``, ``$metadata.httpStatusCode``
TS_ATTRIBUTE = re.compile(r"^[A-Za-z_$][A-Za-z0-9_$]*(\.[A-Za-z_$][A-Za-z0-9_$]*)*$")


def typescript_classes(
    r, errors: Mapping[str, ErrorSpec], languages: Mapping[str, tuple[str, ...]], npm: tuple[str, ...], language_pack: bool,
    info: Mapping[str, TsClassInfo], local: Callable[[str], str | None],
) -> tuple[dict[str, ErrorSpec], dict[str, str], dict[str, str]]:
    """The classes TypeScript and JavaScript code can name, keyed ``<npm[0]>.<Name>`` (a language
    pack's as written), their import names (``<m>.<Name>`` for every npm module ``m`` of the pack),
    and the TypeScript name of each pack class that has one (keyed by its pack qualname). A parent
    that has no TypeScript side becomes its nearest ancestor that has one, and a class outside the
    pack (``builtins.Exception``) the JavaScript ``Error``; ``typescript_parent`` says otherwise."""
    ts = [q for q in errors if TYPESCRIPT in languages[q]]
    for q, i in info.items():
        if i.written and q not in ts:
            raise r.fail(f"errors.{errors[q].name}", "TypeScript keys on a class with no TypeScript side (languages)")
    if not ts:
        return {}, {}, {}
    root = npm_module(npm[0]) if npm else ""
    ts_name: dict[str, str] = {}
    for q in ts:
        name = q if language_pack else f"{root}.{info[q].name if q in info and info[q].name else errors[q].name}"
        if name in ts_name.values():
            raise r.fail(f"errors.{errors[q].name}", f"its TypeScript name {name} is another class's (set typescript_name)")
        ts_name[q] = name

    def parents(q: str, seen: frozenset[str] = frozenset()) -> tuple[str, ...]:
        written = info[q].parents if q in info else None
        if written is not None:
            out = []
            for p in written:
                target = local(p)
                if target is not None:
                    if target not in ts_name:
                        raise r.fail(f"errors.{errors[q].name}.typescript_parent", f"{p!r} has no TypeScript side")
                    out.append(ts_name[target])
                elif TS_QUALIFIED.match(p):
                    out.append(p)  # another pack's TypeScript class: checked by the registry
                else:
                    raise r.fail(f"errors.{errors[q].name}.typescript_parent", f"unknown class {p!r}")
            return tuple(out)
        out = []
        for p in errors[q].parents:
            if p in ts_name:
                out.append(ts_name[p])
            elif p in errors and p not in seen:  # a Python-only class: its own parents stand in
                out.extend(parents(p, seen | {p}))
            elif not language_pack:
                out.append(JS_ROOT)
        return tuple(dict.fromkeys(out))

    out: dict[str, ErrorSpec] = {}
    aliases: dict[str, str] = {}
    for q in ts:
        spec = errors[q]
        short = ts_name[q].rpartition(".")[2]
        extra = info[q].npm if q in info else ()
        names = tuple(dict.fromkeys(n for n in (f"{npm_module(m)}.{short}" for m in (*npm, *extra)) if n != ts_name[q]))
        for n in names:
            aliases[n] = ts_name[q]
        i = info.get(q)
        attributes = (i.attributes if i is not None else ()) or spec.attributes
        out[ts_name[q]] = replace(
            spec, name=short, qualname=ts_name[q], parents=parents(q), import_names=names, docs_names=(), attributes=attributes,
            npm=extra, retry=i.retry if i is not None and i.retry is not None else spec.retry,
            action=i.action if i is not None and i.action is not None else spec.action,
        )
    return out, aliases, ts_name
