"""Regenerate the rule table in README.md from the checks' own metadata.

    python scripts/gen_readme_rules.py          # rewrite README.md
    python scripts/gen_readme_rules.py --check  # exit 1 if README.md is stale
"""
from __future__ import annotations

import sys
from pathlib import Path

from errlint.output.rules import readme_rule_table

README = Path(__file__).resolve().parent.parent / "README.md"
START, END = "<!-- rules:start -->\n", "<!-- rules:end -->"


def main(argv: list[str]) -> int:
    text = README.read_text(encoding="utf-8")
    head, _, rest = text.partition(START)
    _, _, tail = rest.partition(END)
    new = head + START + readme_rule_table() + END + tail
    if "--check" in argv:
        return 0 if new == text else 1
    README.write_text(new, encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
