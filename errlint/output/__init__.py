"""Output formats: text, json (ruff's fields), sarif (2.1.0), github (workflow commands)."""
from __future__ import annotations

import json
from collections import Counter
from collections.abc import Collection, Sequence
from functools import lru_cache
from pathlib import Path

from .. import __version__
from ..diagnostics import Diagnostic

FORMATS = ("text", "json", "sarif", "github")
RULE_PAGES = "docs/rules"  # one page per rule code, generated from the checks' docs (scripts/gen_rule_docs.py)


@lru_cache(maxsize=1)
def project_url() -> str | None:
    """The project's URL as pyproject.toml declares it ([project.urls]: Repository, Source or Homepage), if it does."""
    try:
        from importlib.metadata import PackageNotFoundError, metadata

        declared = metadata("errlint").get_all("Project-URL") or []
    except (PackageNotFoundError, OSError, ValueError):
        return None
    urls = {}
    for entry in declared:
        label, _, url = entry.partition(",")
        urls[label.strip().lower()] = url.strip()
    for label in ("repository", "source", "homepage"):
        if urls.get(label):
            return urls[label].rstrip("/")
    return None


def rule_url(code: str) -> str:
    """Where a rule's page is: in the declared repository, else its path in the repository (docs/rules/ERRnnn.md)."""
    base = project_url()
    page = f"{RULE_PAGES}/{code}.md"
    return f"{base}/blob/main/{page}" if base else page


def render_text(diagnostics: Sequence[Diagnostic], fixable: Collection[int] = ()) -> str:
    """One line per finding, ``[*]`` after the code of each finding whose fix ``--fix``
    would apply (ruff's mark); ``fixable`` holds the ``id()`` of those findings."""
    return "".join(
        f"{d.path}:{d.line}:{d.column}: {d.code} [*] {d.message}\n" if id(d) in fixable else d.format() + "\n"
        for d in diagnostics
    )


def count(n: int, noun: str, plural: str = "s") -> str:
    return f"{n} {noun}{'' if n == 1 else plural}"


def fixable_summary(applicable: int, hidden: int, hint: bool) -> str:
    """ruff's closing line on fixes: how many findings ``--fix`` would fix and, when the
    user has not chosen either way (``hint``), how many only ``--unsafe-fixes`` would."""
    if hint and hidden:
        hidden_text = f"{count(hidden, 'hidden fix', 'es')} can be enabled with the `--unsafe-fixes` option"
        if applicable:
            return f"[*] {applicable} fixable with the `--fix` option ({hidden_text}).\n"
        return f"No fixes available ({hidden_text}).\n"
    if applicable:
        return f"[*] {applicable} fixable with the `--fix` option.\n"
    return ""


def render_json(diagnostics: Sequence[Diagnostic]) -> str:
    """ruff's JSON shape, so tooling written for ruff reads errlint's findings."""
    items = [
        {
            "code": d.code,
            "message": d.message,
            "filename": d.path,
            "location": {"row": d.line, "column": d.column},
            "end_location": {"row": d.end_line or d.line, "column": d.end_column or d.column},
            "fix": d.fix if isinstance(d.fix, (dict, type(None))) else getattr(d.fix, "as_json", lambda: None)(),
            "noqa_row": d.line,
            "url": rule_url(d.code),
        }
        for d in diagnostics
    ]
    return json.dumps(items, indent=2) + "\n"


def _escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _escape_property(text: str) -> str:
    return _escape_data(text).replace(":", "%3A").replace(",", "%2C")


def render_github(diagnostics: Sequence[Diagnostic]) -> str:
    """GitHub Actions workflow commands: each finding becomes an annotation on the pull request."""
    lines = []
    for d in diagnostics:
        props = [
            f"file={_escape_property(d.path)}",
            f"line={d.line}",
            f"col={d.column}",
            f"endLine={d.end_line or d.line}",
            f"endColumn={d.end_column or d.column}",
            f"title={_escape_property(d.code)}",
        ]
        lines.append(f"::error {','.join(props)}::{_escape_data(d.code + ' ' + d.message)}\n")
    return "".join(lines)


def _uri(path: str, root: Path) -> str:
    p = Path(path)
    if p.is_absolute():
        try:
            p = p.relative_to(root)
        except ValueError:
            return p.as_uri()
    return p.as_posix()


def render_sarif(diagnostics: Sequence[Diagnostic], rules: Sequence[dict] = (), root: Path | None = None) -> str:
    """SARIF 2.1.0 as GitHub code scanning reads it: one run, the rules, one result per finding."""
    root = root or Path.cwd()
    rule_index = {r["id"]: i for i, r in enumerate(rules)}
    results = []
    for d in diagnostics:
        result = {
            "ruleId": d.code,
            "level": "error",
            "message": {"text": d.message},
            "locations": [
                {
                    "physicalLocation": {
                        "artifactLocation": {"uri": _uri(d.path, root), "uriBaseId": "%SRCROOT%"},
                        "region": {
                            "startLine": d.line,
                            "startColumn": d.column,
                            "endLine": d.end_line or d.line,
                            "endColumn": d.end_column or d.column,
                        },
                    }
                }
            ],
        }
        if d.code in rule_index:
            result["ruleIndex"] = rule_index[d.code]
        results.append(result)
    doc = {
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [
            {
                "tool": {
                    "driver": {
                        "name": "errlint",
                        "version": __version__,
                        **({"informationUri": project_url()} if project_url() else {}),
                        "rules": list(rules),
                    }
                },
                "results": results,
            }
        ],
    }
    return json.dumps(doc, indent=2) + "\n"


def render_statistics(diagnostics: Sequence[Diagnostic], names: dict[str, str], fixable: set[str]) -> str:
    """One line per code, most frequent first, as ``ruff --statistics`` prints it."""
    counts = Counter(d.code for d in diagnostics)
    if not counts:
        return ""
    width = max(len(str(n)) for n in counts.values())
    code_width = max(len(c) for c in counts)
    out = []
    for code, n in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])):
        mark = "[*]" if code in fixable else "[ ]"
        out.append(f"{n:>{width}}\t{code:<{code_width}}\t{mark} {names.get(code, '')}\n")
    return "".join(out)


def render_statistics_json(diagnostics: Sequence[Diagnostic], names: dict[str, str], fixable: set[str]) -> str:
    """``--statistics --output-format json``: ruff's shape, a list of
    ``{"code", "name", "count", "fixable"}``, most frequent first."""
    counts = Counter(d.code for d in diagnostics)
    rows = [
        {"code": code, "name": names.get(code, ""), "count": n, "fixable": code in fixable}
        for code, n in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))
    ]
    return json.dumps(rows, indent=2) + "\n"


def printable(text: str) -> str:
    """``text`` with what UTF-8 cannot encode escaped: a file name that is not UTF-8 (``caf\\xe9.py``,
    read by Python as ``caf\\udce9.py``) prints as ``caf\\xe9.py`` on any stdout, in any file."""
    try:
        return text.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")
    except UnicodeEncodeError:  # a surrogate no byte decodes to: escape it as Python writes it
        return text.encode("utf-8", "backslashreplace").decode("utf-8")


def render(fmt: str, diagnostics: Sequence[Diagnostic], rules: Sequence[dict] = (), fixable: Collection[int] = ()) -> str:
    if fmt == "json":
        return render_json(diagnostics)
    if fmt == "sarif":
        return render_sarif(diagnostics, rules)
    if fmt == "github":
        return render_github(diagnostics)
    return render_text(diagnostics, fixable)
