"""``errlint packs extract --npm`` and the TypeScript side of ``errlint packs check``.

``render_npm`` prints a pack skeleton for an installed npm package: ``[sdk]``
(``npm``, ``npm_version``), ``[typescript]`` (the default export, and the member
paths that hold error classes: ``OpenAI.RateLimitError``, ``Stripe.errors.X``),
one ``[errors.Name]`` table per error class the package exports (``parent``
inside the package; ``typescript_parent`` for a JavaScript built-in other than
``Error`` or another package's class; ``npm`` for a class exported only from a
subpath), with ``retry`` left to the author.

``compare_npm`` checks a pack's TypeScript classes against the installed
packages of its ``npm`` names: each class must be reachable the way the pack
says (a named export of its ``npm`` modules, or a member of one of the pack's
``[typescript] namespaces``), with the same parent; the default export and the
namespaces must exist; an error class the package exports that the pack lacks
is *unlisted* (a note; a disagreement with ``--strict``).
"""
from __future__ import annotations

import json

from ...packs.model import RETRY_POLICIES, npm_module
from .compare import Finding
from .npm import NpmTree, read_npm
from .npm_files import NpmPackageNotFound, find_npm_package, split_specifier


def _q(text: str) -> str:
    return json.dumps(text)


def pack_name_npm(name: str) -> str:
    return "".join(c if c.isalnum() else "_" for c in name.lstrip("@")).lower()


def render_npm(tree: NpmTree, known) -> str:
    """A pack skeleton for ``tree``'s package; ``known(name)``: the loaded packs' TypeScript name for another package's class."""
    pkg = tree.package
    lines = [
        f"# errlint packs extract --npm {pkg.name}: read from node_modules/{pkg.name} {pkg.version or ''} (its .d.ts files; nothing was run)".rstrip(),
        "# Fill in each class's retry policy, action and status from the SDK's docs, and [clients] / [[auto_retry]].",
        "[sdk]",
        f"name = {_q(pack_name_npm(pkg.name))}",
        f"npm = [{_q(pkg.name)}]",
    ]
    if pkg.version:
        lines.append(f"npm_version = {_q(pkg.version)}")
    described = " ".join(x for x in (pkg.name, pkg.version, "declaration files") if x)
    lines.append(f"docs = {_q(described)}")
    paths = sorted(p for p in tree.namespaces if p.split(".")[0] in ((tree.default,) if tree.default else ()) or "." not in p)
    if tree.default or paths:
        lines += ["", "[typescript]"]
        if tree.default:
            lines.append(f"default_export = {_q(tree.default)}  # import {tree.default} from {_q(pkg.name)}")
        if paths:
            lines.append(f"namespaces = [{', '.join(_q(p) for p in paths)}]  # {paths[0]}.{tree.namespaces[paths[0]][0]}")
    lines += ["", "# [clients]", "# typescript = [...]   # the client classes: new Client({...})", ""]
    policies = ", ".join(RETRY_POLICIES)
    by_name: dict[str, object] = {}
    for info in sorted(tree.classes.values(), key=lambda c: (c.file, c.line)):
        by_name.setdefault(info.name, info)
    for info in by_name.values():
        if not info.exports and not info.members:
            continue  # an ancestor the package does not export: its subclasses name it as a parent
        lines.append(f"[errors.{info.name}]")
        parent = info.parent
        if parent is not None and parent in by_name:
            lines.append(f"parent = {_q(parent)}")
        elif parent is not None and parent != "globalThis.Error":
            target = known(parent) if not parent.startswith("globalThis.") else parent
            if target is not None:
                lines.append(f"typescript_parent = {_q(target)}")
            else:
                lines.append(f"# typescript_parent = {_q(parent)}  # no loaded pack has this class: add one, or leave it out (Error)")
        roots = [e.rpartition(".")[0] for e in info.exports]
        if info.exports and pkg.name not in roots:
            lines.append(f"npm = [{', '.join(_q(r) for r in dict.fromkeys(roots))}]")
        lines.append(f"# retry = \"...\"   # one of: {policies}")
        where = info.file.split("node_modules/")[-1]
        read = " ".join(x for x in (pkg.name, pkg.version) if x)
        lines.append(f"source = {_q(f'{read}: {where}:{info.line}')}")
        lines.append("")
    return "\n".join(lines).rstrip() + "\n"


def npm_trees(pack, roots) -> tuple[dict[str, NpmTree], list[str]]:
    """The installed npm packages of ``pack`` (its npm names and its classes' ``npm``), read; and the names not installed."""
    wanted: dict[str, list[str]] = {}
    for spec in (*pack.npm, *(m for s in pack.ts_errors.values() for m in s.npm)):
        name, sub = split_specifier(spec)
        wanted.setdefault(name, [])
        if sub and sub not in wanted[name]:
            wanted[name].append(sub)
    trees, missing = {}, []
    for name, subs in wanted.items():
        try:
            package = find_npm_package(name, roots)
        except NpmPackageNotFound:
            missing.append(name)
            continue
        trees[name] = read_npm(package, roots, subs)
    return trees, missing


def compare_npm(pack, registry, trees: dict[str, NpmTree]) -> tuple[list[Finding], int]:
    """The findings for ``pack``'s TypeScript classes against its installed npm packages, and how many agree."""
    findings: list[Finding] = []
    graph = registry.graph
    root = npm_module(pack.npm[0])
    main = trees.get(split_specifier(pack.npm[0])[0])
    exported: dict[str, dict[str, object]] = {}  # "<entry>.<Name>" and member paths -> the class found there
    for tree in trees.values():
        for info in tree.classes.values():
            for where in (*info.exports, *(f"{tree.package.name}:{m}" for m in info.members)):
                exported.setdefault(where, info)
    namespaces = {p for p in pack.ts.namespaces}
    agree = 0
    listed: set[int] = set()
    for q, spec in pack.ts_errors.items():
        short = q.rpartition(".")[2]
        key = f"errors.{short}"
        modules = spec.npm or tuple(m for m in pack.npm if split_specifier(m)[0] in trees)
        found = [exported[f"{m}.{short}"] for m in modules if f"{m}.{short}" in exported]
        if main is not None:
            found += [exported[w] for w in (f"{main.package.name}:{p}.{short}" for p in namespaces) if w in exported]
        if not found:
            if any(split_specifier(m)[0] in trees for m in (*spec.npm, *pack.npm)):
                how = " or ".join([*(f"{m}.{short}" for m in modules), *(f"{p}.{short}" for p in sorted(namespaces))])
                findings.append(Finding(key, f"the installed package has no error class {how}", "missing"))
            continue
        info = found[0]
        listed.add(id(info))
        bad = False
        for m in spec.npm:
            if split_specifier(m)[0] in trees and f"{m}.{short}" not in exported:
                findings.append(Finding(f"{key}.npm", f"{m} does not export {short}", "alias"))
                bad = True
        real = _parent_ts(info.parent, root, graph)
        ours = [graph.canonical(p) or p for p in spec.parents]
        if real is not None and ours != [real]:
            findings.append(Finding(f"{key}.parent", f"the package's {short} extends {_shown(info.parent)}; the pack says {', '.join(ours) or 'nothing'}", "parent"))
            bad = True
        agree += not bad
    if main is not None:
        default = pack.ts.default_export.rpartition(".")[2] if pack.ts.default_export else None
        if default is not None and main.default != default:
            findings.append(Finding("typescript.default_export", f"the package's default export is {main.default or 'no class'}, not {default}", "other-class"))
        for path in sorted(namespaces):
            if path not in main.namespaces:
                findings.append(Finding("typescript.namespaces", f"{path}: no error class is a member of it in the installed package", "missing"))
    for name, tree in trees.items():
        for info in tree.classes.values():
            if id(info) in listed or not (info.exports or info.members):
                continue
            if any(graph.knows(_ts_name(e)) for e in info.exports):
                continue  # another loaded pack's class
            where = (info.exports or [f"{name}:{m}" for m in info.members])[0].replace(":", ": ")
            findings.append(Finding(info.name, f"the package exports the error class {where}, which no loaded pack lists", "unlisted"))
    return findings, agree


def _ts_name(where: str) -> str:
    """``<specifier>.<Name>`` as errlint names that class: ``npm:openai.RateLimitError``."""
    spec, _, name = where.rpartition(".")
    return where if spec == "globalThis" else f"{npm_module(spec)}.{name}"


def _parent_ts(parent: str | None, root: str, graph) -> str | None:
    if parent is None:
        return None
    name = f"{root}.{parent}" if "." not in parent else _ts_name(parent)
    return graph.canonical(name) or name


def _shown(parent: str | None) -> str:
    return parent or "nothing"
