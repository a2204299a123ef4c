"""A pack without a module (Altus 4) applies only where the code is about its API.

Evidence: a string in the code naming one of the pack's ``[scope] hosts``, or one
of its ``[scope] classes`` defined, imported or used; or ``enable-packs`` in
``[tool.errlint]``. The engine's pre-filter for those packs must never hide a
finding the evidence would allow.
"""
from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from cli_support import run
from errlint.python.scope import evidence_pattern, evidence_test, has_evidence
from errlint.engine import Linter
from errlint.packs import PackError, load_pack, load_registry

FIXTURES = Path(__file__).parent / "fixtures"
REQUESTS_ONLY = "import requests\n\nRETRY_STATUSES = {401, 500}\n"
ALTUS4 = load_registry().pack_named("altus4")

EVIDENCE = {
    "base URL": 'BASE_URL = "https://api.altus4.dev"\n',
    "bare host in an f-string": 'url = f"https://altus4.dev/{path}"\n',
    "host split over an implicit concatenation": 'URL = ("https://api."\n       "altus4.dev/v1")\n',
    "client class defined": "class Altus4Client:\n    pass\n",
    "client class imported": "from myapp.clients import Altus4Client as Client\n",
    "error class caught": "try:\n    pass\nexcept Altus4Error:\n    pass\n",
    "client class as an attribute": "import myapp\nc = myapp.Altus4Client()\n",
    "host in capitals": 'BASE_URL = "https://API.ALTUS4.DEV/v1"\n',
}
NO_EVIDENCE = {
    "nothing": "",
    "a comment": "# see https://api.altus4.dev and Altus4Client\n",
    "a docstring": '"""Unlike the Altus4Client, which calls https://api.altus4.dev."""\n',
    "another host that starts like it": 'URL = "https://altus4.dev.mirror.example.com"\n',
    "another host that ends like it": 'URL = "https://notaltus4.dev"\n',
    "a longer class name": "class Altus4ClientFactory:\n    pass\n",
}


@pytest.mark.parametrize("name", EVIDENCE)
def test_evidence(name):
    source = EVIDENCE[name].encode()
    assert has_evidence(ALTUS4, source)
    assert any(p.search(source) for p in evidence_pattern(ALTUS4))  # the pre-filter sees it too
    assert evidence_test(ALTUS4)(source)  # as the engine asks it: plain searches first


@pytest.mark.parametrize("name", NO_EVIDENCE)
def test_the_evidence_test_is_its_patterns(name):
    source = NO_EVIDENCE[name].encode()
    assert evidence_test(ALTUS4)(source) == any(p.search(source) for p in evidence_pattern(ALTUS4))


@pytest.mark.parametrize("name", NO_EVIDENCE)
def test_no_evidence(name):
    assert not has_evidence(ALTUS4, NO_EVIDENCE[name].encode())


@pytest.mark.parametrize("name", EVIDENCE)
def test_statuses_reported_with_evidence(name):
    source = (EVIDENCE[name] + REQUESTS_ONLY).encode()
    result = Linter(load_registry()).lint_source("a.py", source)
    assert [d.code for d in result.diagnostics] == ["ERR002"], result.diagnostics
    assert "RETRY_STATUSES holds 401, a status altus4 documents as never retryable" in result.diagnostics[0].message


def test_unrelated_file_is_silent_and_not_parsed():
    result = Linter(load_registry()).lint_source("a.py", REQUESTS_ONLY.encode())
    assert result.diagnostics == [] and result.skipped  # cheap: LibCST never saw it


def test_the_prefilter_never_hides_a_finding():
    """Every fixture, and every evidence case, gives the same findings with the pre-filter off
    (for the rules whose triggers hold the values of packs without a module)."""
    from errlint.checks import ALL_CHECKS
    from errlint.checks.base import PackValues

    checks = [c for c in ALL_CHECKS if any(isinstance(t, PackValues) for t in c.triggers)]
    assert {c.code for c in checks} == {"ERR002", "ERR007"}

    class Unfiltered(Linter):
        def _triggered(self, check, source):
            return True

    registry = load_registry()
    sources = {str(p): p.read_bytes() for p in sorted(FIXTURES.rglob("*.py")) if not p.name.endswith(".fixed.py")}
    for name, text in {**EVIDENCE, **NO_EVIDENCE}.items():
        sources[name] = (text + REQUESTS_ONLY + "RETRYABLE_CODES = ['VALIDATION_ERROR']\n").encode()
    filtered, unfiltered = Linter(registry, checks), Unfiltered(registry, checks)
    compared = 0
    for path, source in sources.items():
        want = [d.format() for d in unfiltered.lint_source(path, source).diagnostics]
        got = [d.format() for d in filtered.lint_source(path, source).diagnostics]
        assert got == want, path
        compared += bool(want)
    assert compared > 20


def test_enable_packs_applies_the_pack_everywhere(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "a.py").write_text(REQUESTS_ONLY)
    assert run(capsys, "--no-cache", "-q", "a.py") == (0, "", "")
    (tmp_path / "pyproject.toml").write_text('[tool.errlint]\nenable-packs = ["altus4"]\n')
    code, out, _ = run(capsys, "--no-cache", "-q", "a.py")
    assert code == 1
    assert out == "a.py:3:19: ERR002 RETRY_STATUSES holds 401, a status altus4 documents as never retryable: Missing or invalid API key.\n"


@pytest.mark.parametrize(
    "body, message",
    [
        ('enable-packs = ["altus5"]\n', "pyproject.toml: [tool.errlint] enable-packs: unknown pack 'altus5'"),
        ('enable-packs = ["alter_sdk"]\n', "pyproject.toml: [tool.errlint] enable-packs: 'alter_sdk' has modules"),
    ],
)
def test_enable_packs_errors_name_file_and_key(tmp_path, monkeypatch, capsys, body, message):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "a.py").write_text(REQUESTS_ONLY)
    (tmp_path / "pyproject.toml").write_text("[tool.errlint]\n" + body)
    code, out, err = run(capsys, "a.py")
    assert code == 2 and out == "" and message in err and err.count("\n") == 1, err


def _pack(tmp_path, body: str, name: str = "p.toml") -> Path:
    path = tmp_path / name
    path.write_text(textwrap.dedent(body))
    return path


@pytest.mark.parametrize(
    "body, message",
    [
        ('[sdk]\nname = "x"\nmodules = ["x"]\n[scope]\nhosts = ["x.example.com"]\n', "p.toml: scope: only for a pack without modules"),
        ('[sdk]\nname = "x"\n[scope]\nhosts = ["https://x.example.com"]\n', "p.toml: scope.hosts: 'https://x.example.com' is not a host name"),
        ('[sdk]\nname = "x"\n[scope]\nclasses = ["x.Client"]\n', "p.toml: scope.classes: 'x.Client' is not a valid name"),
        ('[sdk]\nname = "x"\n[scope]\nhost = ["x.example.com"]\n', "p.toml: scope.host: unknown key"),
    ],
)
def test_scope_is_validated(tmp_path, body, message):
    with pytest.raises(PackError) as info:
        load_pack(_pack(tmp_path, body))
    assert message in str(info.value)


def test_a_users_pack_without_module_is_scoped_by_its_host(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    _pack(tmp_path, '[sdk]\nname = "widgets"\n[scope]\nhosts = ["api.widgets.example"]\n[statuses.409]\nretry = "never"\naction = "Conflict."\n')
    (tmp_path / "pyproject.toml").write_text('[tool.errlint]\nextend-packs = ["p.toml"]\n')
    (tmp_path / "other.py").write_text("RETRYABLE_STATUSES = [409, 503]\n")
    (tmp_path / "widgets.py").write_text('API = "https://api.widgets.example/v2"\nRETRYABLE_STATUSES = [409, 503]\n')
    code, out, _ = run(capsys, "--no-cache", "-q", ".")
    assert code == 1
    assert out == "widgets.py:2:23: ERR002 RETRYABLE_STATUSES holds 409, a status widgets documents as never retryable: Conflict.\n"


def test_duplicate_pack_names_name_both_files(tmp_path, monkeypatch, capsys):
    """Two packs of the project with one name: an error naming both. (A project pack named as a
    bundled one replaces it instead: tests/test_pack_dependencies.py.)"""
    monkeypatch.chdir(tmp_path)
    _pack(tmp_path, '[sdk]\nname = "widgets"\n', "mine.toml")
    _pack(tmp_path, '[sdk]\nname = "widgets"\n', "also.toml")
    (tmp_path / "pyproject.toml").write_text('[tool.errlint]\nextend-packs = ["mine.toml", "also.toml"]\n')
    (tmp_path / "a.py").write_text("x = 1\n")
    code, out, err = run(capsys, "a.py")
    assert code == 2 and out == "" and err.count("\n") == 1
    assert "also.toml: sdk.name: 'widgets' is already the name of" in err and "mine.toml" in err


NEWER_SYNTAX = "def first[T](items: list[T]) -> T:\n    return items[0]\n\n"  # PEP 695: CPython 3.11 cannot read it


@pytest.mark.parametrize(
    "evidence, reported",
    [
        ('BASE_URL = "https://api.altus4.dev"\n', True),
        ('BASE_URL = ("https://api."\n            "altus4.dev")\n', True),
        ("from app.clients import Altus4Client\n", True),
        ("# https://api.altus4.dev, Altus4Client\n", False),
        ('"""Not Altus4Client, not https://api.altus4.dev."""\n', False),
    ],
)
def test_evidence_in_code_only_libcst_reads(evidence, reported):
    source = (evidence + NEWER_SYNTAX + REQUESTS_ONLY).encode()
    result = Linter(load_registry()).lint_source("a.py", source)
    assert [d.code for d in result.diagnostics] == (["ERR002"] if reported else [])
