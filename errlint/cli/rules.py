"""``errlint rule CODE`` (a rule's page) and ``errlint rules`` (the rules and the packs each reads);
the texts are :mod:`errlint.output.rules`'."""
from __future__ import annotations

import sys

from ..checks import ALL_CHECKS
from .args import EXIT_CLEAN, _error
from ..workspace.config import find_config, load_config, project_registry
from ..output.rules import rule_page

def _rule_command(argv: list[str]) -> int:
    if len(argv) != 1:
        return _error("usage: errlint rule CODE")
    page = rule_page(argv[0])
    if page is not None:
        sys.stdout.write(page)
        return EXIT_CLEAN
    return _error(f"unknown rule {argv[0]!r} (known: {', '.join(c.code for c in ALL_CHECKS)})")


def _rules_command(argv: list[str]) -> int:
    """The rules and the packs they read, for the project of the current directory
    (its ``[tool.errlint]`` extend-packs, disable-packs and enable-packs), or of ``--config PATH``."""
    if argv and argv[0] == "--config" and len(argv) == 2:
        config = load_config(argv[1])
    elif argv and argv[0].startswith("--config=") and len(argv) == 1:
        config = load_config(argv[0].partition("=")[2])
    elif not argv:
        config = find_config(".")
    else:
        return _error("usage: errlint rules [--config PATH] (to lint a path named 'rules': errlint check rules)")
    registry = project_registry(config)
    rows = [("code", "name", "fix", "packs")]
    for check in ALL_CHECKS:
        rows.append((check.code, check.name, check.fix_availability, ", ".join(check.packs_involved(registry)) or "-"))
    widths = [max(len(r[i]) for r in rows) for i in range(3)]
    for row in rows:
        print("  ".join(col.ljust(widths[i]) for i, col in enumerate(row[:3])) + "  " + row[3])
    return EXIT_CLEAN
