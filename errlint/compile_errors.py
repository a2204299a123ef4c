"""Files CPython's parser reads but its compiler rejects: reported, and linted all the same.

``compile()`` rejects some code that ``ast.parse`` accepts: a bare ``except:``
before another handler, ``return`` or ``await`` outside a function, a
``nonlocal`` with no binding, a late ``from __future__`` import, a duplicate
argument.  The rest of such a file is still code someone wrote and will fix, so
errlint reports CPython's message and line as ERR000 and checks the file as
written.  Only the bare-``except:`` case also stops LibCST (its ``Try`` node
validates the handler order); :func:`lenient_try` lets that one rule pass while
such a file is linted.
"""
from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from functools import lru_cache

import libcst as cst

from .python.prefilter import python_tree
from .diagnostics import PARSE_ERROR, Diagnostic
from .fixes import quiet_compile


_NOT_A_VERDICT = SyntaxError("not a verdict on the code")


@lru_cache(maxsize=1)
def _compile_error(source: bytes) -> SyntaxError | None:
    """CPython's SyntaxError for ``source``, None when it compiles (kept for the last file asked)."""
    try:
        quiet_compile(source, "<errlint>", "exec", dont_inherit=True)
    except SyntaxError as err:
        return err
    except (ValueError, RecursionError, MemoryError):
        return _NOT_A_VERDICT  # null bytes, nesting: the parser's own ERR000 covers these
    return None


def compiles(source: bytes) -> bool:
    """Does CPython compile ``source``? (Cheaper than building its AST: no Python objects.)"""
    return _compile_error(source) is None


def compile_only_error(path: str, source: bytes) -> Diagnostic | None:
    """ERR000 when CPython parses ``source`` but cannot compile it; None otherwise.

    A file CPython's parser rejects is not this function's business (it may be
    newer syntax LibCST reads, or a syntax error reported elsewhere).
    """
    err = _compile_error(source)
    if err is None or err is _NOT_A_VERDICT or python_tree(source) is None:
        return None
    line, col = err.lineno or 1, err.offset or 1
    return Diagnostic(
        path, line, col, PARSE_ERROR,
        f"does not compile: {err.msg} ({line}:{col}); the rest of the file is checked as written",
        rule="parse-error",
    )


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
