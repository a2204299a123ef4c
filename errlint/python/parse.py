"""LibCST's parse of a file's bytes, and the one validation rule errlint relaxes.

LibCST's native parser reads the bytes (so a BOM or a PEP 263 coding line is
honoured). A file CPython parses but does not compile is linted all the same
(see :func:`errlint.source.compile_only_error`); of those, only a bare
``except:`` before another handler also stops LibCST, whose ``Try`` node
validates the handler order: :func:`lenient_try` lets that one rule pass while
such a file is linted.
"""
from __future__ import annotations

import ast
from collections.abc import Iterator
from contextlib import contextmanager

import libcst as cst


def parse_module(
    source: bytes, tree: ast.Module | None = None, needs: frozenset[str] = frozenset(), whole: bool = False,
) -> tuple[cst.Module, bool]:
    """The file's LibCST module, and whether it holds the whole file; raises what LibCST raises
    (ParserSyntaxError, RecursionError...).

    With CPython's ``tree``, LibCST parses only the code that can hold a finding for rules reading
    ``needs``, at the file's own lines and columns (:mod:`errlint.python.partial`), unless the
    ``whole`` file is asked for (fixes rewrite it). A file LibCST cannot read whole is read in
    part all the same: its findings are those of a plain run, and it is not rewritten.
    """
    if whole or tree is None:
        try:
            return cst.parse_module(source), True
        except Exception:
            if tree is None:
                raise
    from .partial import partial_source

    text = partial_source(source, tree, needs)
    return cst.parse_module(text if text is not None else source), text is None


_STRICT_TRY_VALIDATE = cst.Try._validate


def _try_validate_lenient(self: cst.Try) -> None:
    if any(handler.type is None for handler in self.handlers[:-1]):
        return  # CPython's compiler reports it (ERR000); with handlers, LibCST's other rules hold
    _STRICT_TRY_VALIDATE(self)


@contextmanager
def lenient_try() -> Iterator[None]:
    """While active, LibCST builds ``Try`` nodes whose bare ``except:`` is not last.

    The engine lints one file at a time on its one worker thread per process,
    so the switch is seen by that file's parse and traversal only.
    """
    cst.Try._validate = _try_validate_lenient  # type: ignore[method-assign]
    try:
        yield
    finally:
        cst.Try._validate = _STRICT_TRY_VALIDATE  # type: ignore[method-assign]
