"""Findings, as every front end sees them."""
from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True, order=True)
class Diagnostic:
    path: str
    line: int  # 1-based
    column: int  # 1-based, as flake8 and ruff print it
    code: str
    message: str = field(compare=False)
    end_line: int = field(default=0, compare=False)
    end_column: int = field(default=0, compare=False)
    rule: str = field(default="", compare=False)  # the rule's name, e.g. "shadowed-except"
    fix: object | None = field(default=None, compare=False)

    def format(self) -> str:
        return f"{self.path}:{self.line}:{self.column}: {self.code} {self.message}"


# Codes that are not rules: they report on the input itself.
PARSE_ERROR = "ERR000"
INTERNAL_ERROR = "ERR999"

