"""Output formats."""
from __future__ import annotations

import json
from collections.abc import Sequence

from ..diagnostics import Diagnostic

FORMATS = ("text", "json")


def render_text(diagnostics: Sequence[Diagnostic]) -> str:
    return "".join(d.format() + "\n" for d in diagnostics)


def render_json(diagnostics: Sequence[Diagnostic]) -> str:
    """ruff's JSON shape, so tooling written for ruff reads errlint's findings."""
    items = [
        {
            "code": d.code,
            "message": d.message,
            "filename": d.path,
            "location": {"row": d.line, "column": d.column},
            "end_location": {"row": d.end_line or d.line, "column": d.end_column or d.column},
            "fix": d.fix,
            "noqa_row": d.line,
            "url": None,
        }
        for d in diagnostics
    ]
    return json.dumps(items, indent=2) + "\n"


def render(fmt: str, diagnostics: Sequence[Diagnostic]) -> str:
    if fmt == "json":
        return render_json(diagnostics)
    return render_text(diagnostics)
