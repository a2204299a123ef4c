"""Every fixture folder under tests/fixtures/, linted as one run, against its inline expectations.

Each folder ``<CODE>_<name>`` is linted with that one rule.  A fixture line ends with ``# expect: ERR004`` when errlint must report ERR004 on
that line (``# expect: ERR004, ERR004`` for two findings), optionally followed by
a quoted fragment the message must contain: ``# expect: ERR004 "BackendError on line 7"``.
Every other line must stay silent: the test compares the full multiset of
(file, line, code) both ways.

TypeScript and JavaScript fixtures live in ``typescript/<CODE>_<name>`` folders
(``.ts`` ``.tsx`` ``.js`` ...), with ``// expect: ERR004`` comments.
"""
from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

import pytest

from errlint.checks import ALL_CHECKS
from errlint.workspace.config import load_config, project_registry
from errlint.engine import Linter
from errlint.run import lint_files
from errlint.packs import load_registry

FIXTURES = Path(__file__).parent / "fixtures"
EXPECT = re.compile(r'(?:#|//)\s*expect:\s*(?P<codes>ERR\d{3}(?:\s*,\s*ERR\d{3})*)(?:\s+"(?P<msg>[^"]*)")?')

TYPESCRIPT = FIXTURES / "typescript"
TS_SUFFIXES = (".ts", ".mts", ".cts", ".tsx", ".js", ".mjs", ".cjs", ".jsx")
FOLDERS = sorted(p for p in FIXTURES.iterdir() if p.is_dir() and p != TYPESCRIPT)
TS_FOLDERS = sorted(p for p in TYPESCRIPT.iterdir() if p.is_dir())


@pytest.fixture(scope="module")
def registry():
    return load_registry()


def source_files(folder: Path) -> list[Path]:
    if folder.parent == TYPESCRIPT:
        return sorted(p for p in folder.rglob("*") if p.name.endswith(TS_SUFFIXES))
    return sorted(p for p in folder.rglob("*.py") if not p.name.endswith(".fixed.py"))


def expectations(files: list[Path]) -> tuple[Counter, list[tuple[str, int, str, str]]]:
    expected: Counter = Counter()
    fragments = []
    for path in files:
        for lineno, line in enumerate(path.read_text(encoding="utf-8", errors="replace").splitlines(), 1):
            match = EXPECT.search(line)
            if not match:
                continue
            codes = [c.strip() for c in match.group("codes").split(",")]
            for code in codes:
                expected[(str(path), lineno, code)] += 1
            if match.group("msg"):
                fragments.append((str(path), lineno, codes[0], match.group("msg")))
    return expected, fragments


def test_fixture_folders_exist():
    codes = {p.name.split("_")[0] for p in FOLDERS}
    assert "ERR004" in codes


@pytest.mark.parametrize("folder", FOLDERS + TS_FOLDERS, ids=[str(p.relative_to(FIXTURES)) for p in FOLDERS + TS_FOLDERS])
def test_fixture(folder: Path, registry) -> None:
    files = source_files(folder)
    assert files, f"{folder} has no source files"
    expected, fragments = expectations(files)
    code = folder.name.split("_")[0]
    checks = [c for c in ALL_CHECKS if c.code == code]
    assert checks, f"{folder.name}: no check has code {code}"
    config = load_config(folder / "pyproject.toml") if (folder / "pyproject.toml").exists() else None
    src = config.src_roots if config is not None else ()  # a folder may hold a project with src roots
    if config is not None and config.extend_packs:  # ... or packs of its own (an SDK the bundled packs lack)
        registry = project_registry(config)
    results = lint_files(Linter(registry, checks, src=src), [(str(p), p.read_bytes()) for p in files])
    diagnostics = [d for r in results for d in r.diagnostics]
    actual = Counter((d.path, d.line, d.code) for d in diagnostics)
    missing = expected - actual
    unexpected = actual - expected
    details = "\n".join(d.format() for d in sorted(diagnostics))
    assert not missing and not unexpected, (
        f"missing: {sorted(missing)}\nunexpected: {sorted(unexpected)}\nall findings:\n{details}"
    )
    for path, line, code, fragment in fragments:
        messages = [d.message for d in diagnostics if (d.path, d.line, d.code) == (path, line, code)]
        assert any(fragment in m for m in messages), f"{path}:{line}: no {code} message contains {fragment!r}: {messages}"
    # each folder must prove something both ways: findings and silent code
    assert expected, f"{folder.name} expects no finding"
