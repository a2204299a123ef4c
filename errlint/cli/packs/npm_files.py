"""Installed npm packages and their entry points' declaration files (for :mod:`.npm`).

``node_modules/<name>`` in the directories given with ``--path`` (a project, or a
``node_modules`` folder), else from the working directory up; an entry point
(``"openai"``, a subpath such as ``"openai/error"``) is the declaration file
``package.json`` gives it: ``exports`` (CommonJS's ``.d.ts`` first, so a class
has one identity whichever way it is imported, then the ``types`` condition, or
the ``.d.ts`` beside a ``.js`` target), else ``types`` / ``typings``, else
``main`` with ``.d.ts``.
"""
from __future__ import annotations

import json
import os
from dataclasses import dataclass, field


class NpmPackageNotFound(Exception):
    """No ``node_modules/<name>/package.json`` in the search directories."""


@dataclass(frozen=True)
class NpmPackage:
    name: str
    version: str | None
    directory: str
    manifest: dict = field(compare=False, hash=False)


def node_modules_roots(paths=(), start: str | None = None) -> tuple[str, ...]:
    """The ``node_modules`` folders to look in: those of ``paths`` (a folder holding one, or one
    itself), else those from ``start`` (the working directory) up."""
    out = []
    if paths:
        for p in paths:
            p = os.path.realpath(p)
            out.append(p if os.path.basename(p) == "node_modules" else os.path.join(p, "node_modules"))
    else:
        out = node_modules_up(os.path.realpath(start or os.getcwd()))
    return tuple(dict.fromkeys(p for p in out if os.path.isdir(p)))


def node_modules_up(directory: str) -> list[str]:
    """The ``node_modules`` paths of ``directory`` and of each folder above it, nearest first (as
    Node looks for a package; whether they exist is the caller's question)."""
    out = []
    while True:
        out.append(os.path.join(directory, "node_modules"))
        parent = os.path.dirname(directory)
        if parent == directory:
            return out
        directory = parent


def split_specifier(spec: str) -> tuple[str, str]:
    """``@scope/name/sub/path`` -> (``@scope/name``, ``sub/path``); ``name`` -> (``name``, "")."""
    parts = spec.split("/")
    n = 2 if spec.startswith("@") else 1
    return "/".join(parts[:n]), "/".join(parts[n:])


def find_npm_package(name: str, roots: tuple[str, ...]) -> NpmPackage:
    for root in roots:
        directory = os.path.join(root, *name.split("/"))
        manifest = _manifest(directory)
        if manifest is not None:
            return NpmPackage(name, manifest.get("version"), directory, manifest)
    raise NpmPackageNotFound(f"{name}: no node_modules/{name}/package.json in {len(roots)} search directories "
                             "(node_modules from the working directory up; --path DIR searches elsewhere)")


def _manifest(directory: str) -> dict | None:
    try:
        with open(os.path.join(directory, "package.json"), encoding="utf-8") as fh:
            data = json.load(fh)
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) else None


def _types_of(target) -> list[str]:
    """The declaration files an ``exports`` target may give, best first: CommonJS's (one file per
    module whichever way it is imported), its ``types`` condition, the file beside a ``.js``."""
    if isinstance(target, str):
        beside = target if target.endswith((".d.ts", ".d.mts", ".d.cts")) else _beside(target)
        return [beside] if beside else []
    out: list[str] = []
    if isinstance(target, list):
        for x in target:
            out.extend(_types_of(x))
    elif isinstance(target, dict):
        keys = ["require", "node", "types", "typings", "import", "default"]
        keys += [k for k in target if k not in keys and not k.startswith(".")]
        for key in keys:
            if key in target:
                out.extend(_types_of(target[key]))
    return out


def _beside(js: str) -> str | None:
    for a, b in ((".mjs", ".d.mts"), (".cjs", ".d.cts"), (".js", ".d.ts")):
        if js.endswith(a):
            return js[: -len(a)] + b
    return None


def entry_file(package: NpmPackage, subpath: str) -> str | None:
    """The declaration file of ``<package>/<subpath>`` ("" for the package itself)."""
    manifest, directory = package.manifest, package.directory
    exports = manifest.get("exports")
    key = "./" + subpath if subpath else "."
    found: list[str] = []
    if isinstance(exports, dict) and any(k.startswith(".") for k in exports):
        if key in exports:
            found = _types_of(exports[key])
        else:
            for pattern, target in exports.items():
                if "*" in pattern:
                    head, _, tail = pattern.partition("*")
                    if key.startswith(head) and key.endswith(tail) and len(key) >= len(head) + len(tail):
                        star = key[len(head): len(key) - len(tail)]
                        found = [f.replace("*", star) for f in _types_of(target)]
                        break
    elif exports is not None and not subpath:
        found = _types_of(exports)
    if not subpath:
        found += [f for f in (manifest.get("types"), manifest.get("typings"), _beside(manifest.get("main") or "index.js")) if f]
    else:
        found.append(subpath)
    return next((f for f in (_file(os.path.join(directory, c)) for c in found) if f), None)


def _file(base: str) -> str | None:
    """A declaration file for a path as code names it (``./client.js``, ``./errors``, ``./api/index``)."""
    candidates = [base]
    for a, b in ((".mjs", ".d.mts"), (".cjs", ".d.cts"), (".js", ".d.ts")):
        if base.endswith(a):
            candidates = [base[: -len(a)] + b, base[: -len(a)] + ".d.ts"]
            break
    else:
        if not base.endswith((".d.ts", ".d.mts", ".d.cts")):
            candidates = [base + ".d.ts", os.path.join(base, "index.d.ts"), base + ".d.mts"]
    found = next((c for c in candidates if os.path.isfile(c)), None)
    if found is not None and found.endswith((".d.mts", ".d.cts")) and os.path.isfile(found[:-5] + ".d.ts"):
        return found[:-5] + ".d.ts"  # the same module's CommonJS declarations: one identity per class
    return found
