"""The shape of a check: a small visitor with its documentation and examples.

A check subclasses :class:`Check`, sets ``code`` and ``name``, documents itself
in its docstring the way ruff documents rules (What it does / Why is this bad? /
Example / Use instead / Fix safety), lists ``VALID`` and ``INVALID`` snippets
(the test suite runs them), and defines ``visit_<Node>`` / ``leave_<Node>``
methods.  The engine instantiates every enabled check once per file and calls
all of them from one traversal; a check reports with ``self.ctx.report(...)``
and asks the shared analysis in ``self.ctx`` for facts instead of re-deriving
them.
"""
from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

if TYPE_CHECKING:
    from ..engine import FileContext


class Check:
    code: ClassVar[str] = ""
    name: ClassVar[str] = ""
    summary: ClassVar[str] = ""  # one line, for `errlint rules` and the README table
    fix_availability: ClassVar[str] = "none"  # "none" | "sometimes" | "always"
    # Substrings at least one of which a file must contain for the check to
    # have anything to report (a cheap pre-filter; empty: always run).
    triggers: ClassVar[tuple[str, ...]] = ()
    VALID: ClassVar[tuple[str, ...]] = ()
    INVALID: ClassVar[tuple[str, ...]] = ()

    def __init__(self, ctx: FileContext) -> None:
        self.ctx = ctx

    @classmethod
    def handlers(cls) -> dict[str, str]:
        """``{"visit_Try": "visit_Try", ...}``: the node callbacks this check defines."""
        return {
            attr: attr
            for attr in dir(cls)
            if (attr.startswith("visit_") or attr.startswith("leave_")) and callable(getattr(cls, attr))
        }

    @classmethod
    def docs(cls) -> str:
        import inspect

        return inspect.cleandoc(cls.__doc__ or "")
