"""Classes of the project's other modules, read from disk on demand (relative imports).

``import { NotFoundError } from "./errors"`` names ``./errors.NotFoundError``; when a
check asks about that class, the module is found the way TypeScript's and Node's
resolution would from the linted file's folder (``./errors.ts``, ``.tsx``,
``.d.ts``, ``.js``, ..., then ``./errors/index.*``; ``./errors.js`` written in
an ES module finds ``errors.ts`` too), parsed with tree-sitter, and its classes
(``class X extends Y``, resolved in that module), re-exports (``export { X } from
"./base"``, ``export { A as B }``, ``export * from "./all"``) and compiled
CommonJS (``const errors_1 = require("./errors")``) are followed, as far as the
class asks: a file whose tests name only SDK and built-in classes reads nothing.
A module that cannot be found, read or parsed cleanly leaves its classes unknown.

Only the linted file's own bytes are taken from the run; the others are read from
disk, so a file gets the same verdict alone as in a whole-tree run. Module
summaries are memoised per process by path, size and modification time. A host
that knows newer content than the disk's (the language server: the editor's
unsaved buffers) passes an overlay, real path -> bytes, read before the disk.
"""
from __future__ import annotations

import hashlib
import os

from .names import ModuleNames
from .parse import grammar_for, parse

_CANDIDATES = (".ts", ".tsx", ".mts", ".cts", ".d.ts", ".js", ".mjs", ".cjs", ".jsx")
_MAX_STEPS = 500  # class and alias hops in one file's graph: far beyond real code, never a hang
_MEMO: dict[tuple, ModuleNames | None] = {}
_MEMO_LIMIT = 4096


def is_project_module(module: str) -> bool:
    return module.startswith("./") or module.startswith("../")


class ProjectModules:
    """The project modules one linted file reaches through relative imports."""

    def __init__(self, path: str, own_module: str, registry, overlay=None) -> None:
        self.folder = os.path.dirname(os.path.abspath(path))
        self.own = own_module
        self.registry = registry
        self.overlay = overlay if overlay is not None else {}  # real path -> bytes (unsaved buffers)
        self.reads: dict[str, str] = {}  # the files read: real path -> digest of their bytes
        self._summaries: dict[str, ModuleNames | None] = {}

    def find(self, module: str) -> str | None:
        """The file of a module named relative to the linted file's folder, if any."""
        base = os.path.normpath(os.path.join(self.folder, *module.split("/")))
        for candidate in [base + s for s in _CANDIDATES] + [os.path.join(base, "index" + s) for s in _CANDIDATES]:
            if os.path.isfile(candidate):
                return candidate
        return None

    def summary(self, module: str) -> ModuleNames | None:
        if module in self._summaries:
            return self._summaries[module]
        found = None
        path = self.find(module)
        if path is not None:
            # a folder's index module: its own relative imports start from that folder
            stem = os.path.basename(path).split(".")[0]
            inner = module + "/index" if stem == "index" and not module.endswith("/index") else module
            found = self._read(path, inner)
        self._summaries[module] = found
        return found

    def _read(self, path: str, module: str) -> ModuleNames | None:
        real = os.path.realpath(path)
        data = self.overlay.get(real)
        if data is not None:
            self.reads[real] = hashlib.blake2b(data, digest_size=16).hexdigest()
            key = (real, module, "overlay", self.reads[real], id(self.registry))
        else:
            try:
                stat = os.stat(real)
                with open(real, "rb") as fh:
                    data = fh.read()
            except (OSError, ValueError):
                return None
            self.reads[real] = hashlib.blake2b(data, digest_size=16).hexdigest()
            key = (real, module, stat.st_size, stat.st_mtime_ns, id(self.registry))
        if key in _MEMO:
            return _MEMO[key]
        grammar = grammar_for(real) or "typescript"
        tree, _ = parse(data, grammar)
        names = None if tree.root_node.has_error else ModuleNames(tree.root_node, module, self.registry)
        if len(_MEMO) >= _MEMO_LIMIT:
            _MEMO.clear()
        _MEMO[key] = names
        return names

    def layer(self, demanded) -> tuple[dict[str, tuple[str, ...]], dict[str, str]]:
        """Parents and aliases of the project classes ``demanded`` (qualified names) and of their ancestors."""
        parents: dict[str, tuple[str, ...]] = {}
        aliases: dict[str, str] = {}
        seen: set[str] = set()
        steps = [0]

        def resolve(q: str) -> bool:
            """Make ``q`` known to the layer where its module says what it is; whether it is a class."""
            if q in parents:
                return True
            if q in aliases:
                return resolve(aliases[q])
            if q in seen or steps[0] >= _MAX_STEPS:
                return False
            seen.add(q)
            steps[0] += 1
            module, _, name = q.rpartition(".")
            if not is_project_module(module):
                return self.registry.graph.knows(q)
            if module == self.own:
                return False  # the linted file's own classes are in its own layer
            names = self.summary(module)
            if names is None:
                return False
            if name in names.classes:
                base = names.classes[name]
                parent = names.qualname(base) if base is not None else None
                parents[q] = (parent,) if parent is not None else ()
                if parent is not None:
                    resolve(parent)
                return True
            target = names.exported(name)
            if target is not None and target != q:
                aliases[q] = target
                return resolve(target)
            for star in names.stars:
                candidate = names.imported_name(star, name)
                if candidate != q and resolve(candidate):
                    aliases[q] = candidate
                    return True
            return False

        for q in sorted(demanded):
            if is_project_module(q.rpartition(".")[0]):
                resolve(q)
        return parents, aliases
