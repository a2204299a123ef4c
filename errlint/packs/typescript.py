"""A pack's TypeScript side beyond its classes: client classes, re-auth actions, auto-retrying and
irreversible methods under their TypeScript names (see :mod:`errlint.packs.schema`).

TypeScript names its methods in camelCase (``request``, ``connect``), so each
entry says which names it has in TypeScript, beside the Python ones::

    [clients]
    typescript = ["AlterVault"]      # classes the npm package exports: new AlterVault({...}), vault: AlterVault
    [reauth]
    typescript = ["connect"]         # vault.connect(...)
    [[auto_retry]]
    methods = ["request"]            # the Python names (may be left out: a TypeScript-only entry)
    typescript = ["request"]         # the TypeScript names (left out: a Python-only entry)

An entry without ``typescript`` never applies to TypeScript, and one without
``methods`` never applies to Python. A TypeScript ``[[auto_retry]]`` entry
retries the TypeScript side of its ``on`` classes; its Python-only settings
(``settings``, ``reconfigure``, ``globals``, ``not_methods``, ``via``) are not
carried over: TypeScript code is given the documented default, as assumed.
"""
from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import replace
from types import MappingProxyType
from typing import Any

from .model import TYPESCRIPT, AutoRetry, ErrorSpec, Irreversible, npm_module

# a JavaScript identifier (ASCII): a class or a method name as TypeScript code writes it
TS_NAME = re.compile(r"^[A-Za-z_$][A-Za-z0-9_$]*$")
TS_METHOD = re.compile(r"^(\*|[A-Za-z_$][A-Za-z0-9_$]*)$")


def ts_strings(r, table: Mapping[str, Any], where: str, npm: tuple[str, ...], pattern=TS_NAME) -> tuple[str, ...]:
    """``typescript = [...]`` of a table, validated (a pack without npm packages has no TypeScript side)."""
    if "typescript" not in table:
        return ()
    names = r.strings(table, "typescript", where, pattern)
    if not npm:
        raise r.fail(f"{where}.typescript", "the pack has no TypeScript side (sdk.npm is empty)")
    if not names:
        raise r.fail(f"{where}.typescript", "expected at least one name (leave the key out for a Python-only entry)")
    return names


def ts_client_classes(r, clients: Mapping[str, Any], npm: tuple[str, ...]) -> tuple[str, ...]:
    """The TypeScript client classes, named as the npm package's classes are: ``<npm[0]>.<Name>``."""
    return tuple(f"{npm_module(npm[0])}.{name}" for name in ts_strings(r, clients, "clients", npm))


def ts_class_of(errors: Mapping[str, ErrorSpec], ts_errors: Mapping[str, ErrorSpec]):
    """A function from a Python-side qualified name of the pack's class to its TypeScript name (None: none)."""
    by_name = {spec.name: q for q, spec in ts_errors.items()}

    def find(q: str) -> str | None:
        spec = errors.get(q)
        return by_name.get(spec.name) if spec is not None else None

    return find


def ts_auto_retry(r, item: Mapping[str, Any], where: str, entry: AutoRetry, npm: tuple[str, ...], ts_class) -> AutoRetry | None:
    """The TypeScript side of one ``[[auto_retry]]`` entry (None: a Python-only entry)."""
    methods = ts_strings(r, item, where, npm, TS_METHOD)
    if not methods:
        return None
    on = []
    for q in entry.on:
        found = ts_class(q)
        if found is None:
            raise r.fail(f"{where}.on", f"{q.rpartition('.')[2]!r} has no TypeScript side, but the entry has TypeScript methods")
        on.append(found)
    return replace(entry, methods=methods, on=tuple(on), not_methods=(), via="client", settings=(), reconfigure=(), globals=())


def ts_irreversible(r, item: Mapping[str, Any], where: str, entry: Irreversible, npm: tuple[str, ...]) -> Irreversible | None:
    """The TypeScript side of one ``[[irreversible]]`` entry (``unless_kwargs`` are Python keywords: not carried over)."""
    methods = ts_strings(r, item, where, npm)
    if not methods:
        return None
    return Irreversible(methods, entry.reason, MappingProxyType({}))


JS_ROOT = "globalThis.Error"  # the JavaScript built-ins' root class (rules/javascript.toml)


def _typescript_classes(
    errors: Mapping[str, ErrorSpec], languages: Mapping[str, tuple[str, ...]], npm: tuple[str, ...], language_pack: bool,
) -> tuple[dict[str, ErrorSpec], dict[str, str]]:
    """The classes TypeScript and JavaScript code can name, keyed ``<npm[0]>.<Name>`` (see
    :func:`~errlint.packs.model.npm_module`; a language pack's as written); a parent that has no TypeScript side becomes its nearest ancestor that has
    one, and a class outside the pack (``builtins.Exception``) the JavaScript ``Error``."""
    ts = [q for q in errors if TYPESCRIPT in languages[q]]
    if not ts:
        return {}, {}
    ts_name = {q: q if language_pack else f"{npm_module(npm[0])}.{errors[q].name}" for q in ts}

    def parents(q: str, seen: frozenset[str] = frozenset()) -> tuple[str, ...]:
        out: list[str] = []
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
        names = tuple(n for n in (f"{npm_module(m)}.{spec.name}" for m in npm) if n != ts_name[q])
        for n in names:
            aliases[n] = ts_name[q]
        attributes = spec.ts_attributes or spec.attributes  # the TypeScript names where the docs give them
        out[ts_name[q]] = replace(
            spec, qualname=ts_name[q], parents=parents(q), import_names=names, docs_names=(), attributes=attributes,
        )
    return out, aliases
