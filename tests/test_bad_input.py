"""Bad input, case by case: a clear one-line ERR000 (or exit 2) with the exact message, never a traceback.

Cases covered elsewhere, with their exact messages: non-UTF-8 without a coding
line, bytes not in the declared encoding, BOM and coding lines, a path that
does not exist, a directory without Python files, an unreadable file, a
symlink loop and ERR999 (tests/test_cli.py); a broken [tool.errlint]
(tests/test_config.py); broken packs loaded directly (tests/test_packs.py).
"""
from __future__ import annotations

import json
import sys

import pytest

from cli_support import SHADOWED, findings, run





def lint_one(tree, capsys, data: bytes, name: str = "f.py"):
    (tree / name).write_bytes(data)
    (tree / "ok.py").write_text(SHADOWED)
    code, out, err = run(capsys, name, "ok.py")
    lines = findings(out)
    assert lines[-1].startswith("ok.py:5:1: ERR004"), out  # the run went on with the next file
    assert "Traceback" not in err
    return code, lines[:-1], err


def test_syntax_error(tree, capsys):
    code, lines, _ = lint_one(tree, capsys, b"def f(:\n    pass\n")
    assert code == 1
    assert lines == ["f.py:1:7: ERR000 cannot parse: invalid syntax (1:7)"]


def test_libcst_rejects_what_python_compiles(tree, capsys):
    # CPython accepts a parenthesised annotated target (the stdlib's test/typinganndata/ann_module.py has
    # one); LibCST's grammar does not. Decoding first changes nothing: it is the grammar, not the bytes.
    # (A file no enabled rule can report on is checked by CPython's parser only, so this one has a try
    # with two handlers, which ERR004 must see.)
    code, lines, _ = lint_one(
        tree, capsys, b"x = 1\n(pars): bool = True\ntry:\n    pass\nexcept ValueError:\n    pass\nexcept OSError:\n    pass\n"
    )
    assert lines == [
        "f.py:3:5: ERR000 cannot parse: LibCST's parser rejects this file although Python compiles it "
        "(Syntax Error @ 3:5); file skipped"  # where LibCST gave up
    ]


# Files CPython's parser reads and its compiler rejects: ERR000 with CPython's message and line, and
# the rest of the file (SHADOWED's handlers, shifted by the lines above them) is linted all the same.
COMPILE_ONLY = {
    "bare except not last": (
        "def f(job):\n    try:\n        job()\n    except:\n        pass\n    except ValueError:\n        pass\n",
        ["f.py:4:5: ERR000 does not compile: default 'except:' must be last (4:5); the rest of the file is checked as written",
         "f.py:6:5: ERR004 except ValueError is unreachable: bare except: on line 4 catches it first"],
    ),
    "return outside a function": (
        "return 1\n" + SHADOWED,
        ["f.py:1:1: ERR000 does not compile: 'return' outside function (1:1); the rest of the file is checked as written",
         "f.py:6:1: ERR004 except ValueError is unreachable: Exception on line 4 catches it first"],
    ),
    "nonlocal without a binding": (
        "def f():\n    nonlocal x\n" + SHADOWED,
        ["f.py:2:5: ERR000 does not compile: no binding for nonlocal 'x' found (2:5); the rest of the file is checked as written",
         "f.py:7:1: ERR004 except ValueError is unreachable: Exception on line 5 catches it first"],
    ),
    # no rule can report here, so LibCST never parses it: CPython's compiler still judges it
    "late __future__ import, file skipped by the pre-filter": (
        "x = 1\nfrom __future__ import annotations\n",
        ["f.py:2:1: ERR000 does not compile: from __future__ imports must occur at the beginning of the file (2:1); "
         "the rest of the file is checked as written"],
    ),
}


@pytest.mark.parametrize("name", COMPILE_ONLY)
def test_compile_only_error_is_reported_and_the_file_still_linted(tree, capsys, name):
    source, expected = COMPILE_ONLY[name]
    code, lines, err = lint_one(tree, capsys, source.encode())
    assert code == 1
    assert lines == expected
    assert "Traceback" not in err and "ERR999" not in err


@pytest.mark.parametrize("name", COMPILE_ONLY)
def test_compile_only_error_same_with_and_without_the_pre_filter(name):
    from errlint.engine import Linter
    from errlint.packs import load_registry

    registry = load_registry()
    linter = Linter(registry)
    source = COMPILE_ONLY[name][0].encode()
    filtered = linter.lint_source("f.py", source, "f", False)
    parsed = linter.lint_source("f.py", source, "f", False, project=registry.graph)  # parsed whatever the triggers say
    assert [d.format() for d in filtered.diagnostics] == [d.format() for d in parsed.diagnostics]
    assert all(d.fix is None for d in parsed.diagnostics)  # CPython could not check what a fix writes


def test_compile_only_error_survives_the_cache(tree, capsys, monkeypatch):
    monkeypatch.delenv("ERRLINT_CACHE_DIR", raising=False)
    (tree / "f.py").write_text(COMPILE_ONLY["bare except not last"][0])
    cold = run(capsys, "--output-format", "json", "-j", "1", "f.py")
    assert (tree / ".errlint_cache").is_dir()
    warm = run(capsys, "--output-format", "json", "-j", "1", "f.py")
    assert warm == cold and cold[0] == 1
    assert [d["code"] for d in json.loads(cold[1])] == ["ERR000", "ERR004"]


@pytest.mark.parametrize(
    "data",
    [
        b"\xef\xbb\xbf" + SHADOWED.encode(),  # UTF-8 BOM
        SHADOWED.replace("\n", "\r\n").encode(),  # CRLF
        b"\xef\xbb\xbf" + SHADOWED.replace("\n", "\r\n").encode(),  # both
        b"# -*- coding: cp1252 -*-\n# \x80 euro\n" + SHADOWED.encode(),  # PEP 263
    ],
    ids=["bom", "crlf", "bom-crlf", "coding-line"],
)
def test_valid_files_parse_from_their_bytes(tree, capsys, data):
    code, lines, _ = lint_one(tree, capsys, data)
    assert code == 1
    assert len(lines) == 1 and ": ERR004 except ValueError is unreachable" in lines[0]


def test_binary_file_named_py(tree, capsys):
    code, lines, _ = lint_one(tree, capsys, b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00")
    assert lines == ["f.py:1:1: ERR000 cannot parse: byte 0x89 at 1:1 is not valid UTF-8 and the file has no PEP 263 coding line"]


def test_null_bytes(tree, capsys):
    code, lines, _ = lint_one(tree, capsys, b"x = 1\n\x00\n")
    assert len(lines) == 1 and lines[0].startswith("f.py:") and ": ERR000 cannot parse: " in lines[0]


def test_empty_file(tree, capsys):
    code, lines, _ = lint_one(tree, capsys, b"")
    assert lines == []


def test_five_megabyte_generated_file(tree, capsys):
    body = "".join(f"def f{i}(a):\n    return a + {i}\n" for i in range(140_000))
    data = body.encode()
    assert len(data) > 5_000_000
    code, lines, _ = lint_one(tree, capsys, data, "big.py")  # parsed and checked (about 30 s), no finding
    assert code == 1 and lines == []


def test_nesting_deeper_than_python_allows(tree, capsys):
    # LibCST's native parser overflows the stack on a few thousand nested brackets; CPython refuses
    # more than 200, so errlint asks CPython first and reports its reason.
    code, lines, _ = lint_one(tree, capsys, ("x = " + "[" * 3000 + "]" * 3000 + "\n").encode())
    assert lines == ["f.py:1:205: ERR000 cannot parse: too many nested parentheses (1:205)"]


def test_long_operator_chain_does_not_crash(tree, capsys):
    # valid Python that recurses deeply in LibCST: linted on a thread with a large stack
    code, lines, _ = lint_one(tree, capsys, ("x = " + " + ".join(["1"] * 4000) + "\n").encode())
    assert lines == []


def test_deep_statement_nesting(tree, capsys):
    src = "".join("    " * i + "if x:\n" for i in range(99)) + "    " * 99 + "pass\n"
    code, lines, _ = lint_one(tree, capsys, src.encode())
    assert lines == []


@pytest.mark.parametrize(
    "pack, message",
    [
        ("[sdk\nname = 'acme'\n", "acme.toml: invalid TOML: "),
        ("[sdk]\nname = 'acme'\n\n[errors.AcmeError]\nparent = 'NoSuchError'\n", "acme.toml: errors.AcmeError.parent: unknown class 'NoSuchError'"),
        (
            "[sdk]\nname = 'acme'\n\n[errors.A]\nparent = 'B'\n\n[errors.B]\nparent = 'A'\n",
            "acme.toml: errors.A.parent: inheritance cycle: A -> B -> A",
        ),
        ("[sdk]\nname = 'acme'\nmodlues = ['acme']\n", "acme.toml: sdk.modlues: unknown key"),
    ],
    ids=["bad-toml", "unknown-parent", "cycle", "unknown-key"],
)
def test_broken_user_pack(tree, capsys, pack, message):
    (tree / "acme.toml").write_text(pack)
    (tree / "pyproject.toml").write_text('[tool.errlint]\nextend-packs = ["acme.toml"]\n')
    (tree / "a.py").write_text(SHADOWED)
    code, out, err = run(capsys, "a.py")
    assert code == 2 and out == ""
    assert err.startswith("errlint: error: ") and message in err and err.count("\n") == 1, err


def test_write_failure_leaves_the_original_intact(tree, capsys, monkeypatch):
    """A disk that fills up half-way through the write: the original stays, the error is reported."""
    import os

    (tree / "a.py").write_text(SHADOWED)
    (tree / "b.py").write_text(SHADOWED)
    real_fdopen = os.fdopen

    class HalfWrite:
        def __init__(self, fh):
            self.fh = fh

        def __enter__(self):
            return self

        def __exit__(self, *exc):
            self.fh.close()
            return False

        def write(self, data):
            self.fh.write(data[: len(data) // 2])
            raise OSError(28, "No space left on device")

    def fake_fdopen(fd, *args, **kwargs):
        return HalfWrite(real_fdopen(fd, *args, **kwargs))

    monkeypatch.setattr("errlint.fixes.os.fdopen", fake_fdopen)
    code, out, err = run(capsys, "--fix", "--unsafe-fixes", "a.py")
    assert code == 2
    assert "errlint: error: a.py: cannot write: No space left on device" in err
    assert (tree / "a.py").read_text() == SHADOWED
    assert sorted(p.name for p in tree.iterdir()) == ["a.py", "b.py"]  # the temporary file is gone


@pytest.mark.skipif(sys.platform == "win32" or (hasattr(__import__("os"), "geteuid") and __import__("os").geteuid() == 0),
                    reason="root can write into a read-only directory")
def test_read_only_directory(tree, capsys):
    import os

    sub = tree / "ro"
    sub.mkdir()
    (sub / "a.py").write_text(SHADOWED)
    os.chmod(sub, 0o555)
    try:
        code, _, err = run(capsys, "--fix", "--unsafe-fixes", "ro/a.py")
    finally:
        os.chmod(sub, 0o755)
    assert code == 2 and "ro/a.py: cannot write: Permission denied" in err
    assert (sub / "a.py").read_text() == SHADOWED
