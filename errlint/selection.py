"""--select / --ignore: rule codes or prefixes (``ERR``, ``ERR00``, ``ERR004``, ``ALL``)."""
from __future__ import annotations

from collections.abc import Sequence

from .checks.base import Check
from .diagnostics import INTERNAL_ERROR, PARSE_ERROR

_META = (PARSE_ERROR, INTERNAL_ERROR)


class SelectionError(Exception):
    pass


def _matches(code: str, selector: str) -> bool:
    return selector == "ALL" or code.startswith(selector)


def select_checks(
    checks: Sequence[type[Check]], select: Sequence[str] | None, ignore: Sequence[str]
) -> tuple[list[type[Check]], bool]:
    """The enabled checks, and whether ERR000 (cannot parse) is reported."""
    known = [c.code for c in checks] + list(_META)
    for selector in [*(select or []), *ignore]:
        upper = selector.upper()
        if upper != "ALL" and not any(code.startswith(upper) for code in known):
            raise SelectionError(f"unknown rule selector {selector!r} (known codes: {', '.join(sorted(known))})")
    select = [s.upper() for s in select] if select else ["ALL"]
    ignore = [s.upper() for s in ignore]

    def enabled(code: str) -> bool:
        if any(_matches(code, s) for s in ignore):
            # the more specific selector wins, as in ruff
            best_ignore = max(len(s) for s in ignore if _matches(code, s))
            best_select = max((len(s) for s in select if _matches(code, s) and s != "ALL"), default=-1)
            return best_select > best_ignore
        return any(_matches(code, s) for s in select)

    report_parse_errors = not any(_matches(PARSE_ERROR, s) and s != "ALL" for s in ignore)
    return [c for c in checks if enabled(c.code)], report_parse_errors
