"""LibCST parses only the code that can hold a finding (errlint/python/partial.py).

The findings, their positions and their fixes' text edits must be those of the
whole file: every fixture and example, and the cases below (line breaks,
encodings, indentation, headers, and each kind of code the analyses read
outside the function holding a finding), are linted both ways and compared.
The text LibCST reads keeps every line of the file, each kept line byte for byte.
"""
from __future__ import annotations

import ast
import json
from pathlib import Path

import pytest

from errlint.checks import ALL_CHECKS
from errlint.engine import Linter
from errlint.packs import load_registry
from errlint.python.partial import partial_source

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "tests" / "fixtures"
SDK_NEEDS = frozenset().union(*(c.needs for c in ALL_CHECKS))
TRIES = frozenset({"tries"})

FILLER = "".join(f"\n\ndef filler{i}(x):\n    y = x + {i}\n    return [y, y * 2]\n" for i in range(3))

# Each case: code with a finding, and code no rule reports on that LibCST should not read.
CASES = {
    "shadowed handler, ERR004 alone": (
        "import os\n\n\nclass Paths:\n    root = os.sep\n\n    def a(self):\n        return 1\n\n"
        "    def b(self):\n        try:\n            return os.stat(self.root)\n        except OSError:\n"
        "            return None\n        except FileNotFoundError:\n            return 0\n" + FILLER
    ),
    "a function named by kept code keeps its header": (  # its name is bound: KeyError is not the builtin
        "def KeyError(x):\n    x = x + 1\n    return x\n\n\ndef run():\n    try:\n        pass\n"
        "    except LookupError:\n        pass\n    except KeyError:\n        pass\n    try:\n        pass\n"
        "    except LookupError:\n        pass\n    except IndexError:\n        pass\n" + FILLER
    ),
    "the first statement of a body is decorated, ERR004 alone": (
        "import functools\n\n\ndef outer(f):\n    @functools.wraps(f)\n    def inner(*a):\n        return f(*a)\n"
        "    return inner\n\n\ndef g():\n    try:\n        pass\n    except Exception:\n        pass\n"
        "    except ValueError:\n        pass\n"
    ),
    "bodies on the header line, headers over several lines": (
        "def one(): return 1\n\n\ndef two(a,\n        b): return [a,\n                    b]\n\n\n"
        "def three(\n    a,\n    b,\n):\n    c = a\n    return c + b\n\n\n"
        "try:\n    pass\nexcept (LookupError, KeyError):\n    pass\n"
    ),
    "functions under module-level if and try": (
        "import sys\n\nif sys.platform == 'win32':\n    def opener(p):\n        p = p.strip()\n        return p\n"
        "else:\n    def opener(p):\n        p = p.lower()\n        return p\n\ntry:\n    import json\n"
        "except ImportError:\n    def dumps(x):\n        x = str(x)\n        return x\n\n\n"
        "def use():\n    try:\n        pass\n    except Exception:\n        pass\n    except OSError:\n        pass\n"
    ),
    "a class whose every method is left out": (
        "class Empty:\n    def a(self):\n        x = 1\n        return x\n\n    def b(self):\n        x = 2\n        return x\n\n\n"
        "def f():\n    try:\n        pass\n    except (OSError, IOError):\n        pass\n"
    ),
    "tabs": (
        "class T:\n\tdef a(self):\n\t\tx = 1\n\t\treturn x\n\n\tdef b(self):\n\t\ttry:\n\t\t\tpass\n"
        "\t\texcept Exception:\n\t\t\tpass\n\t\texcept KeyError:\n\t\t\tpass\n" + FILLER
    ),
    "a factory of clients, called by name and through self": (
        "from alter_sdk import App, NetworkError\n\n\nclass Service:\n    def __init__(self):\n        self.app = make()\n\n"
        "    def _client(self):\n        return self.app\n\n    def call(self):\n        try:\n"
        "            return self._client().request('GET', '/')\n        except TimeoutError:\n            return None\n"
        "        except NetworkError:\n            return 1\n\n\ndef make():\n    app = App()\n    return app\n" + FILLER
    ),
    "a client built in __init__, a property, a retry decorator": (
        "import tenacity\nfrom alter_sdk import App, NetworkError, BackendError\n\n\nclass S:\n    def __init__(self):\n"
        "        self.app = App()\n\n    @property\n    def agent(self):\n        return self.app\n\n"
        "    @tenacity.retry\n    def call(self):\n        return self.agent.request('GET', '/')\n\n"
        "    def other(self):\n        x = 1\n        return x\n" + FILLER
    ),
    "a module-wide setting assigned in a function": (
        "import time\n\nimport stripe\n\n\ndef configure():\n    stripe.max_network_retries = 2\n    return None\n\n\n"
        "def charge(amount):\n    for attempt in range(3):\n        try:\n            return stripe.Charge.create(amount=amount)\n"
        "        except stripe.error.APIConnectionError:\n            time.sleep(2 ** attempt)\n    raise RuntimeError\n" + FILLER
    ),
    "a retryable collection inside a method": (
        "import requests\n\n\nclass Altus4Error(Exception):\n    def other(self):\n        x = self.code\n        return x\n\n"
        "    def is_retryable(self) -> bool:\n        retryable_codes = ['DATABASE_ERROR', 'VALIDATION_ERROR']\n"
        "        return self.code in retryable_codes\n" + FILLER
    ),
    "an iterator construct": (
        "from tenacity import Retrying\nfrom alter_sdk import App\n\n\ndef call(app: App):\n"
        "    for attempt in Retrying():\n        with attempt:\n            return app.request('GET', '/')\n" + FILLER
    ),
}


@pytest.fixture(scope="module")
def linters():
    registry = load_registry()
    partial, whole = Linter(registry), Linter(registry)
    whole.partial = False
    return partial, whole


def _key(result) -> list:
    return [
        (d.line, d.column, d.end_line, d.end_column, d.code, d.message,
         None if d.fix is None else (d.fix.applicability, json.dumps(d.fix.edits, sort_keys=True)))
        for d in result.diagnostics
    ]


def _same_lines(source: bytes, text: bytes) -> None:
    """``text`` has ``source``'s lines; a line it changed is left empty, a stub or a string's edge."""
    old, new = source.splitlines(keepends=True), text.splitlines(keepends=True)
    assert len(old) == len(new)
    for a, b in zip(old, new):
        if a != b:
            assert b.strip() in (b"", b"pass", b'"""'), (a, b)
            assert a[len(a.rstrip(b"\r\n")):] == b[len(b.rstrip(b"\r\n")):]  # the same line break


@pytest.mark.parametrize("name", CASES)
@pytest.mark.parametrize("newline", ["\n", "\r\n", "\r"])
def test_a_case_gives_the_whole_files_findings(linters, name, newline):
    source = CASES[name].replace("\n", newline).encode()
    partial, whole = linters
    needs = TRIES if "ERR004 alone" in name else SDK_NEEDS
    text = partial_source(source, ast.parse(source), needs)
    if newline == "\r":
        assert text is None  # a lone CR: fix edits cut lines at "\n" only, so the whole file is read
    else:
        assert text is not None and len(text.strip()) < len(source.strip()), "nothing left out: the case tests nothing"
        _same_lines(source, text)
    found = _key(partial.lint_source("case.py", source))
    assert found == _key(whole.lint_source("case.py", source))
    assert found, "each case has a finding"


def test_a_coding_line_and_the_bytes_of_another_encoding():
    source = (
        "# first line\n# -*- coding: latin-1 -*-\n\n\ndef f():\n    s = 'caf\xe9'\n    return s\n\n\n"
        "def g():\n    try:\n        pass\n    except (OSError, IOError):\n        pass\n"
    ).encode("latin-1")
    text = partial_source(source, ast.parse(source), TRIES)
    assert text is not None and b"caf" not in text
    _same_lines(source, text)
    registry = load_registry()
    whole = Linter(registry)
    whole.partial = False
    assert _key(Linter(registry).lint_source("c.py", source)) == _key(whole.lint_source("c.py", source)) != []


def test_every_fixture_and_example_gives_the_whole_files_findings(linters):
    partial, whole = linters
    compared = found = 0
    paths = [*sorted(FIXTURES.rglob("*.py")), *sorted((ROOT / "examples").rglob("*.py"))]
    for path in paths:
        source = path.read_bytes()
        mine = partial.lint_source(str(path), source)
        if mine.skipped:
            continue
        assert _key(mine) == _key(whole.lint_source(str(path), source)), path
        compared += 1
        found += len(mine.diagnostics)
    assert compared > 50 and found > 100


def test_libcst_reads_a_fraction_of_a_large_file(monkeypatch):
    """The point of it: a file of many functions, one holding a finding, is mostly left out."""
    import libcst as cst

    read: list[bytes] = []
    parse = cst.parse_module
    monkeypatch.setattr(cst, "parse_module", lambda text, *a, **k: read.append(text) or parse(text, *a, **k))
    source = (CASES["shadowed handler, ERR004 alone"] + "".join(
        f"\n\ndef more{i}(a, b):\n    c = a + b\n    d = [c, a, b]\n    return d\n" for i in range(200)
    )).encode()
    result = Linter(load_registry()).lint_source("big.py", source)
    assert [d.code for d in result.diagnostics] == ["ERR004"]
    code_lines = [line for line in read[-1].splitlines() if line.strip() and line.strip() != b'"""']
    assert len(code_lines) < 0.1 * source.count(b"\n")


def test_a_file_libcst_reads_only_in_part_is_linted_and_not_rewritten(tmp_path):
    """LibCST rejects ``(x): int`` (CPython does not); where no rule reads that function, the file is
    linted as any other. A fix run cannot rewrite what LibCST cannot read whole: same findings, no edit."""
    source = (
        "import os\n\n\ndef odd():\n    (x): int\n    return 1\n\n\ndef f():\n    try:\n        pass\n"
        "    except (LookupError, KeyError):\n        pass\n"
    ).encode()
    linter = Linter(load_registry())
    result = linter.lint_source("odd.py", source)
    assert [d.code for d in result.diagnostics] == ["ERR004"]
    fixed, applied, final = linter.fix_source("odd.py", source, unsafe=True)
    assert fixed == source and applied == []
    assert _key(final) == _key(result)
