"""The TypeScript and JavaScript front end (tree-sitter): the same facts as errlint/python, for the same checks.

``lint_file(path, source, registry, checks)`` is the one entry point the engine
calls for a file with a TypeScript or JavaScript suffix (:data:`SUFFIXES`). It
parses the file (parse.py: grammar by suffix, ERR000 at the first error node),
reads its imports and classes (names.py), turns each ``catch`` clause's
``instanceof`` branches into handlers (catches.py) with their effects
(effects.py), finds the SDK calls each ``try`` guards (receivers.py, scopes.py),
and runs the enabled checks whose ``needs`` it gathers ("tries", "calls",
"effects": ERR003, ERR004, ERR008), honouring ``// noqa``.

It imports the language-neutral layers only (facts, packs, hierarchy,
diagnostics), never the Python front end, the checks' modules or the engine.
"""
from __future__ import annotations

from .parse import DECLARATION_SUFFIXES, GRAMMARS

_FROM_LINT = ("PROVIDED", "TsResult", "lint_file", "runs_on_typescript")

SUFFIXES = tuple(GRAMMARS)  # .ts .mts .cts .tsx .js .mjs .cjs .jsx


def is_typescript(path: str) -> bool:
    """Is ``path`` a TypeScript or JavaScript file (by its suffix)?"""
    return path.lower().endswith(SUFFIXES)


def __getattr__(name: str):
    """The front end's entry points, imported on first use: a run that lints no TypeScript or
    JavaScript file (and a file walk, which reads the suffixes) does not pay for them (~25 ms)."""
    if name in _FROM_LINT:
        from . import lint

        return getattr(lint, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__all__ = ["DECLARATION_SUFFIXES", "PROVIDED", "SUFFIXES", "TsResult", "is_typescript", "lint_file", "runs_on_typescript"]
