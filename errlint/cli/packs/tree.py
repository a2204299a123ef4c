"""An installed package's exception tree, read from its source without importing it.

``errlint packs extract`` and ``errlint packs check`` (:mod:`errlint.cli.packs`)
read a package the way errlint reads a project's own modules
(:mod:`errlint.project`): :class:`~errlint.project.finder.ModuleFinder` finds
the files, :func:`~errlint.project.facts.read_facts` reads each module's
classes, imports, ``__all__`` and star imports with CPython's ``ast``, and a
:class:`~errlint.project.ProjectLayer` over the interpreter's classes (the
stdlib pack) resolves bases and re-exports. Nothing of the package runs: no
import, no ``find_spec`` of a submodule (which would import its parents).

Where to look: the directories of ``sys.path``, then the active virtualenv's
``site-packages`` (``$VIRTUAL_ENV``: errlint installed with pipx reads the
project's environment), or the directories given with ``--path``. A name is
a distribution (``google-api-core``: its version, and its import roots read
from its ``RECORD``) or an import name (``google.api_core``: the distribution
that installs it, if any, gives the version).
"""
from __future__ import annotations

import glob
import os
import re
import sys
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from importlib import metadata

from ...hierarchy import ClassGraph
from ...project import ProjectIndex, ProjectLayer
from ...project.facts import ModuleFacts
from ...project.finder import COMPILED, Found

ROOT = "builtins.BaseException"


class PackageNotFound(Exception):
    """The name is neither an installed distribution nor an importable module in the search roots."""


def search_roots(paths: Sequence[str] = ()) -> tuple[str, ...]:
    """``paths`` if given, else ``sys.path``'s directories and the active virtualenv's site-packages."""
    if paths:
        return tuple(dict.fromkeys(os.path.realpath(p) for p in paths))
    out = [p for p in sys.path if p and os.path.isdir(p)]
    venv = os.environ.get("VIRTUAL_ENV")
    if venv:
        out.extend(sorted(glob.glob(os.path.join(venv, "lib", "python3*", "site-packages"))))
        out.append(os.path.join(venv, "Lib", "site-packages"))  # Windows
    return tuple(dict.fromkeys(os.path.realpath(p) for p in out if os.path.isdir(p)))


def normalize(name: str) -> str:
    """A distribution name as PEP 503 compares them."""
    return re.sub(r"[-_.]+", "-", name).lower()


@dataclass(frozen=True)
class Package:
    """An installed package: its distribution (if any), version and import roots."""

    name: str  # as asked
    distribution: str | None
    version: str | None
    imports: tuple[str, ...]  # import roots: "openai", "google.api_core"
    roots: tuple[str, ...]  # the directories searched


def _distributions(roots: tuple[str, ...]) -> list[metadata.Distribution]:
    return list(metadata.distributions(path=list(roots)))


def _import_roots(dist: metadata.Distribution) -> tuple[str, ...]:
    """The importable roots a distribution installs, from its RECORD (or top_level.txt): the first
    regular package (or module) on each file's path, so a namespace such as ``google`` is passed."""
    files = dist.files or []
    base = str(dist.locate_file(""))
    out: list[str] = []
    for f in files:
        parts = f.parts
        if not parts or parts[0] in ("..", "") or parts[0].endswith((".dist-info", ".egg-info", ".data")):
            continue
        if "__pycache__" in parts or not f.name.endswith((".py", ".pyi")) and not _extension(f.name):
            continue
        mods = list(parts[:-1]) + [f.name.split(".")[0]]
        if not all(m.isidentifier() for m in mods):
            continue
        for k in range(1, len(mods) + 1):
            path = os.path.join(base, *mods[:k])
            if k == len(mods) or os.path.isfile(os.path.join(path, "__init__.py")) or os.path.isfile(os.path.join(path, "__init__.pyi")):
                name = ".".join(mods[:k] if mods[k - 1] != "__init__" else mods[: k - 1])
                if name:
                    out.append(name)
                break
    if not out:
        top = dist.read_text("top_level.txt") or ""
        out = [t.strip() for t in top.splitlines() if t.strip().isidentifier()]
    return tuple(sorted(dict.fromkeys(out), key=lambda n: (n.count("."), n)))


def _extension(filename: str) -> bool:
    from importlib.machinery import EXTENSION_SUFFIXES

    return filename.endswith(tuple(EXTENSION_SUFFIXES))


def find_package(name: str, roots: tuple[str, ...], index: ProjectIndex | None = None) -> Package:
    """The installed package ``name`` (a distribution or an import name) in ``roots``."""
    index = index or ProjectIndex()
    dists = _distributions(roots)
    wanted = normalize(name)
    for dist in dists:
        if normalize(dist.metadata["Name"] or "") == wanted:
            imports = tuple(m for m in _import_roots(dist) if index.finder.find(m, roots) is not None)
            if imports:
                return Package(name, dist.metadata["Name"], dist.version, imports, roots)
    if not all(p.isidentifier() for p in name.split(".")) or index.finder.find(name, roots) is None:
        raise PackageNotFound(f"{name}: no installed distribution or importable package of that name in {len(roots)} "
                              "search directories (sys.path and $VIRTUAL_ENV; --path DIR searches elsewhere)")
    owner = None
    for dist in dists:
        if any(name == m or name.startswith(m + ".") for m in _import_roots(dist)):
            owner = dist
            break
    return Package(name, owner.metadata["Name"] if owner else None, owner.version if owner else None, (name,), roots)


# -- the static tree ---------------------------------------------------------------------------------
@dataclass
class ExceptionClass:
    qualname: str  # defining module + name
    module: str
    file: str  # the file it is read from
    bases: tuple[str, ...]  # exception bases, canonical qualified names
    other_bases: tuple[str, ...] = ()  # bases that are not exceptions (mixins)
    unresolved: tuple[str, ...] = ()  # bases errlint cannot resolve
    public: list[str] = field(default_factory=list)  # other names it is importable as from public modules


class StaticTree:
    """The exception classes of the modules under some import roots, read on demand."""

    def __init__(self, roots: tuple[str, ...], language: ClassGraph, index: ProjectIndex | None = None) -> None:
        self.roots = roots
        self.index = index or ProjectIndex()
        self.layer = ProjectLayer(language, self.index, roots, "")
        self.language = language
        self.unreadable: list[str] = []  # modules walked whose facts could not be read

    # -- modules --------------------------------------------------------------------------------------
    def find(self, module: str) -> Found | None:
        return self.index.finder.find(module, self.roots)

    def facts(self, module: str) -> ModuleFacts | None:
        found = self.find(module)
        return None if found is None else self.index.facts(module, found)[0]

    def walk(self, top: str) -> list[str]:
        """Every module under the import root ``top`` (itself included), as Python would import them."""
        found = self.find(top)
        if found is None:
            return []
        out = [top]
        if not found.is_package:
            return out
        directories = [os.path.dirname(found.path)] if found.path and found.path != COMPILED else []
        if not found.path:  # a namespace package: its portions in every root
            directories = [os.path.join(r, *top.split(".")) for r in self.roots if os.path.isdir(os.path.join(r, *top.split(".")))]
        for directory in directories:
            for here, dirs, files in os.walk(directory):
                rel = os.path.relpath(here, directory)
                prefix = top if rel == "." else f"{top}.{rel.replace(os.sep, '.')}"
                dirs[:] = sorted(d for d in dirs if d.isidentifier())
                if rel != ".":
                    out.append(prefix)
                for f in sorted(files):
                    stem, _, suffix = f.partition(".")
                    if stem != "__init__" and stem.isidentifier() and (suffix in ("py", "pyi") or _extension(f)):
                        out.append(f"{prefix}.{stem}")
        return [m for m in dict.fromkeys(out) if self.find(m) is not None]

    def exported_names(self, module: str, _seen: frozenset[str] = frozenset()) -> list[str]:
        """The names ``module`` binds, star imports included (a star gives ``__all__`` or the public names)."""
        facts = self.facts(module)
        if facts is None or module in _seen:
            return []
        names = list(facts.values)
        for star in facts.stars:
            provided = self.facts(star)
            if provided is None or provided.all_unknown:
                continue  # what the star gives is unknown: nothing is counted
            given = provided.all if provided.all is not None else [
                n for n in self.exported_names(star, _seen | {module}) if not n.startswith("_")]
            names.extend(given)
        return list(dict.fromkeys(names))

    # -- classes ---------------------------------------------------------------------------------------
    def canonical(self, name: str) -> str | None:
        return self.layer.canonical(name)

    def is_exception(self, name: str) -> bool:
        return self.layer.canonical(name) is not None and ROOT in self.layer.ancestors(name)

    def exception_class(self, qual: str) -> ExceptionClass | None:
        """The class defined as ``qual`` (its defining name), if it is an exception."""
        if self.canonical(qual) != qual or not self.is_exception(qual):
            return None
        module = qual.rpartition(".")[0]
        found = self.find(module)
        bases, other, unresolved = [], [], []
        for b in self.layer.parents(qual):
            if b.startswith("?") or self.canonical(b) is None:
                unresolved.append(b.lstrip("?") or "?")
            elif self.is_exception(b):
                bases.append(self.canonical(b))
            else:
                other.append(b)
        return ExceptionClass(qual, module, found.path if found else "", tuple(bases), tuple(other), tuple(unresolved))

    def classes_of(self, modules: Iterable[str]) -> dict[str, ExceptionClass]:
        """The exception classes defined in ``modules``, by defining name."""
        out: dict[str, ExceptionClass] = {}
        for module in modules:
            facts = self.facts(module)
            if facts is None:
                self.unreadable.append(module)
                continue
            for name, value in facts.values.items():
                if value[0] == "class":
                    cls = self.exception_class(f"{module}.{name}")
                    if cls is not None:
                        out[cls.qualname] = cls
        return out

    def exports(self, module: str) -> dict[str, str]:
        """``module.Name`` -> defining name, for every exception class ``module`` binds under a
        public name; through a module bound under a public name too (``stripe.error.CardError``)."""
        out: dict[str, str] = {}
        facts = self.facts(module)
        if facts is None:
            return out
        for name in self.exported_names(module):
            if name.startswith("_"):
                continue
            dotted = f"{module}.{name}"
            value = facts.values.get(name)
            if (value is not None and value[0] == "import" and not public(value[1]) and self.find(value[1]) is not None
                    and self.canonical(dotted) is None):
                for inner in self.exported_names(value[1]):  # a module under another name: its classes
                    if not inner.startswith("_") and self.is_exception(f"{dotted}.{inner}"):
                        out[f"{dotted}.{inner}"] = self.canonical(f"{dotted}.{inner}")
                continue
            if self.is_exception(dotted):
                out[dotted] = self.canonical(dotted)
        return out


def public(module: str) -> bool:
    return not any(part.startswith("_") for part in module.split("."))


def read_package(package: Package, language: ClassGraph, index: ProjectIndex | None = None) -> tuple[StaticTree, dict[str, ExceptionClass]]:
    """The package's exception classes (every module under its import roots) whose name is not
    private (``_Internal``) or that are importable under a public name, and their ancestors in the
    package; each with the public names it is
    importable as (from an import root, its own module, or a package above it that re-exports
    it); and the tree, to resolve more names."""
    tree = StaticTree(package.roots, language, index)
    modules = [m for top in package.imports for m in tree.walk(top)]
    classes = tree.classes_of(modules)
    def above(qual: str) -> set[str]:  # the import roots, its module and the packages above it
        parts = qual.split(".")[:-1]
        return {*package.imports, *(".".join(parts[:k]) for k in range(1, len(parts) + 1))}

    where = {q: above(q) for q in classes}
    for module in sorted(set().union(*where.values()) if where else ()):
        if not public(module) or not any(module == t or module.startswith(t + ".") for t in package.imports):
            continue
        for dotted, qual in tree.exports(module).items():
            if qual in classes and dotted != qual and module in where[qual] and dotted not in classes[qual].public:
                classes[qual].public.append(dotted)
    for cls in classes.values():
        cls.public.sort(key=lambda n: (n.count("."), n))
    wanted = {q for q, c in classes.items() if c.public or not q.rpartition(".")[2].startswith("_")}
    stack = list(wanted)
    while stack:  # the ancestors of a listed class, private or not
        for b in classes[stack.pop()].bases:
            if b in classes and b not in wanted:
                wanted.add(b)
                stack.append(b)
    return tree, {q: c for q, c in classes.items() if q in wanted}
