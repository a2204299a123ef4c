"""--select / --extend-select / --ignore: rule codes or prefixes (``ERR``, ``ERR00``, ``ERR004``, ``ALL``).

Resolved the way ruff resolves rule selection. The selectors come in layers:
the default (every rule), then ``[tool.errlint]``, then the command line.

* A layer with ``select`` starts over from its own selection; a layer without
  one adjusts what the layers before it enabled.
* Within a layer, selectors are applied from the least specific (``ALL``) to
  the most specific (a full code; then ``ERR00`` beats ``ERR0`` beats ``ERR``),
  so the more specific selector wins. At equal specificity ``ignore`` wins over
  ``select`` / ``extend-select``.
* A layer whose ``select`` is empty and that has no ``extend-select`` but has
  ``ignore`` passes its ``ignore`` on to the next layer.
"""
from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from ..checks.base import Check
from ..diagnostics import INTERNAL_ERROR, PARSE_ERROR

_META = (PARSE_ERROR, INTERNAL_ERROR)


class SelectionError(Exception):
    pass


@dataclass(frozen=True)
class Selection:
    """One layer of selectors (the configuration, or the command line)."""

    select: tuple[str, ...] | None = None
    extend_select: tuple[str, ...] = ()
    ignore: tuple[str, ...] = ()


def _matches(code: str, selector: str) -> bool:
    return selector == "ALL" or code.startswith(selector)


def _specificity(selector: str) -> int:
    return 0 if selector == "ALL" else len(selector)


def known_codes(checks: Iterable[type[Check]]) -> list[str]:
    return [c.code for c in checks] + list(_META)


def unknown_selector(selectors: Iterable[str], codes: Sequence[str]) -> str | None:
    """The first selector that matches no code, or None."""
    for selector in selectors:
        upper = selector.upper()
        if upper != "ALL" and (not upper or not any(code.startswith(upper) for code in codes)):  # "" would match every code
            return selector
    return None


def unknown_selector_message(selector: str, codes: Sequence[str]) -> str:
    return f"unknown rule selector {selector!r} (known codes: {', '.join(sorted(codes))}, or a prefix, or ALL)"


def unknown_selector_problem(checks: Iterable[type[Check]], keyed: Iterable[tuple[str, Iterable[str]]]) -> str | None:
    """``"key: unknown rule selector …"`` for the first ``(key, selectors)`` pair naming no rule, or None."""
    codes = known_codes(checks)
    for key, selectors in keyed:
        bad = unknown_selector(selectors or (), codes)
        if bad is not None:
            return f"{key}: {unknown_selector_message(bad, codes)}"
    return None


def resolve(codes: Sequence[str], layers: Sequence[Selection]) -> set[str]:
    """The codes the layers enable, starting from every code."""
    enabled = set(codes)
    carried: tuple[str, ...] = ()
    for layer in layers:
        select = [s.upper() for s in layer.select] if layer.select is not None else []
        extend = [s.upper() for s in layer.extend_select]
        ignore = [s.upper() for s in (*layer.ignore, *carried)]
        carried = ()
        updates: dict[str, bool] = {}
        for spec in sorted({_specificity(s) for s in (*select, *extend, *ignore)}):
            for s in (*select, *extend):
                if _specificity(s) == spec:
                    updates.update((c, True) for c in codes if _matches(c, s))
            for s in ignore:
                if _specificity(s) == spec:
                    updates.update((c, False) for c in codes if _matches(c, s))
        if layer.select is not None:
            enabled = {c for c, on in updates.items() if on}
            if not select and not extend and ignore:
                carried = tuple(layer.ignore)
        else:
            for c, on in updates.items():
                (enabled.add if on else enabled.discard)(c)
    return enabled


def select_rules(checks: Sequence[type[Check]], layers: Sequence[Selection]) -> tuple[list[type[Check]], bool]:
    """The enabled checks, and whether ERR000 (cannot parse) is reported.

    ERR000 is reported unless a layer ignores it by a selector more specific than
    ``ALL`` (``--select ERR004`` still reports files that cannot be read)."""
    codes = known_codes(checks)
    for layer in layers:
        bad = unknown_selector([*(layer.select or ()), *layer.extend_select, *layer.ignore], codes)
        if bad is not None:
            raise SelectionError(unknown_selector_message(bad, codes))
    enabled = resolve(codes, layers)
    report_parse_errors = not any(
        _matches(PARSE_ERROR, s.upper()) and s.upper() != "ALL" for layer in layers for s in layer.ignore
    )
    return [c for c in checks if c.code in enabled], report_parse_errors


def select_checks(
    checks: Sequence[type[Check]], select: Sequence[str] | None, ignore: Sequence[str]
) -> tuple[list[type[Check]], bool]:
    """One layer: the enabled checks, and whether ERR000 (cannot parse) is reported."""
    return select_rules(checks, [Selection(tuple(select) if select else None, (), tuple(ignore))])
