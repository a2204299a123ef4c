"""Reading and validating one pack file (the schema documented in docs/packs.md): see :mod:`errlint.packs`."""
from __future__ import annotations

import re
from collections.abc import Mapping
from pathlib import Path
from dataclasses import replace
from types import MappingProxyType
from typing import Any

from .model import (
    LANGUAGES, PYTHON, TYPESCRIPT, AutoRetry, ErrorSpec, GlobalSetting, Irreversible, Pack,
    Policy, RetrySetting, languages_of,
)
from .reader import (  # noqa: F401 (_SCOPE_KEYS: the documented keys)
    ATTEMPTS, HTTP_STATUS, _SCOPE_KEYS, ParsedStore, _array_of_tables, _check_cycles, _parse_toml, _Reader, _scope,
)
from .wrappers import read_retry_wrappers
from .typescript import (
    TS_AUTO_RETRY_KEYS, TS_ERROR_KEYS, TsClassInfo, class_codes, read_ts_side, ts_auto_retry, ts_class_of, ts_client_classes,
    ts_irreversible, ts_strings, typescript_classes,
)

_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
_DOTTED = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_<>][A-Za-z0-9_<>]*)*$")
_METHOD = re.compile(r"^(\*|[A-Za-z_][A-Za-z0-9_]*)$")
_STATUS_KEY = re.compile(r"^([1-5][0-9][0-9]|[1-5]xx|network)$")


_TOP_KEYS = (
    "sdk", "scope", "clients", "reauth", "auto_retry", "irreversible", "errors", "statuses", "codes", "retry_wrappers",
    "generations", "typescript",
)
_SDK_KEYS = ("name", "modules", "defined_in", "docs", "package", "version", "python", "retry_guidance", "npm", "npm_version", "javascript")
# an npm package name, with an optional subpath: "@alter-ai/alter-sdk", "@alter-ai/alter-sdk/errors", "axios"
_NPM = re.compile(r"^(@[a-z0-9~-][a-z0-9._~-]*/)?[a-z0-9~-][a-z0-9._~-]*(/[A-Za-z0-9._~-]+)*$")
_CLIENT_KEYS = ("classes", "factories", "conventional_names", "typescript")
_ERROR_KEYS = (
    "parent", "module", "modules", "aliases", "retry", "reauth", "action",
    "status", "codes", "attributes", "docs_only", "source", "docs_names", "languages", *TS_ERROR_KEYS,
)
_AUTO_RETRY_KEYS = (
    "methods", "on", "attempts", "backoff", "source", "not_methods", "via", "policy", "way_out",
    "settings", "reconfigure", "globals", *TS_AUTO_RETRY_KEYS,
)
_SETTING_KEYS = ("path", "counts", "at")
_GLOBAL_KEYS = ("name", "counts")
_COUNTS = ("retries", "attempts")
_IRREVERSIBLE_KEYS = ("methods", "reason", "unless_kwargs", "typescript")
_POLICY_KEYS = ("retry", "action", "status", "exception")


def load_pack(path: str | Path, store: ParsedStore | None = None) -> Pack:
    """Read and validate one pack file (references to other packs are checked by the registry);
    ``store`` may hold the file's tables from an earlier run (:class:`ParsedStore`)."""
    from .generations import read_generations

    path = Path(path)
    data = _parse_toml(path, store)
    pack = _pack_from_data(path, data, str(path))
    if "generations" not in data:
        return pack
    return read_generations(_Reader(str(path)), data, pack, lambda variant, label: replace(_pack_from_data(path, variant, label), path=str(path)))


class _Sdk:
    """The ``[sdk]`` table: the pack's name, where it is imported from, its languages."""

    def __init__(self, r: _Reader, data: dict[str, Any]) -> None:
        self.table = sdk = r.table(data.get("sdk", {}), "sdk", _SDK_KEYS)
        self.name = r.string(sdk, "name", "sdk")
        if not self.name:
            raise r.fail("sdk.name", "required")
        self.modules = r.strings(sdk, "modules", "sdk", _DOTTED)
        self.npm = r.strings(sdk, "npm", "sdk", _NPM)
        self.javascript = r.string(sdk, "javascript", "sdk")
        if self.javascript is not None and (self.modules or self.npm or r.string(sdk, "python", "sdk") is not None):
            raise r.fail("sdk.javascript", "only in the language pack of the JavaScript built-ins (no modules, npm or python)")
        self.languages = languages_of(r.string(sdk, "python", "sdk"), self.javascript, self.modules, self.npm)
        self.defined_in = r.string(sdk, "defined_in", "sdk") or (self.modules[0] if self.modules else self.name)
        if not _DOTTED.match(self.defined_in):
            raise r.fail("sdk.defined_in", f"{self.defined_in!r} is not a module name")


class _Errors:
    """The ``[errors]`` table: the pack's classes (each language's), their import names, and
    :meth:`resolve`, which names a class from anywhere in the pack."""

    def __init__(self, r: _Reader, data: dict[str, Any], sdk: _Sdk) -> None:
        self.r = r
        self.local: dict[str, str] = {}  # pack-local name or alias -> qualname
        entries = self._names(r, r.mapping(data.get("errors", {}), "errors"), sdk)  # first: parents in any order
        errors: dict[str, ErrorSpec] = {}
        aliases: dict[str, str] = {}
        ts_info: dict[str, TsClassInfo] = {}
        for key, qual, body in entries:
            errors[qual], names = self._spec(key, qual, body, sdk)
            for n in names:
                aliases[n] = qual
            info = TsClassInfo(r, body, f"errors.{key}", _NPM)
            if info.written:
                ts_info[qual] = info
        _check_cycles(r, errors)
        languages = {qual: _languages(r, body, f"errors.{key}", sdk.languages) for key, qual, body in entries}
        for key, qual, _ in entries:
            for p in errors[qual].parents:
                if PYTHON in languages[qual] and p in languages and PYTHON not in languages[p]:
                    raise r.fail(f"errors.{key}.parent", f"{p!r} has no Python side (languages) but {key} has")
        self.ts_errors, self.ts_aliases, ts_of = typescript_classes(
            r, errors, languages, sdk.npm, sdk.javascript is not None, ts_info, self.local.get,
        )
        self.ts_class = ts_class_of(ts_of)
        self.errors = {q: spec for q, spec in errors.items() if PYTHON in languages[q]}
        self.aliases = {n: q for n, q in aliases.items() if q in self.errors}

    def _names(self, r: _Reader, raw_errors: Mapping[str, Any], sdk: _Sdk) -> list[tuple[str, str, dict[str, Any]]]:
        """(key, qualified name, body) of each class; the pack-local names and aliases recorded."""
        entries = []
        for key, body in raw_errors.items():
            where = f"errors.{key}"
            body = r.table(body, where, _ERROR_KEYS)
            if "." in key:
                if not _DOTTED.match(key):
                    raise r.fail(where, "not a valid qualified class name")
                qual = key
            else:
                if not _NAME.match(key):
                    raise r.fail(where, "not a valid class name")
                qual = f"{r.string(body, 'module', where) or sdk.defined_in}.{key}"
            names = (key,) if "." in key else (key, *r.strings(body, "aliases", where, _DOTTED))
            for alias in names:
                if alias in self.local and self.local[alias] != qual:
                    raise r.fail(where, f"name {alias!r} is already used by {self.local[alias]}")
                self.local[alias] = qual
            entries.append((key, qual, body))
        return entries

    def resolve(self, ref: str, where: str) -> str:
        if ref in self.local:
            return self.local[ref]
        if "." in ref and _DOTTED.match(ref):
            return ref  # another pack's or the stdlib's class; checked by the registry
        raise self.r.fail(where, f"unknown class {ref!r}")

    def _spec(self, key: str, qual: str, body: dict[str, Any], sdk: _Sdk) -> tuple[ErrorSpec, tuple[str, ...]]:
        """One class's :class:`ErrorSpec`, and every name it is imported or documented under."""
        r, where = self.r, f"errors.{key}"
        parent_value = body.get("parent", "builtins.Exception")
        if isinstance(parent_value, str):
            parent_value = [parent_value]
        if not isinstance(parent_value, list) or not all(isinstance(p, str) for p in parent_value):
            raise r.fail(f"{where}.parent", "expected a class name or a list of class names ([] for a root)")
        parents = tuple(self.resolve(p, f"{where}.parent") for p in parent_value)
        short = qual.rpartition(".")[2]
        alias_names = r.strings(body, "aliases", where, _DOTTED)
        docs_raw = r.strings(body, "docs_names", where, _DOTTED)

        def full(names: tuple[str, ...], export: tuple[str, ...]) -> list[str]:
            # a dotted name is a full import name; a plain one exists in every export module
            return [n if "." in n else f"{m}.{n}" for n in names for m in ((None,) if "." in n else export)]

        if "." in key:
            import_names = tuple(full(alias_names, ()))
            docs_names = tuple(full(docs_raw, ()))
        else:
            export = r.strings(body, "modules", where, _DOTTED) or sdk.modules or (sdk.defined_in,)
            names = [f"{m}.{short}" for m in export] + full(alias_names, export)
            import_names = tuple(dict.fromkeys(n for n in names if n != qual))
            docs_names = tuple(n for n in dict.fromkeys(full(docs_raw, sdk.modules or (sdk.defined_in,))) if n not in import_names)
        spec = ErrorSpec(
            name=short,
            qualname=qual,
            parents=parents,
            import_names=import_names,
            retry=r.policy(body, "retry", where),
            reauth=r.boolean(body, "reauth", where),
            action=r.string(body, "action", where, "") or "",
            statuses=r.integers(body, "status", where, HTTP_STATUS),
            codes=r.strings(body, "codes", where),
            attributes=r.strings(body, "attributes", where, _NAME),
            docs_only=r.boolean(body, "docs_only", where),
            source=r.string(body, "source", where, "") or "",
            docs_names=docs_names,
        )
        return spec, (*import_names, *docs_names)


def _pack_from_data(path: Path, data: dict[str, Any], label: str) -> Pack:
    """The pack ``data`` describes (``label`` names it in errors: the file, and a generation's place in it)."""
    r = _Reader(label)
    r.table(data, "", _TOP_KEYS)
    sdk = _Sdk(r, data)
    classes = _Errors(r, data, sdk)
    clients = r.table(data.get("clients", {}), "clients", _CLIENT_KEYS)
    factories_raw = r.mapping(clients.get("factories", {}), "clients.factories")
    for k, v in factories_raw.items():
        if not isinstance(v, str) or not _DOTTED.match(v) or not _DOTTED.match(k):
            raise r.fail(f"clients.factories.{k}", "expected \"module.Class.method\" = \"module.Class\"")
    reauth = r.table(data.get("reauth", {}), "reauth", ("actions", "typescript"))
    auto_retry, ts_retry = _auto_retry(r, data, classes, sdk.npm)
    irreversible, ts_irrev = _irreversible(r, data, sdk.npm)
    scope_hosts, scope_classes = _scope(r, data, sdk.modules)
    ts_side = read_ts_side(r, data, sdk.npm)
    return Pack(
        name=sdk.name,
        path=str(path),
        modules=sdk.modules,
        defined_in=sdk.defined_in,
        docs=r.string(sdk.table, "docs", "sdk", "") or "",
        package=r.string(sdk.table, "package", "sdk"),
        version=r.string(sdk.table, "version", "sdk"),
        python=r.string(sdk.table, "python", "sdk"),
        retry_guidance=r.string(sdk.table, "retry_guidance", "sdk", "") or "",
        client_classes=tuple(resolve_client(c, sdk.modules, sdk.defined_in) for c in r.strings(clients, "classes", "clients", _DOTTED)),
        factories=MappingProxyType(dict(factories_raw)),
        conventional_names=r.strings(clients, "conventional_names", "clients", _NAME),
        reauth_actions=r.strings(reauth, "actions", "reauth", _NAME),
        auto_retry=tuple(auto_retry),
        irreversible=tuple(irreversible),
        errors=MappingProxyType(classes.errors),
        statuses=MappingProxyType(_policies(r, data, "statuses", _STATUS_KEY, classes.resolve)),
        codes=MappingProxyType(_codes(r, data, classes, ts_side)),
        aliases=MappingProxyType(classes.aliases),
        scope_hosts=scope_hosts,
        scope_classes=scope_classes,
        npm=sdk.npm,
        npm_version=r.string(sdk.table, "npm_version", "sdk"),
        ts=ts_side,
        ts_errors=MappingProxyType(classes.ts_errors),
        ts_aliases=MappingProxyType(classes.ts_aliases),
        javascript=sdk.javascript,
        retry_wrappers=read_retry_wrappers(r, data, classes.resolve),
        ts_client_classes=ts_client_classes(r, clients, sdk.npm),
        ts_reauth_actions=ts_strings(r, reauth, "reauth", sdk.npm),
        ts_auto_retry=tuple(ts_retry),
        ts_irreversible=tuple(ts_irrev),
    )


def _auto_retry(r: _Reader, data: dict[str, Any], classes: _Errors, npm: tuple[str, ...]) -> tuple[list[AutoRetry], list[AutoRetry]]:
    """``[[auto_retry]]``: the Python entries, and the TypeScript side of those that have one (packs/typescript.py)."""
    auto_retry, ts_retry = [], []
    for i, item in enumerate(_array_of_tables(r, data, "auto_retry")):
        where = f"auto_retry[{i}]"
        item = r.table(item, where, _AUTO_RETRY_KEYS)
        methods = r.strings(item, "methods", where, _METHOD)
        if not methods and "typescript" not in item:
            raise r.fail(f"{where}.methods", "required (or typescript, for a TypeScript-only entry)")
        via = r.choice(item, "via", where, ("client", "module"), "client")
        attempts = r.integer(item, "attempts", where)
        if attempts is not None and attempts < 1:
            raise r.fail(f"{where}.attempts", f"counts the first attempt too: at least 1, got {attempts}")
        r.integer(item, "attempts", where, ATTEMPTS)
        entry = AutoRetry(
            methods=methods,
            on=tuple(classes.resolve(x, f"{where}.on") for x in r.strings(item, "on", where)),
            attempts=attempts,
            backoff=r.string(item, "backoff", where, "") or "",
            source=r.string(item, "source", where, "") or "",
            not_methods=r.strings(item, "not_methods", where, _NAME),
            via=via,
            policy=r.string(item, "policy", where, "") or "",
            way_out=r.string(item, "way_out", where, "") or "",
            settings=_settings(r, item, where),
            reconfigure=r.strings(item, "reconfigure", where, _NAME),
            globals=_globals(r, item, where),
        )
        if methods:
            auto_retry.append(entry)
        ts_entry = ts_auto_retry(r, item, where, entry, npm, classes.ts_class)
        if ts_entry is not None:
            ts_retry.append(ts_entry)
    return auto_retry, ts_retry


def _irreversible(r: _Reader, data: dict[str, Any], npm: tuple[str, ...]) -> tuple[list[Irreversible], list[Irreversible]]:
    """``[[irreversible]]``: the Python entries, and the TypeScript side of those that have one."""
    irreversible, ts_irrev = [], []
    for i, item in enumerate(_array_of_tables(r, data, "irreversible")):
        where = f"irreversible[{i}]"
        item = r.table(item, where, _IRREVERSIBLE_KEYS)
        methods = r.strings(item, "methods", where, _NAME)
        if not methods and "typescript" not in item:
            raise r.fail(f"{where}.methods", "required (or typescript, for a TypeScript-only entry)")
        unless = item.get("unless_kwargs", {})
        if not isinstance(unless, dict):
            raise r.fail(f"{where}.unless_kwargs", "expected a table of keyword = value")
        entry = Irreversible(methods, r.string(item, "reason", where, "") or "", MappingProxyType(dict(unless)))
        if methods:
            irreversible.append(entry)
        ts_entry = ts_irreversible(r, item, where, entry, npm)
        if ts_entry is not None:
            ts_irrev.append(ts_entry)
    return irreversible, ts_irrev


def _codes(r: _Reader, data: dict[str, Any], classes: _Errors, ts_side) -> dict[str, Policy]:
    codes = _policies(r, data, "codes", None, classes.resolve)
    return class_codes(classes.ts_errors, codes, Policy) if ts_side.class_codes else codes


def _policies(r: _Reader, data: dict[str, Any], table_name: str, key_pattern: re.Pattern[str] | None, resolve) -> dict[str, Policy]:
    """``[statuses]`` or ``[codes]``: what each status or code means for a retry."""
    raw = r.mapping(data.get(table_name, {}), table_name)
    out = {}
    for k, body in raw.items():
        where = f"{table_name}.{k}"
        if key_pattern is not None and not key_pattern.match(k):
            raise r.fail(where, "expected an HTTP status such as \"429\", a class such as \"5xx\", or \"network\"")
        body = r.table(body, where, _POLICY_KEYS)
        exc = r.string(body, "exception", where)
        status = r.integer(body, "status", where)
        if status is not None and status != 0:  # 0: none (a network error, no response)
            r.integer(body, "status", where, (HTTP_STATUS[0], HTTP_STATUS[1], "an HTTP status (or 0: none)"))
        out[k] = Policy(
            key=k,
            retry=r.policy(body, "retry", where),
            action=r.string(body, "action", where, "") or "",
            status=status,
            exception=resolve(exc, f"{where}.exception") if exc else None,
        )
    return out


def _languages(r: _Reader, body: Mapping[str, Any], where: str, pack_languages: tuple[str, ...]) -> tuple[str, ...]:
    """The languages an error class exists in (``languages``; default: every language of its pack)."""
    if "languages" not in body:
        return pack_languages
    value = r.strings(body, "languages", where)
    for lang in value:
        if lang not in LANGUAGES:
            raise r.fail(f"{where}.languages", f"unknown language {lang!r} (one of: {', '.join(LANGUAGES)})")
        if lang not in pack_languages:
            why = "sdk.npm is empty" if lang == TYPESCRIPT else "the pack has no Python side"
            raise r.fail(f"{where}.languages", f"{lang!r}: {why}")
    if not value:
        raise r.fail(f"{where}.languages", "expected at least one language")
    return value


def _settings(r: _Reader, item: Mapping[str, Any], where: str) -> tuple[RetrySetting, ...]:
    out = []
    for i, body in enumerate(_array_of_tables(r, item, "settings")):
        at = f"{where}.settings[{i}]"
        body = r.table(body, at, _SETTING_KEYS)
        path = r.strings(body, "path", at, _NAME)
        if not path:
            raise r.fail(f"{at}.path", "required: the keyword, then the keywords or dict keys inside it")
        side = r.choice(body, "at", at, ("client", "call"), "client")
        out.append(RetrySetting(path, r.choice(body, "counts", at, _COUNTS), side))
    return tuple(out)


def _globals(r: _Reader, item: Mapping[str, Any], where: str) -> tuple[GlobalSetting, ...]:
    out = []
    for i, body in enumerate(_array_of_tables(r, item, "globals")):
        at = f"{where}.globals[{i}]"
        body = r.table(body, at, _GLOBAL_KEYS)
        name = r.string(body, "name", at)
        if not name or "." not in name or not _DOTTED.match(name):
            raise r.fail(f"{at}.name", "expected \"module.attribute\"")
        out.append(GlobalSetting(name, r.choice(body, "counts", at, _COUNTS)))
    return tuple(out)


def resolve_client(name: str, modules: tuple[str, ...], defined_in: str) -> str:
    if "." in name:
        return name
    return f"{modules[0] if modules else defined_in}.{name}"
