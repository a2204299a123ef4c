"""The rule documentation: ``errlint rule CODE``, ``errlint rules``, SARIF rule metadata and the README's rule table."""
from __future__ import annotations

from ..checks import ALL_CHECKS
from .args import EXIT_CLEAN, _error
from ..workspace.config import find_config, load_config, project_registry
from ..diagnostics import INTERNAL_ERROR, PARSE_ERROR
from ..output import INFO_URI

META_RULES = (
    (PARSE_ERROR, "parse-error", "The file cannot be read, decoded or parsed; the run goes on with the other files."),
    (INTERNAL_ERROR, "internal-error", "A check failed on this file (a bug in errlint); the exit code is 2."),
)


# A heading of README.md (## Rules); tests/test_outputs.py checks that the anchor exists.
RULES_URI = f"{INFO_URI}/blob/main/README.md#rules"


def rule_metadata() -> list[dict]:
    """SARIF ``reportingDescriptor`` objects for every rule, from the checks' docstrings."""
    rules = []
    for check in ALL_CHECKS:
        docs = check.docs()
        rules.append(
            {
                "id": check.code,
                "name": check.name,
                "shortDescription": {"text": check.summary},
                "fullDescription": {"text": check.short_docs()},
                "help": {"text": docs, "markdown": docs},
                "helpUri": RULES_URI,  # the README's rule table; the rule's own text is in "help"
                "defaultConfiguration": {"level": "error"},
            }
        )
    for code, name, text in META_RULES:
        rules.append(
            {
                "id": code,
                "name": name,
                "shortDescription": {"text": text},
                "fullDescription": {"text": text},
                "help": {"text": text},
                "helpUri": RULES_URI,
                "defaultConfiguration": {"level": "error"},
            }
        )
    return rules


def _rule_command(argv: list[str]) -> int:
    if len(argv) != 1:
        return _error("usage: errlint rule CODE")
    wanted = argv[0].upper()
    for check in ALL_CHECKS:
        if check.code == wanted or check.name == argv[0]:
            print(f"# {check.name} ({check.code})\n")
            print(f"Fix is {'not available' if check.fix_availability == 'none' else check.fix_availability + ' available'}.\n")
            print(check.docs())
            return EXIT_CLEAN
    for code, name, text in META_RULES:
        if code == wanted:
            print(f"# {name} ({code})\n\n{text}")
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


def readme_rule_table() -> str:
    """The README's rule table, generated from the checks (tests/test_docs.py keeps README in sync)."""
    lines = ["| code | name | what it flags | fix |", "| --- | --- | --- | --- |"]
    for check in ALL_CHECKS:
        fix = {"none": "—", "sometimes": "sometimes", "always": "always"}[check.fix_availability]
        lines.append(f"| {check.code} | {check.name} | {check.summary} | {fix} |")
    return "\n".join(lines) + "\n"
