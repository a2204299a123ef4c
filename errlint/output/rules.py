"""The rules' documentation, one text for every reader: ``errlint rule CODE``, the pages under
docs/rules/ (scripts/gen_rule_docs.py), SARIF's rule metadata, the README's rule table."""
from __future__ import annotations

from ..checks import ALL_CHECKS
from ..diagnostics import INTERNAL_ERROR, PARSE_ERROR
from . import rule_url

META_RULES = (
    (PARSE_ERROR, "parse-error", "The file cannot be read, decoded or parsed; the run goes on with the other files."),
    (INTERNAL_ERROR, "internal-error", "A check failed on this file (a bug in errlint); the exit code is 2."),
)


def rule_codes() -> list[str]:
    return [c.code for c in ALL_CHECKS] + [code for code, _, _ in META_RULES]


def find_rule(wanted: str):
    """The check whose code or name is ``wanted`` (a code in any case), else None."""
    for check in ALL_CHECKS:
        if check.code == wanted.upper() or check.name == wanted:
            return check
    return None


def rule_page(wanted: str) -> str | None:
    """A rule's documentation as Markdown (``errlint rule`` prints it; docs/rules/CODE.md holds it)."""
    check = find_rule(wanted)
    if check is not None:
        fix = "not available" if check.fix_availability == "none" else check.fix_availability + " available"
        return f"# {check.name} ({check.code})\n\nFix is {fix}.\n\n{check.docs()}\n"
    for code, name, text in META_RULES:
        if code == wanted.upper():
            return f"# {name} ({code})\n\n{text}\n"
    return None


def rule_summary(wanted: str) -> str | None:
    """One line: ``ERR004 shadowed-except: <summary>`` (hover, `errlint rules`)."""
    check = find_rule(wanted)
    if check is not None:
        return f"{check.code} {check.name}: {check.summary}"
    for code, name, text in META_RULES:
        if code == wanted.upper():
            return f"{code} {name}: {text}"
    return None


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
                "helpUri": rule_url(check.code),  # the rule's page (its text is in "help" too)
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
                "helpUri": rule_url(code),
                "defaultConfiguration": {"level": "error"},
            }
        )
    return rules


def readme_rule_table() -> str:
    """The README's rule table, generated from the checks (a test keeps README in sync)."""
    lines = ["| code | name | what it flags | fix |", "| --- | --- | --- | --- |"]
    for check in ALL_CHECKS:
        fix = {"none": "—", "sometimes": "sometimes", "always": "always"}[check.fix_availability]
        lines.append(f"| [{check.code}]({rule_url(check.code)}) | {check.name} | {check.summary} | {fix} |")
    return "\n".join(lines) + "\n"
