"""Fuzzing the engine with hypothesmith-generated programs.

For every generated program: no exception escapes the engine (ERR999 would
count as one), every fix result re-parses, and fixing is idempotent. The
programs are salted with SDK imports and try/except shapes so the SDK rules
have something to chew on. Deterministic in CI (derandomised, a fixed number
of examples); set ERRLINT_FUZZ_EXAMPLES to run more.
"""
from __future__ import annotations

import os

import libcst as cst
import pytest

hypothesis = pytest.importorskip("hypothesis")
hypothesmith = pytest.importorskip("hypothesmith")

from hypothesis import HealthCheck, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

from errlint.engine import Linter  # noqa: E402
from errlint.packs import load_registry  # noqa: E402

# hypothesmith compiles what it generates; the warnings of that code are its own
pytestmark = [pytest.mark.filterwarnings("ignore::SyntaxWarning"), pytest.mark.filterwarnings("ignore::DeprecationWarning")]

REGISTRY = load_registry()
LINTER = Linter(REGISTRY)
WHOLE = Linter(REGISTRY)  # LibCST on the whole file, not only the code that can hold a finding
WHOLE.partial = False
EXAMPLES = int(os.environ.get("ERRLINT_FUZZ_EXAMPLES", "200"))

PRELUDE = (
    "import time\nfrom alter_sdk import App, BackendError, NetworkError, GrantExpiredError\n"
    "from shark_auth import VaultClient, VaultError\n"
)
SHAPES = [
    "",
    "def _r(vault: App):\n    for attempt in range(3):\n        try:\n            return vault.request('GET', 'u')\n"
    "        except (NetworkError, GrantExpiredError):\n            time.sleep(1)\n",
    "try:\n    pass\nexcept Exception:\n    pass\nexcept (ValueError, KeyError, LookupError):\n    pass\n",
    "def _s(vault: App):\n    try:\n        return vault.request('GET', 'u')\n    except BackendError:\n        return None\n",
]


def _findings(result) -> list:
    return [(d.format(), d.end_line, d.end_column, d.fix and (d.fix.applicability, d.fix.edits)) for d in result.diagnostics]


def _check(source: bytes) -> None:
    result = LINTER.lint_source("fuzz.py", source)
    assert not result.error, [d.message for d in result.diagnostics if d.code == "ERR999"]
    whole = WHOLE.lint_source("fuzz.py", source)
    if not any(d.code == "ERR000" for d in whole.diagnostics):  # (LibCST may read in part what it rejects whole)
        assert _findings(result) == _findings(whole)
    fixed, _, final = LINTER.fix_source("fuzz.py", source, unsafe=True)
    assert not final.error, [d.message for d in final.diagnostics if d.code == "ERR999"]
    if fixed != source:
        cst.parse_module(fixed)
        again, applied, _ = LINTER.fix_source("fuzz.py", fixed, unsafe=True)
        assert again == fixed and not applied


@settings(
    max_examples=EXAMPLES,
    derandomize=True,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much, HealthCheck.data_too_large],
)
@given(program=hypothesmith.from_grammar(), shape=st.sampled_from(SHAPES))
def test_generated_programs(program: str, shape: str) -> None:
    source = PRELUDE + shape + program
    if not source.endswith("\n"):
        source += "\n"
    _check(source.encode("utf-8", "surrogatepass"))


@settings(max_examples=max(EXAMPLES // 4, 25), derandomize=True, deadline=None, database=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])
@given(program=hypothesmith.from_node())
def test_generated_syntax_trees(program: str) -> None:
    _check((PRELUDE + program).encode("utf-8", "surrogatepass"))


@settings(max_examples=EXAMPLES, derandomize=True, deadline=None, database=None)
@given(data=st.binary(max_size=300))
def test_arbitrary_bytes_never_crash(data: bytes) -> None:
    result = LINTER.lint_source("fuzz.py", data)
    assert not result.error
