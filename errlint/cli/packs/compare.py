"""``errlint packs check``: a pack's ``[errors]`` tree against the installed package, read statically.

Every class the pack takes from the package (not ``docs_only``) must be a class
of the package under the pack's name for it and under every import name the
pack gives it, an exception, with the same direct exception bases in the same
order (the pack's identity for a class may be any of its names: openai names
its classes ``openai.APIError`` where they are defined in
``openai._exceptions``). In the other direction, an exception class of the
package that a module of the pack exports under a public name and that no
loaded pack knows is reported as *unlisted* (a note; a disagreement with
``--strict``), and a name the pack gives one class that the package gives
another is a disagreement.
"""
from __future__ import annotations

from dataclasses import dataclass

from ...packs import Pack, PackRegistry
from .tree import StaticTree, public


@dataclass(frozen=True)
class Finding:
    key: str  # the pack's key ("errors.APIError.parent") or a class name
    problem: str
    kind: str  # "missing", "alias", "not-exception", "parent", "other-class": disagreements; "unlisted", "docs-only", "unresolved": notes

    @property
    def disagrees(self) -> bool:
        return self.kind in ("missing", "alias", "not-exception", "parent", "other-class")


def export_modules(pack: Pack) -> list[str]:
    """The modules whose public names the package's users import the pack's classes from: the pack's
    modules, or (a class-tree pack without modules) the modules its class names live in."""
    if pack.modules:
        return list(pack.modules)
    out = []
    for spec in pack.errors.values():
        for name in (spec.qualname, *spec.import_names):
            out.append(name.rpartition(".")[0])
    return list(dict.fromkeys(out))


def compare(pack: Pack, registry: PackRegistry, tree: StaticTree, label: str, prefixes: tuple[str, ...]) -> tuple[list[Finding], int]:
    """The findings for ``pack`` against the package read by ``tree``, and how many classes agree
    (found, an exception, under every import name, with the same bases)."""
    findings: list[Finding] = []
    graph = registry.graph

    def static_of(registered: str) -> str | None:
        """The package's class for a class of the loaded packs (by any of its names)."""
        spec = registry.errors.get(registered)
        for name in (spec.qualname, *spec.import_names) if spec is not None else (registered,):
            found = tree.canonical(name)
            if found is not None:
                return found
        return None

    def shown(static: str) -> str:  # a class of the package as the packs name it
        return graph.canonical(static) or static

    agree = 0
    for qual, spec in pack.errors.items():
        key = f"errors.{spec.name}"
        found = tree.canonical(qual)
        if spec.docs_only:
            if found is not None and tree.is_exception(found):
                findings.append(Finding(key, f"docs_only, but {label} has {qual}", "docs-only"))
            continue
        if found is None:
            others = [n for n in spec.import_names if tree.canonical(n) is not None]
            where = f" (though {', '.join(others)} exists)" if others else ""
            findings.append(Finding(key, f"{label} has no class {qual}{where}", "missing"))
            continue
        if not tree.is_exception(found):
            findings.append(Finding(key, f"{qual} is not an exception class in {label}", "not-exception"))
            continue
        ok = True
        for name in spec.import_names:
            other = tree.canonical(name)
            if other != found:
                what = f"is {shown(other)}" if other else "does not exist"
                findings.append(Finding(f"{key}.aliases", f"{name} {what} in {label}, not {qual}", "alias"))
                ok = False
        cls = tree.exception_class(found)
        real = list(cls.bases) if cls is not None else []
        mine = [static_of(p) for p in spec.parents]
        if cls is not None and cls.unresolved and all(b in mine for b in real):
            findings.append(Finding(f"{key}.parent", f"not compared: {label}'s {found} also derives from "
                                    f"{', '.join(cls.unresolved)}, which errlint cannot resolve statically", "unresolved"))
            ok = False
        elif mine != real and not (cls is not None and cls.unresolved):
            said = ", ".join(p if s is None else shown(s) for p, s in zip(spec.parents, mine)) or "[]"
            has = ", ".join(shown(b) for b in real) or "no exception base"
            findings.append(Finding(f"{key}.parent", f"the pack says {said}; {label} has {has}", "parent"))
            ok = False
        elif mine != real:
            lacks = ", ".join(shown(b) for b in real if b not in mine)
            findings.append(Finding(f"{key}.parent", f"the pack lacks {lacks}, a base of {found} in {label}", "parent"))
            ok = False
        agree += ok
    for module in export_modules(pack):
        if not public(module) or not any(module == p or module.startswith(p + ".") for p in prefixes):
            continue
        for dotted, static in sorted(tree.exports(module).items()):
            if not any(static.startswith(p + ".") for p in prefixes):
                continue  # another package's class, re-exported
            registered = graph.canonical(dotted)
            if registered is None:
                findings.append(Finding(dotted, f"{label} exports this exception class ({static}); no pack lists it", "unlisted"))
            elif static_of(registered) != static:
                findings.append(Finding(dotted, f"the packs take it for {registered}; in {label} it is {static}", "other-class"))
    return findings, agree
