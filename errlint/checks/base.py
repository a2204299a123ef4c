"""The shape of a check: rule logic over facts, with its documentation and examples.

A check subclasses :class:`Check`, sets ``code`` and ``name``, documents itself
in its docstring the way ruff documents rules (What it does / Why is this bad? /
Example / Use instead / Fix safety), lists ``VALID`` and ``INVALID`` snippets
(the test suite runs them), declares the facts it reads in ``needs`` and
defines :meth:`Check.run`. The front end gathers the facts every enabled check
needs in one traversal (errlint/facts.py); then each check's ``run`` reads
``self.file`` (a :class:`~errlint.facts.FileFacts`) and reports with
:meth:`Check.report`, where a fix is a request (errlint/requests.py) that the
language's fixer turns into edits.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, ClassVar

if TYPE_CHECKING:
    from ..facts import FileFacts, Span
    from ..requests import FixRequest


# In ``triggers``: the top-level module names of every loaded SDK pack.
SDK_MODULES = "<sdk-modules>"
# In ``triggers``: a statement that may have two handlers or a tuple handler (the front end's
# cheap test of the bytes, which may over-estimate, never under-estimate).
SEVERAL_HANDLERS = "<several-handlers>"


@dataclass(frozen=True)
class PackValues:
    """In ``triggers``: the codes and statuses with this ``retry`` policy in the packs
    without a module (hand-written clients such as Altus 4's), matched as written in
    code. A pack with modules counts only where it is imported, which SDK_MODULES covers."""

    retry: str


class Check:
    code: ClassVar[str] = ""
    name: ClassVar[str] = ""
    summary: ClassVar[str] = ""  # one line, for `errlint rules` and the README table
    fix_availability: ClassVar[str] = "none"  # "none" | "sometimes" | "always"
    # Substrings at least one of which a file must contain for the check to
    # have anything to report (a cheap pre-filter; empty: always run);
    # SDK_MODULES stands for the module names of every loaded pack, PackValues
    # for codes and statuses of packs without a module; a compiled bytes regex,
    # or a function of the file's bytes returning a bool (see
    # python.prefilter), may stand in for a substring. A trigger may
    # over-estimate, never under-estimate.
    triggers: ClassVar[tuple] = ()
    VALID: ClassVar[tuple[str, ...]] = ()
    INVALID: ClassVar[tuple[str, ...]] = ()
    # What the rule reads from the packs: "errors" (class trees), "never",
    # "by-status", "reauth", "auto_retry", "codes", "statuses", "irreversible".
    uses: ClassVar[tuple[str, ...]] = ("errors",)
    # The facts the check reads (see python/build.py): "tries", "effects", "calls", "constructs".
    needs: ClassVar[frozenset[str]] = frozenset()

    def __init__(self, file: FileFacts) -> None:
        self.file = file

    def run(self) -> None:  # pragma: no cover - every check defines it
        """Read ``self.file`` and report."""
        raise NotImplementedError

    def report(self, at: Span, message: str, fix: FixRequest | None = None) -> None:
        self.file.report_at(self.code, at, message, fix)

    @classmethod
    def packs_involved(cls, registry) -> list[str]:
        """The packs whose data this rule reads (for ``errlint rules``)."""
        out = []
        for pack in registry.packs:
            specs = [*pack.errors.values(), *pack.ts_errors.values()]  # both languages' classes
            has = {
                "errors": bool(specs),
                "sdk": bool(pack.modules or pack.npm) and not pack.is_language,
                "never": any(s.retry == "never" for s in specs),
                "by-status": any(s.retry == "by-status" for s in specs),
                "reauth": any(s.reauth for s in specs),
                "rate-limit": any(s.retry == "honor-retry-after" for s in specs),
                "auto_retry": bool(pack.auto_retry or pack.ts_auto_retry),
                "codes": bool(pack.codes),
                "statuses": bool(pack.statuses),
                "irreversible": bool(pack.irreversible or pack.ts_irreversible),
            }
            if any(has.get(u, False) for u in cls.uses):
                out.append(pack.name)
        return out

    @classmethod
    def short_docs(cls) -> str:
        """The "What it does" paragraph."""
        text = cls.docs()
        _, _, rest = text.partition("## What it does")
        return " ".join(rest.split("##")[0].split()) or cls.summary

    @classmethod
    def docs(cls) -> str:
        import inspect

        return inspect.cleandoc(cls.__doc__ or "")
