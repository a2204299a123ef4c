"""Docs in place: the link on each diagnostic to its rule's page, and the hover text of a code.

The page is the one ``errlint rule CODE`` prints and ``docs/rules/CODE.md``
holds (:mod:`errlint.output.rules`). An editor needs a URI: the project's
declared repository page where pyproject.toml declares one
(:func:`errlint.output.rule_url`), else the page installed with errlint
(the wheel ships ``docs/rules`` as ``errlint/docs/rules``) or, for an editable
install, the checkout's ``docs/rules``, as a ``file:`` URI.
"""
from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from ..output import RULE_PAGES, project_url, rule_url
from ..output.rules import rule_page, rule_summary

_PACKAGE = Path(__file__).resolve().parent.parent
_PAGE_FOLDERS = (_PACKAGE / "docs" / "rules", _PACKAGE.parent / RULE_PAGES)  # installed wheel, then a checkout


@lru_cache(maxsize=None)
def rule_uri(code: str) -> str | None:
    """A URI of the rule's page, or None when there is none to link to."""
    if project_url():
        return rule_url(code)
    for folder in _PAGE_FOLDERS:
        page = folder / f"{code}.md"
        if page.is_file():
            return page.as_uri()
    return None


def hover_text(code: str) -> str | None:
    """Markdown for a code under the cursor: the rule's summary, its link and its page (the text of
    ``errlint rule CODE``); None for a code that is not errlint's."""
    summary, page = rule_summary(code), rule_page(code)
    if summary is None or page is None:
        return None
    head, _, rest = summary.partition(": ")
    uri = rule_uri(code.upper())
    link = f"\n\n[Rule page]({uri})" if uri else ""
    return f"**{head}**: {rest}{link}\n\n---\n\n{page}"
