"""The persistent cache: unchanged files are not linted again, and every change that matters is seen.

Each test counts the files the engine actually lints (``Linter._lint_source``)
and compares the findings with a run without the cache.
"""
from __future__ import annotations

import json
import os
import stat

import pytest

import errlint.run.cache

from cli_support import ACME_CODE, ACME_PACK, SHADOWED, run

CLEAN_SOURCE = "x = 1\n"


@pytest.fixture
def cache_dir(tree, monkeypatch):
    monkeypatch.delenv("ERRLINT_CACHE_DIR", raising=False)
    return tree / ".errlint_cache"


def lint(capsys, *args):
    return run(capsys, "--output-format", "json", "-j", "1", *args)


def test_warm_run_lints_nothing_and_reports_the_same(tree, cache_dir, capsys, linted):
    (tree / "a.py").write_text(SHADOWED)
    (tree / "b.py").write_text(CLEAN_SOURCE)
    cold = lint(capsys, ".")
    assert sorted(linted) == ["a.py", "b.py"] and cold[0] == 1
    names = sorted(p.name for p in cache_dir.iterdir())
    # the results (one JSON file per run key) and the packs' parsed TOML (errlint.run.packcache)
    assert len(names) == 5 and {".gitignore", "CACHEDIR.TAG", "packs-1.cache"} < set(names) and sum(n.endswith(".json") for n in names) == 1
    assert sum(n.endswith(".lock") for n in names) == 1  # saves of concurrent runs take turns (merge-on-save)
    assert (cache_dir / ".gitignore").read_text().splitlines()[-1] == "*"
    linted.clear()
    warm = lint(capsys, ".")
    assert linted == []
    assert warm == cold
    fix = json.loads(warm[1])[0]["fix"]
    assert fix["applicability"] == "unsafe" and fix["edits"]  # the applicability and text edits survive the round trip


def test_a_changed_file_alone_is_linted_again(tree, cache_dir, capsys, linted):
    (tree / "a.py").write_text(SHADOWED)
    (tree / "b.py").write_text(CLEAN_SOURCE)
    lint(capsys, ".")
    linted.clear()
    (tree / "b.py").write_text(SHADOWED)
    code, out, _ = lint(capsys, ".")
    assert linted == ["b.py"]
    assert sorted((d["filename"], d["location"]["row"]) for d in json.loads(out)) == [("a.py", 5), ("b.py", 5)]


def test_touching_a_file_without_changing_it_is_a_hit(tree, cache_dir, capsys, linted):
    (tree / "a.py").write_text(SHADOWED)
    lint(capsys, ".")
    linted.clear()
    os.utime(tree / "a.py", (1, 1))
    lint(capsys, ".")
    assert linted == []


@pytest.mark.parametrize("change", ["version", "source", "python"])
def test_a_new_errlint_or_python_invalidates(tree, cache_dir, capsys, linted, monkeypatch, change):
    (tree / "a.py").write_text(SHADOWED)
    cold = lint(capsys, ".")
    linted.clear()
    if change == "version":
        monkeypatch.setattr(errlint.run.cache, "__version__", "99.0")
    elif change == "source":
        monkeypatch.setattr(errlint.run.cache, "_source_digest", lambda: "edited")
    else:
        monkeypatch.setattr(errlint.run.cache.sys, "version_info", (3, 99, 0))
    assert lint(capsys, ".") == cold
    assert linted == ["a.py"]


def test_the_selected_rules_are_part_of_the_key(tree, cache_dir, capsys, linted):
    (tree / "a.py").write_text(SHADOWED)
    assert lint(capsys, "--select", "ERR001", ".")[0] == 0
    linted.clear()
    code, out, _ = lint(capsys, ".")
    assert linted == ["a.py"] and code == 1  # ERR004 was not run before: not taken from the cache
    linted.clear()
    (tree / "pyproject.toml").write_text('[tool.errlint]\nignore = ["ERR004"]\n')
    assert lint(capsys, ".")[0] == 0
    assert linted == ["a.py"]


def test_per_file_ignores_apply_to_cached_results(tree, cache_dir, capsys, linted):
    (tree / "pyproject.toml").write_text("[tool.errlint]\n")
    (tree / "a.py").write_text(SHADOWED)
    assert lint(capsys, ".")[0] == 1
    linted.clear()
    (tree / "pyproject.toml").write_text('[tool.errlint]\nper-file-ignores = { "a.py" = ["ERR004"] }\n')
    assert lint(capsys, ".")[0] == 0
    assert linted == []  # same rules and packs: a hit, filtered afterwards


def test_a_changed_pack_invalidates(tree, cache_dir, capsys, linted):
    (tree / "acme.toml").write_text(ACME_PACK)
    (tree / "pyproject.toml").write_text('[tool.errlint]\nextend-packs = ["acme.toml"]\n')
    (tree / "a.py").write_text(ACME_CODE)
    code, out, _ = lint(capsys, "a.py")
    assert code == 1 and "AcmeAuthError" in out
    linted.clear()
    (tree / "acme.toml").write_text(ACME_PACK.replace('parent = "AcmeError"', 'parent = "builtins.Exception"'))
    code, out, _ = lint(capsys, "a.py")
    assert linted == ["a.py"]
    assert code == 0, out  # AcmeAuthError no longer derives from AcmeError


def test_a_new_package_marker_changes_the_module_name(tree, cache_dir, capsys, linted):
    pkg = tree / "pkg"
    pkg.mkdir()
    (pkg / "a.py").write_text(SHADOWED)
    lint(capsys, ".")
    linted.clear()
    (pkg / "__init__.py").write_text("")
    lint(capsys, ".")
    assert sorted(linted) == ["pkg/__init__.py", "pkg/a.py"]  # pkg/a.py is now module pkg.a


ERRORS_V1 = "class BaseErr(Exception):\n    pass\n\nclass Sub(BaseErr):\n    pass\n"
ERRORS_V2 = "class BaseErr(Exception):\n    pass\n\nclass Sub(Exception):\n    pass\n"
HANDLERS = "from errors import BaseErr, Sub\ntry:\n    pass\nexcept BaseErr:\n    pass\nexcept Sub:\n    pass\n"


def test_another_files_classes_are_part_of_the_verdict(tree, cache_dir, capsys, linted):
    (tree / "errors.py").write_text(ERRORS_V1)
    (tree / "handlers.py").write_text(HANDLERS)
    code, out, _ = lint(capsys, ".")
    assert [(d["filename"], d["location"]["row"]) for d in json.loads(out)] == [("handlers.py", 6)]
    linted.clear()
    assert lint(capsys, ".") == (code, out, "")
    assert linted == []  # the second pass's result is cached too
    (tree / "errors.py").write_text(ERRORS_V2)
    code, out, _ = lint(capsys, ".")
    assert code == 0, out  # handlers.py did not change; what it imports did
    assert set(linted) <= {"errors.py", "handlers.py"} and "errors.py" in linted


def test_no_cache_neither_reads_nor_writes(tree, cache_dir, capsys, linted):
    (tree / "a.py").write_text(SHADOWED)
    cold = lint(capsys, "--no-cache", ".")
    assert not cache_dir.exists()
    lint(capsys, ".")
    # poison the cache: a result that says the file is clean
    (cache_file,) = cache_dir.glob("*.json")
    data = json.loads(cache_file.read_text())
    for entry in data["files"].values():
        entry["result"]["diagnostics"] = []
    cache_file.write_text(json.dumps(data))
    linted.clear()
    assert lint(capsys, "--no-cache", ".") == cold
    assert linted == ["a.py"]
    assert lint(capsys, ".")[0] == 0  # (and the poisoned entry is indeed what a cached run reports)


@pytest.mark.parametrize("garbage", [b"", b"{not json", b'{"format": 1, "files": {"x": 1}}', b"[]", b'{"format": 0}'])
def test_an_unreadable_cache_is_ignored_and_rewritten(tree, cache_dir, capsys, linted, garbage):
    (tree / "a.py").write_text(SHADOWED)
    cold = lint(capsys, ".")
    (cache_file,) = cache_dir.glob("*.json")
    cache_file.write_bytes(garbage)
    linted.clear()
    code, out, err = lint(capsys, ".")
    assert (code, out) == cold[:2]
    assert linted == ["a.py"]
    assert json.loads(cache_file.read_text())["format"] == 1
    if garbage in (b'{"format": 0}', b'{"format": 1, "files": {"x": 1}}'):
        assert err == ""  # another errlint's format: started afresh; an entry never read is never judged
    else:
        assert err.startswith(f"errlint: warning: the cache file {cache_file} cannot be used (") and err.count("\n") == 1
        assert err.endswith("; it is discarded and its files are linted again\n")


def test_an_entry_of_the_wrong_shape_is_a_miss(tree, cache_dir, capsys, linted):
    (tree / "a.py").write_text(SHADOWED)
    cold = lint(capsys, ".")
    (cache_file,) = cache_dir.glob("*.json")
    data = json.loads(cache_file.read_text())
    for entry in data["files"].values():
        entry["result"] = {"diagnostics": "nonsense"}
    cache_file.write_text(json.dumps(data))
    linted.clear()
    code, out, err = lint(capsys, ".")
    assert (code, out) == cold[:2]
    assert linted == ["a.py"]
    assert err == (
        f"errlint: warning: the cache in {cache_dir} holds an invalid entry (for {tree / 'a.py'}); "
        "it is discarded and the file is linted again\n"
    )


@pytest.mark.skipif(os.geteuid() == 0 if hasattr(os, "geteuid") else False, reason="root can write anywhere")
def test_an_unwritable_cache_directory_is_a_warning(tree, capsys, monkeypatch):
    locked = tree / "locked"
    locked.mkdir()
    locked.chmod(stat.S_IRUSR | stat.S_IXUSR)
    (tree / "a.py").write_text(SHADOWED)
    try:
        code, out, err = run(capsys, "--cache-dir", str(locked / "cache"), "a.py")
    finally:
        locked.chmod(stat.S_IRWXU)
    assert code == 1 and "a.py:5:1: ERR004" in out
    assert "errlint: warning: cannot write the cache in" in err


def test_a_cache_directory_that_is_a_file_is_a_warning(tree, capsys):
    (tree / "a.py").write_text(SHADOWED)
    (tree / "not-a-dir").write_text("")
    code, out, err = run(capsys, "--cache-dir", "not-a-dir/cache", "a.py")
    assert code == 1 and "a.py:5:1: ERR004" in out
    assert err.splitlines()[0].startswith("errlint: warning: cannot write the cache in not-a-dir/cache:")


def test_cache_dir_from_config_and_command_line(tree, capsys, monkeypatch):
    monkeypatch.delenv("ERRLINT_CACHE_DIR", raising=False)
    (tree / "pyproject.toml").write_text('[tool.errlint]\ncache-dir = "build/lint-cache"\n')
    (tree / "a.py").write_text(SHADOWED)
    run(capsys, "a.py")
    assert list((tree / "build" / "lint-cache").glob("*.json"))
    run(capsys, "--cache-dir", "elsewhere", "a.py")
    assert list((tree / "elsewhere").glob("*.json"))
    assert not (tree / ".errlint_cache").exists()


def test_bad_cache_dir_value_is_a_config_error(tree, capsys):
    (tree / "pyproject.toml").write_text("[tool.errlint]\ncache-dir = 3\n")
    (tree / "a.py").write_text(SHADOWED)
    code, _, err = run(capsys, "a.py")
    assert code == 2
    assert err.strip() == f"errlint: error: {tree / 'pyproject.toml'}: [tool.errlint] cache-dir: expected a path, got 3"


def test_parallel_and_cached_runs_agree(tree, cache_dir, capsys, linted):
    for i in range(12):
        (tree / f"m{i}.py").write_text(SHADOWED if i % 3 == 0 else CLEAN_SOURCE)
    cold = run(capsys, "--output-format", "json", "-j", "2", "--no-cache", ".")
    assert run(capsys, "--output-format", "json", "-j", "2", ".") == cold
    linted.clear()
    assert run(capsys, "--output-format", "json", "-j", "2", ".") == cold
    assert linted == []


def test_fixing_then_a_warm_run(tree, cache_dir, capsys, linted):
    (tree / "a.py").write_text(SHADOWED)
    lint(capsys, ".")
    code, out, _ = run(capsys, "--fix", "--unsafe-fixes", ".")
    assert code == 0 and out == "Fixed 1 finding in 1 file; 0 remaining.\n"
    linted.clear()
    assert lint(capsys, ".")[0] == 0
    assert linted == ["a.py"]  # new bytes: linted again, and clean


def test_files_that_are_gone_leave_the_cache(tree, cache_dir, capsys):
    (tree / "a.py").write_text(SHADOWED)
    (tree / "b.py").write_text(SHADOWED)
    lint(capsys, ".")
    (tree / "b.py").unlink()
    lint(capsys, "a.py")
    (cache_file,) = cache_dir.glob("*.json")
    assert [os.path.basename(k) for k in json.loads(cache_file.read_text())["files"]] == ["a.py"]


def test_a_second_pass_result_is_tied_to_the_project_classes(tree, cache_dir, capsys, linted):
    # both versions need the second pass (one shadowed handler each), with different answers
    (tree / "errors.py").write_text("class A(Exception):\n    pass\n\nclass B(A):\n    pass\n\nclass C(Exception):\n    pass\n")
    (tree / "handlers.py").write_text(
        "from errors import A, B, C\ntry:\n    pass\nexcept A:\n    pass\nexcept B:\n    pass\nexcept C:\n    pass\n"
    )
    code, out, _ = lint(capsys, ".")
    assert [d["location"]["row"] for d in json.loads(out)] == [6]
    (tree / "errors.py").write_text("class A(Exception):\n    pass\n\nclass B(Exception):\n    pass\n\nclass C(A):\n    pass\n")
    linted.clear()
    code, out, _ = lint(capsys, ".")
    assert [d["location"]["row"] for d in json.loads(out)] == [8]
    assert "handlers.py" in linted


def test_standard_input_is_not_cached(tree, cache_dir, capsys, monkeypatch):
    import io
    import sys

    monkeypatch.setattr(sys, "stdin", type("In", (), {"buffer": io.BytesIO(SHADOWED.encode())})())
    code, out, _ = run(capsys, "-", "--stdin-filename", "a.py")
    assert code == 1 and "a.py:5:1: ERR004" in out
    assert not cache_dir.exists()  # an editor linting its buffer on each keystroke rewrites nothing


@pytest.mark.parametrize("entry", [1, "x", [], {"digest": None}, "final"])
def test_a_malformed_entry_is_a_miss(tree, cache_dir, capsys, linted, entry):
    (tree / "errors.py").write_text("class A(Exception):\n    pass\n\nclass B(A):\n    pass\n")
    (tree / "handlers.py").write_text("from errors import A, B\ntry:\n    pass\nexcept A:\n    pass\nexcept B:\n    pass\n")
    cold = lint(capsys, ".")
    (cache_file,) = cache_dir.glob("*.json")
    data = json.loads(cache_file.read_text())
    for key, value in data["files"].items():
        if entry == "final":
            if value.get("final"):
                value["final"] = 7  # the second pass's entry alone is broken
        else:
            data["files"][key] = entry
    cache_file.write_text(json.dumps(data))
    linted.clear()
    code, out, err = lint(capsys, ".")
    assert (code, out) == cold[:2]
    assert "handlers.py" in linted
    assert err.startswith(f"errlint: warning: the cache in {cache_dir} holds an invalid entry (for ") and err.count("\n") == 1


# -- the packs' parsed TOML (errlint.run.packcache) --------------------------------------------
@pytest.fixture
def toml_parsed(monkeypatch):
    """The pack files whose TOML was parsed (not read from the pack tables' cache)."""
    import errlint.reading as reading

    seen: list[str] = []
    original = reading.tomllib.loads

    def counting(text, *args, **kwargs):
        data = original(text, *args, **kwargs)
        if "sdk" in data:  # a pack (a pyproject.toml is parsed as ever)
            seen.append(data["sdk"].get("name", "?"))
        return data

    monkeypatch.setattr(reading.tomllib, "loads", counting)
    return seen


def test_a_warm_run_does_not_parse_the_packs_again(tree, cache_dir, capsys, toml_parsed, linted):
    (tree / "acme.toml").write_text(ACME_PACK)
    (tree / "pyproject.toml").write_text('[tool.errlint]\nextend-packs = ["acme.toml"]\n')
    (tree / "a.py").write_text(ACME_CODE)
    cold = lint(capsys, "--no-cache", "a.py")
    assert "acme" in toml_parsed and len(toml_parsed) > 20  # every bundled pack and the project's
    assert lint(capsys, "a.py") == cold  # fills the cache
    assert (cache_dir / "packs-1.cache").is_file()
    # a changed file is linted again, with the packs' tables read from the cache
    toml_parsed.clear(), linted.clear()
    (tree / "a.py").write_text(ACME_CODE + "# edited\n")
    assert lint(capsys, "a.py") == cold and linted == ["a.py"] and toml_parsed == []
    # nothing changed: no file linted, no pack loaded at all
    linted.clear()
    assert lint(capsys, "a.py") == cold and linted == [] and toml_parsed == []
    # an edited pack is parsed again, and only it; its new content decides
    (tree / "acme.toml").write_text(ACME_PACK.replace('parent = "AcmeError"', 'parent = "builtins.Exception"'))
    code, out, _ = lint(capsys, "a.py")
    assert toml_parsed == ["acme"] and linted == ["a.py"] and code == 0, out
    toml_parsed.clear()
    assert lint(capsys, "--no-cache", "a.py")[0] == 0 and "acme" in toml_parsed  # --no-cache reads no cache


@pytest.mark.parametrize("garbage", [b"", b"{not json", b"[]", b'{"x": 1}', b'{"00": "[1]"}', b'{"00": "{bad"}'])
def test_a_broken_pack_tables_cache_is_parsed_again(tree, cache_dir, capsys, toml_parsed, garbage):
    (tree / "a.py").write_text(SHADOWED)
    cold = lint(capsys, "--no-cache", "a.py")
    lint(capsys, "a.py")
    tables = cache_dir / "packs-1.cache"
    keys = list(json.loads(tables.read_text()))
    tables.write_bytes(garbage.replace(b'"00"', json.dumps(keys[0]).encode()))  # "00": an entry not a table's JSON
    (tree / "a.py").write_text(SHADOWED + "# edited\n")  # linted again: the packs are loaded
    toml_parsed.clear()
    assert lint(capsys, "a.py") == cold
    assert toml_parsed  # parsed again, what was unusable ...
    assert len(json.loads(tables.read_text())) == len(keys)  # ... and written anew


@pytest.mark.parametrize("change", ["unknown disabled pack", "broken project pack"])
def test_a_warm_run_still_reports_pack_and_configuration_errors(tree, cache_dir, capsys, change):
    """A warm run loads no pack unless a file is linted; whatever changes the packs changes the run
    key, so the errors a cold run reports are reported all the same."""
    (tree / "acme.toml").write_text(ACME_PACK)
    (tree / "pyproject.toml").write_text('[tool.errlint]\nextend-packs = ["acme.toml"]\n')
    (tree / "a.py").write_text(ACME_CODE)
    assert lint(capsys, "a.py")[0] == 1
    if change == "unknown disabled pack":
        (tree / "pyproject.toml").write_text('[tool.errlint]\nextend-packs = ["acme.toml"]\ndisable-packs = ["nope"]\n')
        expected = "disable-packs: unknown pack 'nope'"
    else:
        (tree / "acme.toml").write_text(ACME_PACK + "\n[[bogus\n")
        expected = "acme.toml: invalid TOML"
    for args in (("a.py",), ("--no-cache", "a.py")):
        code, out, err = lint(capsys, *args)
        assert code == 2 and expected in err, (args, err)
