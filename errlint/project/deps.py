"""The project's declared dependencies, and the API generation of each SDK a file is linted with.

Where code does not show which generation of an SDK it is written for (see
:mod:`errlint.packs.generations`), the project's declaration says: from the
linted file's directory up, the first directory holding a ``pyproject.toml``
(``[project] dependencies`` and ``[project.optional-dependencies]``), a
``requirements*.txt``, a ``poetry.lock`` or a ``uv.lock`` is the project's
(the search stops at a ``.git`` directory). A lock's pinned version wins over
ranges; the ranges of the other files all apply. Found the same way whatever
the front end (a tree, one file, flake8, standard input), so a file's verdict
does not depend on how it is linted; the files read (or that none was found)
go into the result's ``depends``, and a cached result is linted again when
they change.
"""
from __future__ import annotations

import hashlib
import os
import sys
from collections.abc import Callable, Iterable

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - Python 3.10
    import tomli as tomllib

from ..packs import PackRegistry
from ..packs.model import PYTHON
from ..packs.generations import Choice, choose, uses_pack
from ..packs.versions import EVERY_VERSION, Interval, normal_name, parse_requirement, parse_version

DEPENDS_PREFIX = "<declared> "  # the key of a result's ``depends`` entry: not a module name
_FIXED = ("pyproject.toml", "poetry.lock", "uv.lock")


def _declaration_files(directory: str) -> list[str]:
    try:
        names = sorted(os.listdir(directory))
    except OSError:
        return []
    return [
        os.path.join(directory, n) for n in names
        if (n in _FIXED or (n.startswith("requirements") and n.endswith(".txt"))) and os.path.isfile(os.path.join(directory, n))
    ]


class Declared:
    """The declarations of one project directory: the versions each package may have."""

    def __init__(self, directory: str | None, files: list[str]) -> None:
        self.directory = directory
        self.ranges: dict[str, list[tuple[Interval, str]]] = {}
        self.pinned: dict[str, tuple[Interval, str]] = {}
        h = hashlib.blake2b(digest_size=16)
        for path in files:
            try:
                with open(path, "rb") as fh:
                    data = fh.read()
            except OSError:
                continue
            h.update(os.path.basename(path).encode() + b"\0" + data + b"\0")
            try:
                self._read(os.path.basename(path), data)
            except (ValueError, UnicodeDecodeError, tomllib.TOMLDecodeError, AttributeError, TypeError):
                continue  # a file errlint cannot read declares nothing it can use
        self.digest = h.hexdigest()

    def _read(self, name: str, data: bytes) -> None:
        if name.endswith(".lock"):
            for pkg in tomllib.loads(data.decode("utf-8")).get("package", []):
                v = parse_version(str(pkg.get("version", "")))
                if isinstance(pkg.get("name"), str) and v is not None:
                    self.pinned.setdefault(normal_name(pkg["name"]), (Interval(v, True, v, True), f"{name}: {pkg['name']} {v}"))
            return
        if name == "pyproject.toml":
            project = tomllib.loads(data.decode("utf-8")).get("project", {})
            lines = list(project.get("dependencies", []))
            for extra in project.get("optional-dependencies", {}).values():
                lines.extend(extra)
        else:
            lines = data.decode("utf-8", "replace").replace("\\\n", " ").splitlines()
        for line in lines:
            found = parse_requirement(str(line)) if isinstance(line, str) else None
            if found is not None:
                self.ranges.setdefault(found[0], []).append((found[1], f"{name}: {str(line).split(';')[0].strip()}"))

    def lookup(self, packages: Iterable[str]) -> tuple[Interval, str] | None:
        """The versions the project allows the first of ``packages`` it declares, and where it says so."""
        for name in packages:
            if name in self.pinned:
                return self.pinned[name]
            if name in self.ranges:
                out, where = EVERY_VERSION, []
                for interval, text in self.ranges[name]:
                    out = out.intersect(interval)
                    where.append(text)
                return out, "; ".join(where)
        return None


class DeclaredIndex:
    """Per process: each directory's project declarations, found once. From a file's directory up,
    the first directory that declares anything answers for every directory walked; the search stops
    at a ``.git`` directory or the root. The npm side (:class:`errlint.project.npm_deps.NpmDeclaredIndex`)
    is the same walk with its own answer for a directory (:meth:`_declared_at`) and key (:attr:`prefix`)."""

    prefix = DEPENDS_PREFIX

    def __init__(self) -> None:
        self._by_dir: dict[str, Declared] = {}

    def _declared_at(self, directory: str) -> Declared | None:
        """The declarations ``directory`` holds, or None when it declares nothing."""
        files = _declaration_files(directory)
        return Declared(directory, files) if files else None

    def _nothing(self) -> Declared:
        return Declared(None, [])

    def for_path(self, path: str) -> Declared:
        directory = os.path.dirname(os.path.abspath(path if path not in ("-", "") else "stdin"))
        walked = []
        while True:
            if directory in self._by_dir:
                found = self._by_dir[directory]
                break
            walked.append(directory)
            found = self._declared_at(directory)
            if found is not None:
                break
            parent = os.path.dirname(directory)
            if os.path.isdir(os.path.join(directory, ".git")) or parent == directory:
                found = self._nothing()
                break
            directory = parent
        for d in walked:
            self._by_dir[d] = found
        return found

    def depends(self, path: str) -> dict[str, list]:
        d = self.for_path(path)
        return {self.prefix + os.path.dirname(os.path.abspath(path)): [d.directory, d.digest]}

    def still_valid(self, path: str, depends: dict) -> bool:
        """Are the declarations a cached result of ``path`` read still the same?"""
        for key, recorded in depends.items():
            if key.startswith(self.prefix):
                d = self.for_path(path)
                if recorded != [d.directory, d.digest]:
                    return False
        return True


def choose_generations(
    registry: PackRegistry, used: frozenset[str], declared: Callable[[], Declared],
) -> tuple[PackRegistry, list[Choice], bool]:
    """The registry with the generation of each SDK ``used`` (the names the file uses) calls for,
    the choices, and whether the project's declarations were read."""
    read = []

    def lookup(packages):
        read.append(True)
        return declared().lookup(packages)

    choices = [choose(p, used, lookup) for p in registry.packs if p.generations_in(PYTHON) and uses_pack(p, used)]
    return registry.with_generations((c.pack, c.generation.name) for c in choices), choices, bool(read)


def generation_tops(registry: PackRegistry) -> frozenset[str]:
    """The top-level modules of the packs that have generations (``openai``)."""
    return frozenset(m.split(".")[0] for p in registry.packs if p.generations_in(PYTHON) for m in p.modules)
