"""README.md stays a front door and the documentation's links hold: README is at most 350 lines,
every relative link in README.md and docs/ reaches a file (and a heading, for an anchor), and the
README's table of SDKs, languages and rules says what the packs and `errlint rules` say."""
from __future__ import annotations

import re
import sys
from pathlib import Path

import pytest

from cli_support import run

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

ROOT = Path(__file__).resolve().parent.parent
README = ROOT / "README.md"
PAGES = [README, *sorted((ROOT / "docs").rglob("*.md"))]
LINK = re.compile(r"\[[^\]]*\]\(([^)\s]+)\)")


def _prose(text: str) -> str:
    """The text without fenced code blocks and inline code spans (links there are not links)."""
    out, fenced = [], False
    for line in text.splitlines():
        if line.lstrip().startswith("```"):
            fenced = not fenced
            continue
        if not fenced:
            out.append(re.sub(r"``.+?``|`[^`]*`", "code", line))
    return "\n".join(out)


def _anchors(page: Path) -> set[str]:
    """GitHub's anchors for the headings of a Markdown page."""
    seen: dict[str, int] = {}
    anchors = set()
    fenced = False
    for line in page.read_text(encoding="utf-8").splitlines():
        if line.startswith("```"):
            fenced = not fenced
        if fenced or not re.match(r"#{1,6} ", line):
            continue
        slug = re.sub(r"[^\w\- ]", "", line.lstrip("#").strip().lower()).replace(" ", "-")
        n = seen.get(slug, 0)
        seen[slug] = n + 1
        anchors.add(slug if n == 0 else f"{slug}-{n}")
    return anchors


def test_readme_is_at_most_350_lines():
    lines = README.read_text(encoding="utf-8").count("\n")
    assert lines <= 350, f"README.md has {lines} lines: move detail into docs/"


@pytest.mark.parametrize("page", PAGES, ids=lambda p: str(p.relative_to(ROOT)))
def test_every_relative_link_reaches_a_file_and_its_heading(page):
    broken = []
    for target in LINK.findall(_prose(page.read_text(encoding="utf-8"))):
        if re.match(r"[a-z]+:", target):
            continue  # https:, mailto:
        path, _, anchor = target.partition("#")
        found = (page.parent / path).resolve() if path else page
        if not found.exists():
            broken.append(f"{target}: no such file")
        elif anchor and found.suffix == ".md" and anchor not in _anchors(found):
            broken.append(f"{target}: no heading #{anchor} in {found.relative_to(ROOT)}")
    assert broken == [], f"{page.relative_to(ROOT)}: {broken}"


def test_docs_index_lists_every_page():
    index = (ROOT / "docs" / "README.md").read_text(encoding="utf-8")
    pages = [p.name for p in (ROOT / "docs").glob("*.md") if p.name != "README.md"]
    assert [p for p in pages if f"]({p})" not in index] == []
    assert "](rules/)" in index


def _codes(cell: str) -> set[str]:
    """ERR001, ERR004–ERR008 -> every code it names."""
    codes = set()
    for first, last in re.findall(r"ERR(\d{3})(?:–ERR(\d{3}))?", cell):
        codes.update(f"ERR{n:03d}" for n in range(int(first), int(last or first) + 1))
    return codes


def test_readme_coverage_table_is_what_the_packs_say(capsys, monkeypatch):
    """One row per bundled pack (your own SDK aside); Python says "yes" for the packs with modules (or
    with neither modules nor npm packages), TypeScript for the packs with an npm side (or JavaScript's
    built-ins); the rules are those `errlint rules` lists for the pack."""
    readme = README.read_text(encoding="utf-8")
    section = readme[readme.index("\n## What it covers\n"):]
    section = section[:section.index("\n## ", 1)]
    rows = [line.split(" | ") for line in section.splitlines() if line.startswith("| ") and "](rules/" in line]
    monkeypatch.chdir(ROOT)
    code, out, _ = run(capsys, "rules")
    assert code == 0
    reads: dict[str, set[str]] = {}
    for line in out.splitlines()[1:]:
        rule, packs = line.split()[0], line.split(None, 3)[3]
        for pack in packs.split(", "):
            reads.setdefault(pack.strip(), set()).add(rule)
    listed = []
    for sdk, pack_cell, python, typescript, rules in rows:
        for name in re.findall(r"\]\(rules/(\w+)\.toml\)", pack_cell):
            listed.append(name)
            data = tomllib.loads((ROOT / "rules" / f"{name}.toml").read_text(encoding="utf-8"))["sdk"]
            # a pack covers Python unless it is JavaScript's built-ins or has npm packages and no modules
            assert python.startswith("yes") == ("javascript" not in data and ("modules" in data or "npm" not in data)), sdk
            assert typescript.startswith("yes") == ("npm" in data or "javascript" in data), sdk
            if "yes" not in typescript:
                assert typescript in ("not yet", "—"), sdk
            if not python.startswith("yes"):
                assert python == "—", sdk
            expected = reads.get(name, {"ERR004"} if "javascript" in data else set())
            assert _codes(rules.split(";")[0]) == expected, sdk
    assert sorted(listed) == sorted(p.stem for p in (ROOT / "rules").glob("*.toml"))
