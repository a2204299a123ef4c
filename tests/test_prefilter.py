"""The text pre-filter must never hide a file a check could report on.

``several_handlers_possible`` (ERR004's trigger) is compared with the truth
LibCST gives — a ``try`` with two or more handlers, or one handler naming a
tuple — on hand-written edge cases, on every fixture, and on generated
programs. It may say yes when the truth is no (the file is parsed for
nothing), never the reverse.
"""
from __future__ import annotations

from pathlib import Path

import libcst as cst
import pytest

from errlint.python.prefilter import python_tree, several_handlers_possible
from errlint.python.parse import lenient_try
from errlint.engine import Linter
from errlint.packs import load_registry

FIXTURES = Path(__file__).parent / "fixtures"


def truth(source: bytes) -> bool:
    """What ERR004 records, read from LibCST's tree."""
    found = False

    class Finder(cst.CSTVisitor):
        def _try(self, node) -> None:
            nonlocal found
            handlers = node.handlers
            if len(handlers) >= 2 or (handlers and isinstance(handlers[0].type, cst.Tuple)):
                found = True

        visit_Try = visit_TryStar = _try

    with lenient_try():  # as errlint reads it: a bare except: before other handlers too
        cst.parse_module(source).visit(Finder())
    return found


SEVERAL = {
    "two handlers": "try:\n    pass\nexcept A:\n    pass\nexcept B:\n    pass\n",
    "a tuple": "try:\n    pass\nexcept (A, B):\n    pass\n",
    "a tuple over lines": "try:\n    pass\nexcept (\n    A,\n    B,\n):\n    pass\n",
    "backslash before the tuple": "try:\n    pass\nexcept \\\n        (A, B):\n    pass\n",
    "bare except after one": "try:\n    pass\nexcept A:\n    pass\nexcept:\n    pass\n",
    "except star": "try:\n    pass\nexcept* A:\n    pass\nexcept* B:\n    pass\n",
    "tabs and spaces at one level": "if x:\n\ttry:\n\t\tpass\n\texcept A:\n\t\tpass\n\texcept B:\n\t\tpass\n",
    "in a method": "class C:\n    def f(self):\n        try:\n            pass\n        except A:\n            pass\n        except B:\n            pass\n",
    "in a handler body": "try:\n    pass\nexcept A:\n    try:\n        pass\n    except B:\n        pass\n    except C:\n        pass\n",
    "in else and finally": "try:\n    pass\nexcept A:\n    pass\nelse:\n    try:\n        pass\n    except B:\n        pass\n    except C:\n        pass\n",
    "in a match case": "match x:\n    case 1:\n        try:\n            pass\n        except A:\n            pass\n        except B:\n            pass\n",
    "in a with block": "with x:\n    try:\n        pass\n    except A:\n        pass\n    except B:\n        pass\n",
    "a string line at column 0 between": 'try:\n    pass\nexcept A:\n    x = """\ntext\n"""\nexcept B:\n    pass\n',
    "a bracket line at column 0 between": "try:\n    pass\nexcept A:\n    x = f(\n1)\nexcept B:\n    pass\n",
    "one-line handlers": "try: pass\nexcept A: pass\nexcept B: pass\n",
    "a try line in a string between": 'try:\n    pass\nexcept A:\n    x = """\ntry:\n    y\n"""\nexcept B:\n    pass\n',
    "a try line in a continued string between": "try:\n    pass\nexcept A:\n    x = 'a\\\ntry: b'\nexcept B:\n    pass\n",
    "old Mac line breaks": "try:\r    pass\rexcept A:\r    pass\rexcept B:\r    pass\r",
    "windows line breaks": "try:\r\n    pass\r\nexcept (A, B):\r\n    pass\r\n",
}
SINGLE = {
    "no handler": "x = 1\n",
    "the word in prose": '"""\n    except when it rains\n"""\n',
    "one handler": "try:\n    pass\nexcept A:\n    pass\n",
    "one handler each, different levels": "try:\n    pass\nexcept A:\n    try:\n        pass\n    except B:\n        pass\n",
    "sibling functions, one handler each": "def f():\n    try:\n        pass\n    except A:\n        pass\n\ndef g():\n    try:\n        pass\n    except B:\n        pass\n",
    "a parenthesised name": "try:\n    pass\nexcept (A):\n    pass\n",  # LibCST: not a tuple
}


@pytest.mark.parametrize("name", SEVERAL)
def test_possible(name: str) -> None:
    source = SEVERAL[name].encode()
    assert truth(source), name  # the case itself is right
    assert several_handlers_possible(source), name


@pytest.mark.parametrize("name", SINGLE)
def test_truth_is_no(name: str) -> None:
    source = SINGLE[name].encode()
    assert not truth(source), name
    if name != "a parenthesised name":  # an over-estimate there is allowed, and cheap
        assert not several_handlers_possible(source), name


def test_sibling_tries_are_told_apart_by_their_text(monkeypatch) -> None:
    """Two one-handler tries at one column, a try line between their excepts: no AST needed."""
    from errlint.python import prefilter

    def no_tree(source):
        raise AssertionError("CPython's tree was asked for")

    monkeypatch.setattr(prefilter, "python_tree", no_tree)
    sources = [
        SINGLE["sibling functions, one handler each"],
        'def f():\n    try:\n        pass\n    except A:\n        pass\n    try:\n        """doc"""\n'
        "    except B:\n        pass\n",
    ]
    for source in sources:
        assert not several_handlers_possible(source.encode())


def test_unparseable_counts_as_possible() -> None:
    # CPython rejects it; LibCST is then asked and reports why the file cannot be read
    source = b"try:\n    pass\nexcept A:\n    pass\nexcept B:\n    pass\ndef f(:\n"
    assert python_tree(source) is None
    assert several_handlers_possible(source)
    told_apart = b"try:\n    pass\nexcept A:\n    pass\ntry:\n    pass\nexcept B:\n    pass\ndef f(:\n"
    assert several_handlers_possible(told_apart)  # as the AST said when CPython could not give one


def test_never_hides_a_fixture() -> None:
    checked = 0
    for path in sorted(FIXTURES.rglob("*.py")):
        source = path.read_bytes()
        try:
            expected = truth(source)
        except cst.ParserSyntaxError:
            continue
        if expected:
            assert several_handlers_possible(source), path
        checked += 1
    assert checked > 30


def test_engine_skips_the_parse_but_not_the_finding(tmp_path) -> None:
    linter = Linter(load_registry())
    one = linter.lint_source("one.py", SINGLE["sibling functions, one handler each"].encode())
    assert one.skipped and not one.diagnostics  # LibCST never parsed it
    shadowed = b"try:\n    pass\nexcept Exception:\n    pass\n\nx = f(\n1)\nexcept_ = 1\n"
    assert linter.lint_source("s.py", shadowed).skipped
    two = linter.lint_source("two.py", b"try:\n    pass\nexcept Exception:\n    pass\nexcept ValueError:\n    pass\n")
    assert not two.skipped and [d.code for d in two.diagnostics] == ["ERR004"]


@pytest.mark.filterwarnings("ignore::SyntaxWarning", "ignore::DeprecationWarning")  # hypothesmith's own compile
def test_never_hides_a_generated_program() -> None:
    pytest.importorskip("hypothesmith")
    import hypothesmith
    from hypothesis import HealthCheck, given, settings

    @settings(max_examples=150, derandomize=True, deadline=None, database=None,
              suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])
    @given(program=hypothesmith.from_node())
    def check(program: str) -> None:
        source = program.encode("utf-8", "surrogatepass")
        try:
            expected = truth(source)
        except (cst.ParserSyntaxError, RecursionError):
            return
        if expected:
            assert several_handlers_possible(source), program

    check()


def _random_program(rng) -> str:
    """Try statements at random depths and columns, with text between their handlers that looks
    like code: strings over lines holding try and except lines, backslash continuations, comments."""
    lines: list[str] = []

    def filler(indent: str) -> None:
        kind = rng.randrange(6)
        pad = rng.choice(["", "    ", indent])
        if kind == 0:
            lines.append(f'{indent}s = """')
            lines.append(f"{pad}{rng.choice(['try:', 'except E:', 'x'])}")
            lines.append('"""')
        elif kind == 1:
            lines.append(f"{indent}s = 'a\\")
            lines.append(f"{pad}{rng.choice(['try: b', 'except E: b'])}'")
        elif kind == 2:
            lines.append(f"{indent}# try: except E:")
            lines.append(f"{indent}pass")
        elif kind == 3:
            lines.append(f"{indent}x = f(")
            lines.append(f"{pad}1)")
        else:
            lines.append(f"{indent}pass")

    def block(indent: str, depth: int) -> None:
        for _ in range(rng.randrange(1, 4)):
            if depth < 3 and rng.random() < 0.6:
                lines.append(f"{indent}try:")
                block(indent + "    ", depth + 1)
                for h in range(rng.choice([1, 1, 2])):
                    lines.append(f"{indent}except {rng.choice(['A', 'B', 'Exception'])}:")
                    block(indent + "    ", depth + 1)
            elif depth < 3 and rng.random() < 0.3:
                lines.append(f"{indent}def f{rng.randrange(9)}():")
                block(indent + "    ", depth + 1)
            else:
                filler(indent)

    block("", 0)
    return "\n".join(lines) + "\n"


def test_never_hides_a_random_program() -> None:
    """The text scan against CPython's answer on programs built to fool it."""
    import ast
    import random

    rng = random.Random(27)
    checked = several = 0
    for _ in range(3000):
        source = _random_program(rng).encode()
        try:
            tree = ast.parse(source)
        except SyntaxError:
            continue
        expected = any(
            isinstance(n, ast.Try) and (len(n.handlers) >= 2 or isinstance(n.handlers[0].type, ast.Tuple))
            for n in ast.walk(tree)
        )
        if expected:
            assert several_handlers_possible(source), source.decode()
            several += 1
        checked += 1
    assert checked > 2000 and several > 300


RETRY_WITHOUT_LITERALS = {
    # ERR002's trigger for statuses of a pack without a module (Altus 4): a status written as an
    # http.HTTPStatus member, or inside a range(...) whose bounds are not themselves such a status;
    # each file names Altus 4's host, so the pack applies there (pack scope)
    "HTTPStatus member": 'BASE = "https://api.altus4.dev"\nfrom http import HTTPStatus\nSTATUS = HTTPStatus.BAD_REQUEST\n',
    "range of statuses": 'BASE = "https://api.altus4.dev"\nfor s in range(399, 405):\n    pass\n',
}


@pytest.mark.parametrize("name", RETRY_WITHOUT_LITERALS)
def test_status_trigger_sees_names_and_ranges(name: str) -> None:
    from errlint.checks.err002_retry_non_retryable import RetryNonRetryable

    linter = Linter(load_registry(), [RetryNonRetryable])
    assert linter._triggered(RetryNonRetryable, RETRY_WITHOUT_LITERALS[name].encode()), name
    assert not linter._triggered(
        RetryNonRetryable, b'BASE = "https://api.altus4.dev"\nfor s in range(3):\n    pass\nfor t in range(600):\n    pass\n'
    )
