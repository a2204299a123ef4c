"""The cache is data to verify (issue 28): whatever its state, a run reports what a clean run reports.

An entry of the wrong shape (a line that is a string, null or negative; a code
or a message of the wrong type) is discarded and its file linted again; a cache
file that is not JSON, nested too deeply, not a regular file (a FIFO, a link to
``/dev/zero``) is set aside whole, never read without end; each run says so in
one warning line at most. Concurrent runs merge their entries when they save.
"""
from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from errlint.run.cache import Cache, run_key
from errlint.run.cache import valid_result

from cli_support import SHADOWED, findings, run

FORMATS = (("--output-format", "text"), ("--output-format", "json"), ("--output-format", "sarif"),
           ("--output-format", "github"), ("--statistics",))
TWO = SHADOWED + "try:\n    pass\nexcept Exception:\n    pass\nexcept KeyError:\n    pass\n"  # two findings in one file


@pytest.fixture
def cached(tree, monkeypatch):
    """A tree with two files of findings and a warm cache; (cache file, the clean run of each format)."""
    monkeypatch.delenv("ERRLINT_CACHE_DIR", raising=False)
    (tree / "a.py").write_text(TWO)
    (tree / "b.py").write_text(SHADOWED)
    clean = {}
    for fmt in FORMATS:
        code, out, err = run_cli(*fmt, "--no-cache", ".")
        clean[fmt] = (code, out)
    run_cli(".")
    (cache_file,) = (tree / ".errlint_cache").glob("*.json")
    return cache_file, clean


def run_cli(*args):
    """``errlint -j 1 ARGS`` in this process (its output read from the capture)."""
    from errlint.cli import main

    capture = _CAPSYS[0]
    capture.readouterr()
    code = main(["-j", "1", *args])
    out, err = capture.readouterr()
    assert "Traceback" not in err and "internal error" not in err, err
    return code, out, err


_CAPSYS: list = []


@pytest.fixture(autouse=True)
def _capture(capsys):
    _CAPSYS[:] = [capsys]
    yield
    _CAPSYS.clear()


def mutate(cache_file, change) -> None:
    data = json.loads(cache_file.read_text())
    for entry in data["files"].values():
        diagnostics = entry["result"]["diagnostics"]
        if diagnostics:
            change(diagnostics[0])
    cache_file.write_text(json.dumps(data))


MUTATIONS = {
    "line is a string": lambda d: d.update(line="5"),
    "line is null": lambda d: d.update(line=None),
    "line is negative": lambda d: d.update(line=-3),
    "line is a list": lambda d: d.update(line=[5]),
    "column is a string": lambda d: d.update(column="1"),
    "code is a number": lambda d: d.update(code=4),
    "code is null": lambda d: d.update(code=None),
    "code is no code": lambda d: d.update(code="rm -rf"),
    "message is null": lambda d: d.update(message=None),
    "message is a number": lambda d: d.update(message=7),
    "end_line is a bool": lambda d: d.update(end_line=True),
    "rule is missing": lambda d: d.pop("rule"),
    "fix is a string": lambda d: d.update(fix="yes"),
    "an edit without content": lambda d: d.update(fix={"applicability": "safe", "message": "m", "edits": [{"location": {"row": 1, "column": 1}}]}),
    "applicability unknown": lambda d: d.update(fix={"applicability": "maybe", "message": "m", "edits": []}),
}


EVERY_FORMAT = ("line is a string", "line is null", "line is negative", "code is a number", "message is null")


@pytest.mark.parametrize("mutation", sorted(MUTATIONS))
def test_a_wrong_typed_entry_gives_the_clean_findings_in_every_format(cached, mutation):
    """(The study's cases, in every format; the others in text: they fail the same check.)"""
    cache_file, clean = cached
    for fmt in FORMATS if mutation in EVERY_FORMAT else FORMATS[:1]:
        mutate(cache_file, MUTATIONS[mutation])
        code, out, err = run_cli(*fmt, ".")
        assert (code, out) == clean[fmt], fmt
        warnings = [line for line in err.splitlines() if line.startswith("errlint: warning")]
        assert len(warnings) == 1 and "holds an invalid entry" in warnings[0], err


def test_with_fix_too(cached, tree):
    cache_file, _ = cached
    mutate(cache_file, MUTATIONS["line is a string"])
    code, _, err = run_cli("--fix", "--unsafe-fixes", ".")
    assert code == 0, err
    assert "except ValueError:\n    pass\nexcept Exception:" in (tree / "b.py").read_text()


@pytest.mark.parametrize("content", [b"[" * 100000, b"{" * 100000, b"\xff\xfe\x00garbage", b'{"format": 1, "files": []}'])
def test_a_broken_cache_file_is_set_aside_with_one_line(cached, content):
    cache_file, clean = cached
    cache_file.write_bytes(content)
    code, out, err = run_cli(".")
    assert (code, out) == clean[("--output-format", "text")]
    assert err.splitlines()[0].startswith(f"errlint: warning: the cache file {cache_file} cannot be used (")
    assert sum(line.startswith("errlint:") for line in err.splitlines()) == 1
    assert json.loads(cache_file.read_text())["format"] == 1  # written anew
    assert run_cli(".")[2].count("errlint:") == 0  # and the next run is quiet


@pytest.mark.skipif(sys.platform == "win32", reason="FIFOs and /dev/zero")
@pytest.mark.parametrize("kind", ["fifo", "dev-zero"])
def test_a_cache_that_is_not_a_regular_file_is_never_read(cached, kind):
    cache_file, clean = cached
    cache_file.unlink()
    if kind == "fifo":
        os.mkfifo(cache_file)
    else:
        os.symlink("/dev/zero", cache_file)
    code, out, err = run_cli(".")
    assert (code, out) == clean[("--output-format", "text")]
    assert err.splitlines()[0].startswith(f"errlint: warning: the cache file {cache_file} cannot be used (not a regular file")


def test_many_bad_entries_are_one_warning(tree, capsys, monkeypatch):
    monkeypatch.delenv("ERRLINT_CACHE_DIR", raising=False)
    for i in range(20):
        (tree / f"m{i}.py").write_text(SHADOWED)
    run(capsys, ".")
    (cache_file,) = (tree / ".errlint_cache").glob("*.json")
    mutate(cache_file, MUTATIONS["code is a number"])
    code, out, err = run(capsys, ".")
    assert code == 1 and len(findings(out)) == 20
    assert sum(line.startswith("errlint: warning") for line in err.splitlines()) == 1


def test_the_schema_accepts_what_errlint_writes_and_nothing_else():
    good = {"module_name": "m", "skipped": False, "diagnostics": [
        {"line": 1, "column": 1, "code": "ERR004", "message": "x", "end_line": 1, "end_column": 3, "rule": "r",
         "fix": {"applicability": "unsafe", "message": "m", "edits": [
             {"content": "", "location": {"row": 1, "column": 1}, "end_location": {"row": 2, "column": 1}}]}}]}
    assert valid_result(good)
    for broken in ({**good, "skipped": "no"}, {**good, "diagnostics": None}, {**good, "module_name": 3}, [], None):
        assert not valid_result(broken)


# -- concurrent runs: merge on save ----------------------------------------------------------------------------
class _Registry:
    packs = ()


def test_two_runs_that_save_one_after_the_other_keep_both_entries(tree):
    """Both read the cache before either saves (as two cold runs started together do); the second to
    save keeps the first's entries (the last writer won: 667 of 678 entries were kept)."""
    from errlint.result import FileResult

    for name in ("a.py", "b.py", "c.py"):
        (tree / name).write_text("x = 1\n")
    key = run_key(["ERR004"], _Registry())
    first, second = Cache(tree / "cache", key), Cache(tree / "cache", key)
    first.put("a.py", "d1", ("a", False), FileResult("a.py"))
    second.put("b.py", "d2", ("b", False), FileResult("b.py"))
    second.put("c.py", "d3", ("c", False), FileResult("c.py"))
    assert first.save(["a.py"]) is None and second.save(["b.py", "c.py"]) is None
    again = Cache(tree / "cache", key)
    assert sorted(os.path.basename(k) for k in again.entries) == ["a.py", "b.py", "c.py"]
    assert again.get("a.py", "d1", ("a", False)) is not None and again.get("c.py", "d3", ("c", False)) is not None


def test_a_merge_drops_what_this_run_found_invalid_or_gone(tree):
    from errlint.result import FileResult

    (tree / "a.py").write_text("x = 1\n")
    key = run_key(["ERR004"], _Registry())
    seed = Cache(tree / "cache", key)
    seed.put("a.py", "d1", ("a", False), FileResult("a.py"))
    seed.put("gone.py", "d2", ("gone", False), FileResult("gone.py"))
    seed.save(["a.py", "gone.py"])
    later = Cache(tree / "cache", key)
    later.save(["a.py"])  # gone.py does not exist: dropped, and not merged back from the disk
    assert sorted(os.path.basename(k) for k in Cache(tree / "cache", key).entries) == ["a.py"]


def test_concurrent_cold_runs_on_a_shared_cache_keep_every_entry(tree, monkeypatch):
    monkeypatch.delenv("ERRLINT_CACHE_DIR", raising=False)
    halves = []
    for half in ("one", "two", "three"):
        (tree / half).mkdir()
        for i in range(15):
            (tree / half / f"m{i}.py").write_text(SHADOWED if i % 2 else "x = 1\n")
        halves.append(half)
    procs = [subprocess.Popen([sys.executable, "-m", "errlint.cli", "--cache-dir", "shared", half],
                              stdout=subprocess.DEVNULL, stderr=subprocess.PIPE) for half in halves]
    for p in procs:
        assert p.wait(timeout=300) == 1, p.stderr.read()
    (cache_file,) = (tree / "shared").glob("*.json")
    assert len(json.loads(cache_file.read_text())["files"]) == 45
