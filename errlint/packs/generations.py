"""API generations of an SDK: reading ``[[generations]]`` and choosing one for a file.

An SDK's API changes between major versions in ways a verdict depends on:
openai 0.x has no client classes, does not retry API errors and has a flat
``openai.error`` tree (``RateLimitError`` is no ``APIError``); anthropic 1.x
has ``OverloadedError`` beside ``InternalServerError``, 2.x below it; the
stripe global API retried 0 times by default before 11.0.0, 2 times since.
A pack describes its current generation in its own tables, and each older
one as differences (all data, see "API generations" in docs/packs.md)::

    [[generations]]            # the pack as written: sdk.version is in its range
    name = ">= 1"
    versions = ">=1"
    evidence = ["openai.chat"]

    [[generations]]
    name = "0.x"
    versions = "<1"
    evidence = ["openai.error", "openai.ChatCompletion"]
    replaces_errors = true     # its classes are all listed here (else: patches of the pack's)
    auto_retry = []            # replaces the pack's [[auto_retry]]
    clients = { classes = [] } # replaces the pack's [clients]
    drop = []                  # the pack's [errors] keys this generation lacks
    retry_guidance = "..."     # replaces sdk.retry_guidance
    [generations.errors."openai.error.OpenAIError"]   # added, or merged into the pack's entry of that key
    parent = "builtins.Exception"

Every generation is a whole pack, validated like one. Which one a file gets
(:func:`choose`, generic): (1) what the code uses: a name of the generation's
``evidence``, or a class or client no other generation has; (2) the
project's declared dependency on one of the generation's ``packages`` (default:
``sdk.package``); (3) the pack's current generation.
"""
from __future__ import annotations

import copy
import re
from dataclasses import replace
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from .model import LANGUAGES, PYTHON, TYPESCRIPT, Generation, Pack, npm_module
from .reader import _Reader
from .versions import Interval, normal_name, parse_specifiers, parse_version

_KEYS = (
    "name", "language", "versions", "packages", "evidence", "replaces_errors", "drop", "errors", "clients", "auto_retry",
    "retry_guidance", "typescript",
)
_DELTA = ("replaces_errors", "drop", "errors", "clients", "auto_retry", "retry_guidance", "typescript")
_DOTTED = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)*$")


def read_generations(r: _Reader, data: Mapping[str, Any], pack: Pack, build: Callable[[dict, str], Pack]) -> Pack:
    """``pack`` with its ``[[generations]]``; ``build(data, label)`` reads a generation's whole pack."""
    raw = data.get("generations", [])
    if isinstance(raw, dict):
        raw = [raw]
    if not isinstance(raw, list) or not raw:
        raise r.fail("generations", "expected an array of tables ([[generations]])")
    found: list[tuple[Generation, set[str]]] = []
    for i, item in enumerate(raw):
        where = f"generations[{i}]"
        item = r.table(item, where, _KEYS)
        name = r.string(item, "name", where)
        if not name:
            raise r.fail(f"{where}.name", "required")
        language = r.choice(item, "language", where, LANGUAGES, PYTHON)
        key, written = ("sdk.npm_version", pack.npm_version) if language == TYPESCRIPT else ("sdk.version", pack.version)
        version = parse_version(written or "")
        if version is None:
            raise r.fail(key, f"required with {language} [[generations]]: it says which generation the pack's own tables describe")
        text = r.string(item, "versions", where)
        interval = parse_specifiers(text or "")
        if not text or interval is None:
            raise r.fail(f"{where}.versions", f"expected version specifiers such as \"<1\" or \">=1.0, <2\", got {text!r}")
        if language == TYPESCRIPT:
            packages = r.strings(item, "packages", where) or pack.npm[:1]
        else:
            packages = tuple(normal_name(p) for p in r.strings(item, "packages", where)) or ((normal_name(pack.package),) if pack.package else ())
        if not packages:
            raise r.fail(f"{where}.packages", "required when sdk.package is not set" if language == PYTHON else "required when sdk.npm is empty")
        evidence = r.strings(item, "evidence", where, _DOTTED)
        if language == TYPESCRIPT:  # names the npm package exports
            evidence = tuple(f"{npm_module(pack.npm[0])}.{e}" for e in evidence)
        current = interval.contains(version)
        if current and any(k in item for k in _DELTA):
            raise r.fail(where, f"its versions hold {key} {written}: the pack's own tables describe it, so it lists no {'/'.join(_DELTA)}")
        variant = None if current else build(_derive(r, data, item, where), f"{r.path}: {where}")
        if variant is not None:
            _check_references(r, variant, pack, where)
        found.append((Generation(name, text, interval, packages, evidence, variant, language), _names(variant or pack, language)))
    names = [g.name for g, _ in found]
    if len(set(names)) != len(names):
        raise r.fail("generations", "two generations have the same name")
    for i, (a, _) in enumerate(found):
        for b, _ in found[i + 1:]:
            if a.language == b.language and a.interval.meets(b.interval):
                raise r.fail("generations", f"the versions of {a.name!r} and {b.name!r} overlap")
    for language in dict.fromkeys(g.language for g, _ in found):
        if sum(g.pack is None for g, _ in found if g.language == language) != 1:
            key, written = ("sdk.npm_version", pack.npm_version) if language == TYPESCRIPT else ("sdk.version", pack.version)
            raise r.fail("generations", f"exactly one generation's versions ({language}) must hold {key} {written}")
    out = []
    for g, own in found:
        others = set().union(*(names_ for h, names_ in found if h is not g and h.language == g.language))
        only = tuple(sorted(n for n in own if n not in others))  # a class or client no other generation has
        out.append(replace(g, evidence=tuple(dict.fromkeys((*g.evidence, *only)))))
    return replace(pack, generations=tuple(out))


def _names(pack: Pack, language: str) -> set[str]:
    if language == TYPESCRIPT:
        out = set(pack.ts_client_classes)
        errors = pack.ts_errors
    else:
        out = set(pack.client_classes)
        errors = pack.errors
    for spec in errors.values():
        out.update(spec.all_names)
    return out


def _derive(r: _Reader, data: Mapping[str, Any], item: Mapping[str, Any], where: str) -> dict[str, Any]:
    """The pack's data with the generation's differences applied."""
    out = {k: copy.deepcopy(v) for k, v in data.items() if k != "generations"}
    errors = {} if r.boolean(item, "replaces_errors", where) else dict(out.get("errors", {}))
    for key in r.strings(item, "drop", where):
        if key not in errors:
            raise r.fail(f"{where}.drop", f"{key!r} is not a key of the pack's [errors]")
        del errors[key]
    for key, body in r.mapping(item.get("errors", {}), f"{where}.errors").items():
        body = r.mapping(body, f"{where}.errors.{key}")
        errors[key] = {**errors.get(key, {}), **copy.deepcopy(body)}
    out["errors"] = errors
    for key in ("clients", "auto_retry", "typescript"):
        if key in item:
            out[key] = copy.deepcopy(item[key])
    if "retry_guidance" in item:
        out["sdk"] = {**out.get("sdk", {}), "retry_guidance": r.string(item, "retry_guidance", where)}
    return out


def _check_references(r: _Reader, variant: Pack, pack: Pack, where: str) -> None:
    """A class of the SDK's own modules that a generation's auto_retry names must be one of its classes."""
    known = set(variant.errors) | set(variant.aliases)
    for i, ar in enumerate(variant.auto_retry):
        for q in ar.on:
            if q not in known and any(q.startswith(m + ".") for m in pack.modules):
                raise r.fail(f"{where}.auto_retry[{i}].on", f"unknown class {q!r} in this generation")


# -- choosing a generation for a file ----------------------------------------------------------
@dataclass(frozen=True)
class Choice:
    """The generation of one pack a file is linted with, and what decided it."""

    pack: str
    generation: Generation
    by: str  # "code", "declared" or "default"
    why: str  # "the code uses openai.error" / "requirements.txt: openai==0.28.1" / ""

    def describe(self) -> str:
        return f"{self.pack} {self.generation.name}"

    def assumed(self, message: str, other: Generation) -> str:
        """``message`` saying that it holds only with the assumed generation, not with ``other``."""
        return (
            f"{message} (assumed {self.describe()}: neither this file nor the project's declared "
            f"dependencies say which {self.pack} it is written for; with {self.pack} {other.name} this is not reported)"
        )


def uses_pack(pack: Pack, used: Iterable[str]) -> bool:
    return any(u == m or u.startswith(m + ".") for u in used for m in pack.modules)


def choose(
    pack: Pack, used: Iterable[str], declared: Callable[[tuple[str, ...]], tuple[Interval, str] | None], language: str = PYTHON,
) -> Choice:
    """The generation of ``pack`` for code in ``language`` that uses ``used`` (qualified names), given
    ``declared(packages)`` (the project's declared versions of a package and where, or None)."""
    gens = pack.generations_in(language)
    consistent = set(gens)
    seen: set[Generation] = set()
    first: dict[Generation, str] = {}
    for name in sorted(used):
        matched = {g for g in gens if g.used_by(name)}
        if matched:
            seen |= matched
            consistent &= matched
            for g in matched:
                first.setdefault(g, name)
    if seen and len(consistent) == 1:
        g = next(iter(consistent))
        return Choice(pack.name, g, "code", f"the code uses {first[g]}")
    candidates = [g for g in gens if g in (consistent or seen)] if seen else list(gens)
    for g in candidates:
        found = declared(g.packages)
        if found is None:
            continue
        interval, where = found
        fits = [h for h in candidates if h.interval.meets(interval)]
        if len(fits) == 1:
            return Choice(pack.name, fits[0], "declared", where)
        break
    current = pack.current_generation_in(language)
    g = current if current in candidates else candidates[0]
    return Choice(pack.name, g, "default", "")
