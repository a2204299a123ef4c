"""One class graph: builtins and stdlib, every SDK pack, and the project's classes.

Classes are identified by their defining qualified name (``builtins.OSError``,
``alter_sdk.exceptions.GrantExpiredError``, ``myapp.errors.ConfigError``).
Every other name a program can import a class under is an *alias* that maps to
that identifier (``builtins.IOError`` -> ``builtins.OSError``).

Graphs are layered: the static graph (packs) is built once per run; a project
layer adds the classes defined in the files of the run, and a file layer adds
the classes of the file being linted.  A layer never changes its parents, so
answers cached in a parent layer stay valid.
"""
from __future__ import annotations

from collections.abc import Iterable, Mapping

_MAX_ALIAS_HOPS = 32


class ClassGraph:
    """Parents and aliases of classes, with memoised ancestor sets."""

    __slots__ = ("_parents", "_aliases", "_base", "_ancestors", "_canonical")

    def __init__(
        self,
        parents: Mapping[str, tuple[str, ...]],
        aliases: Mapping[str, str] | None = None,
        base: ClassGraph | None = None,
    ) -> None:
        self._parents = dict(parents)
        self._aliases = dict(aliases or {})
        self._base = base
        self._ancestors: dict[str, frozenset[str]] = {}
        self._canonical: dict[str, str | None] = {}

    # -- layering -----------------------------------------------------------
    def layer(
        self, parents: Mapping[str, Iterable[str]], aliases: Mapping[str, str] | None = None
    ) -> ClassGraph:
        """A new graph that sees this one plus ``parents``/``aliases``."""
        if not parents and not aliases:
            return self
        return ClassGraph({k: tuple(v) for k, v in parents.items()}, aliases, self)

    # -- lookups ------------------------------------------------------------
    def _own_parents(self, name: str) -> tuple[str, ...] | None:
        graph: ClassGraph | None = self
        while graph is not None:
            found = graph._parents.get(name)
            if found is not None:
                return found
            graph = graph._base
        return None

    def _own_alias(self, name: str) -> str | None:
        graph: ClassGraph | None = self
        while graph is not None:
            found = graph._aliases.get(name)
            if found is not None:
                return found
            graph = graph._base
        return None

    def canonical(self, name: str) -> str | None:
        """The defining name of the class ``name`` refers to, or None if unknown."""
        if name in self._canonical:
            return self._canonical[name]
        result: str | None = None
        current = name
        for _ in range(_MAX_ALIAS_HOPS):
            if self._own_parents(current) is not None:
                result = current
                break
            target = self._own_alias(current)
            if target is None or target == current:
                break
            current = target
        self._canonical[name] = result
        return result

    def knows(self, name: str) -> bool:
        return self.canonical(name) is not None

    def parents(self, name: str) -> tuple[str, ...]:
        canon = self.canonical(name)
        if canon is None:
            return ()
        return tuple(self.canonical(p) or p for p in self._own_parents(canon) or ())

    def ancestors(self, name: str) -> frozenset[str]:
        """The class and all of its ancestors (unknown bases appear by name)."""
        canon = self.canonical(name) or name
        cached = self._ancestors.get(canon)
        if cached is not None:
            return cached
        base = self._base
        if base is not None and canon not in self._parents and base.canonical(canon) == canon:
            # Defined below this layer: its ancestors cannot depend on this layer.
            return base.ancestors(canon)
        result: set[str] = set()
        stack = [canon]
        while stack:
            current = stack.pop()
            if current in result:
                continue  # also breaks inheritance cycles in broken project code
            result.add(current)
            stack.extend(self.parents(current))
        frozen = frozenset(result)
        self._ancestors[canon] = frozen
        return frozen

    def is_subclass(self, child: str, parent: str) -> bool:
        """True when ``child`` is ``parent`` or derives from it (both by any name)."""
        parent_canon = self.canonical(parent) or parent
        return parent_canon in self.ancestors(child)

    def same_class(self, a: str, b: str) -> bool:
        return (self.canonical(a) or a) == (self.canonical(b) or b)

    def all_classes(self) -> set[str]:
        names: set[str] = set()
        graph: ClassGraph | None = self
        while graph is not None:
            names.update(graph._parents)
            graph = graph._base
        return names

    def subclasses(self, name: str) -> set[str]:
        """Every known class that is ``name`` or derives from it."""
        canon = self.canonical(name) or name
        return {c for c in self.all_classes() if canon in self.ancestors(c)}


def find_cycle(nodes, parents) -> list[str] | None:
    """The first cycle of the graph ``parents(node)`` over ``nodes`` (the nodes, the first one
    repeated at the end), or None; an iterative depth-first search, linear in nodes and links."""
    state: dict[str, int] = {}  # 1 on the current path, 2 done
    for start in nodes:
        if start in state:
            continue
        path = [start]
        todo = [iter(parents(start))]
        state[start] = 1
        while todo:
            for p in todo[-1]:
                if p not in nodes or state.get(p) == 2:
                    continue
                if state.get(p) == 1:
                    return path[path.index(p):] + [p]
                state[p] = 1
                path.append(p)
                todo.append(iter(parents(p)))
                break
            else:
                state[path.pop()] = 2
                todo.pop()
    return None


def show_cycle(cycle: list[str], keep: int = 4) -> str:
    """``A -> B -> A``; a long cycle shortened in the middle, with how many classes it has."""
    if len(cycle) <= 2 * keep + 1:
        return " -> ".join(cycle)
    return f"{' -> '.join(cycle[:keep])} -> ... ({len(cycle) - 1} classes) ... -> {' -> '.join(cycle[-keep:])}"
