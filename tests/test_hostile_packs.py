"""Hostile packs and configuration (issue 28): one line naming the file and the key, exit 2, in every
front end (``errlint`` check, ``errlint rules``, ``errlint packs check``, flake8); never a traceback,
a RecursionError, a hang or a read without end; and pack reading stays linear in the pack's size.
"""
from __future__ import annotations

import os
import subprocess
import sys
import textwrap

import pytest

from errlint.hierarchy import find_cycle
from errlint.packs import PackError, PackRegistry, load_pack, load_packs

from cli_support import SHADOWED, run

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")


def chain_pack(n: int, cycle: bool = False, name: str = "acme", root: str = '"builtins.Exception"') -> str:
    """A pack whose classes E0 .. E{n-1} each derive from the one before (E0 from E{n-1}: a cycle;
    else from ``root``, ``[]`` for a registry without the stdlib pack)."""
    out = [f'[sdk]\nname = "{name}"\nmodules = ["{name}"]\n']
    for i in range(n):
        parent = root if i == 0 and not cycle else f'"E{(i - 1) % n}"'
        out.append(f'[errors.E{i}]\nparent = {parent}\n')
    return "".join(out)


CYCLE_1000 = "errors.E0.parent: inheritance cycle: E0 -> E999 -> E998 -> E997 -> ... (1000 classes) ... -> E3 -> E2 -> E1 -> E0"


def front_ends(tree, pack: str) -> dict[str, tuple[int, str, str]]:
    """(exit code, stdout, stderr) of each front end loading ``pack`` as an extra pack."""
    (tree / "pyproject.toml").write_text(f'[tool.errlint]\nextend-packs = ["{pack}"]\n')
    (tree / "ok.py").write_text(SHADOWED)
    out = {}
    for name, cmd in (
        ("check", [sys.executable, "-m", "errlint.cli", "--no-cache", "ok.py"]),
        ("rules", [sys.executable, "-m", "errlint.cli", "rules"]),
        ("packs check", [sys.executable, "-m", "errlint.cli", "packs", "check", pack]),
        ("settings", [sys.executable, "-m", "errlint.cli", "--show-settings", "ok.py"]),
        ("flake8", [sys.executable, "-m", "flake8", "--isolated", "--select=ERR", "ok.py"]),
        ("flake8 option", [sys.executable, "-m", "flake8", "--isolated", "--select=ERR", f"--errlint-extend-packs={pack}", "ok.py"]),
    ):
        if name == "flake8 option":
            (tree / "pyproject.toml").unlink()
        proc = subprocess.run(cmd, cwd=tree, capture_output=True, text=True, timeout=120)
        out[name] = (proc.returncode, proc.stdout, proc.stderr)
    return out


def assert_one_line_everywhere(results, expected_end: str) -> None:
    for name, (code, out, err) in results.items():
        assert code == 2, (name, out, err)
        assert "Traceback" not in err and out == "", (name, out, err)
        assert err.count("\n") == 1 and err.startswith("errlint: error: "), (name, err)
        assert err.rstrip("\n").endswith(expected_end), (name, err)


def test_a_parent_cycle_of_1000_classes_is_one_line_in_every_front_end(tree):
    (tree / "cycle.toml").write_text(chain_pack(1000, cycle=True))
    assert_one_line_everywhere(front_ends(tree, "cycle.toml"), CYCLE_1000)


@pytest.mark.skipif(sys.platform == "win32", reason="FIFOs")
def test_a_fifo_as_a_pack_is_never_opened(tree):
    os.mkfifo(tree / "pipe.toml")
    assert_one_line_everywhere(front_ends(tree, "pipe.toml"), "pipe.toml: cannot read: not a regular file (a FIFO)")


@pytest.mark.skipif(sys.platform == "win32", reason="/dev/zero")
def test_dev_zero_as_a_pack_is_never_read(tree):
    assert_one_line_everywhere(front_ends(tree, "/dev/zero"), "/dev/zero: cannot read: not a regular file (a character device)")


def test_a_symlink_loop_as_a_pack(tree):
    os.symlink("b.toml", tree / "a.toml")
    os.symlink("a.toml", tree / "b.toml")
    assert_one_line_everywhere(front_ends(tree, "a.toml"), "a.toml: cannot read: Too many levels of symbolic links")


def test_toml_nested_too_deeply_in_a_pack(tree):
    (tree / "deep.toml").write_text('[sdk]\nname = "deep"\nnpm = ' + "[" * 5000 + "]" * 5000 + "\n")
    assert_one_line_everywhere(front_ends(tree, "deep.toml"), "deep.toml: invalid TOML: arrays or tables nested too deeply to read")


@pytest.mark.parametrize("table", ["select = ", "per-file-ignores = { a = "])
def test_toml_nested_too_deeply_in_the_configuration(tree, capsys, table):
    (tree / "pyproject.toml").write_text("[tool.errlint]\n" + table + "[" * 5000 + "]" * 5000 + ("}" if "{" in table else "") + "\n")
    (tree / "ok.py").write_text(SHADOWED)
    code, out, err = run(capsys, "ok.py")
    assert (code, out) == (2, "")
    assert err == f"errlint: error: {tree / 'pyproject.toml'}: invalid TOML: arrays or tables nested too deeply to read\n"


@pytest.mark.parametrize("key", ["extend-packs", "src", "cache-dir"])
def test_a_nul_byte_in_a_path_of_the_configuration(tree, capsys, key):
    value = '"a\\u0000b"' if key == "cache-dir" else '["a\\u0000b"]'
    (tree / "pyproject.toml").write_text(f"[tool.errlint]\n{key} = {value}\n")
    (tree / "ok.py").write_text(SHADOWED)
    code, out, err = run(capsys, "ok.py")
    assert (code, out) == (2, "") and err.count("\n") == 1
    assert err.startswith(f"errlint: error: {tree / 'pyproject.toml'}: [tool.errlint] {key}: ")


def test_a_nul_byte_in_a_pack_path_given_directly():
    with pytest.raises(PackError, match=r"^'a\\x00b.toml': a pack path holds a NUL byte"):
        load_packs(["a\0b.toml"])


@pytest.mark.skipif(sys.platform == "win32", reason="FIFOs")
def test_a_fifo_or_dev_zero_as_the_configuration(tree, capsys):
    os.mkfifo(tree / "pipe.toml")
    (tree / "ok.py").write_text(SHADOWED)
    for config, kind in (("pipe.toml", "a FIFO"), ("/dev/zero", "a character device")):
        proc = subprocess.run([sys.executable, "-m", "errlint.cli", "--config", config, "ok.py"], cwd=tree,
                              capture_output=True, text=True, timeout=60)
        assert proc.returncode == 2 and proc.stdout == ""
        assert proc.stderr == f"errlint: error: {config}: cannot read: not a regular file ({kind})\n"


# -- values out of range --------------------------------------------------------------------------------------
BASE = '[sdk]\nname = "acme"\nmodules = ["acme"]\n[errors.AcmeError]\nparent = "builtins.Exception"\n'


@pytest.mark.parametrize("extra, key, problem", [  # (TOML reads integers of any size)
    ("status = -1", "errors.AcmeError.status", "-1 is not an HTTP status (100 to 599)"),
    ("status = 99999999999999999999", "errors.AcmeError.status", "99999999999999999999 is not an HTTP status (100 to 599)"),
    ("status = [404, 1000]", "errors.AcmeError.status", "1000 is not an HTTP status (100 to 599)"),
])
def test_a_class_status_out_of_range(tmp_path, extra, key, problem):
    (tmp_path / "acme.toml").write_text(BASE + extra + "\n")
    with pytest.raises(PackError) as exc:
        load_pack(tmp_path / "acme.toml")
    assert str(exc.value) == f"{tmp_path / 'acme.toml'}: {key}: {problem}"


@pytest.mark.parametrize("body, problem", [
    ("[codes.NOPE]\nstatus = 700\n", "codes.NOPE.status: 700 is not an HTTP status (or 0: none) (100 to 599)"),
    ("[statuses.429]\nstatus = 42\n", "statuses.429.status: 42 is not an HTTP status (or 0: none) (100 to 599)"),
    ('[[auto_retry]]\nmethods = ["call"]\nattempts = 9223372036854775807\n',
     "auto_retry[0].attempts: 9223372036854775807 is not a number of attempts (1 to 100)"),
    ('[[auto_retry]]\nmethods = ["call"]\nattempts = 0\n', "auto_retry[0].attempts: counts the first attempt too: at least 1, got 0"),
])
def test_policy_statuses_and_attempts_out_of_range(tmp_path, body, problem):
    (tmp_path / "acme.toml").write_text(BASE + body)
    with pytest.raises(PackError) as exc:
        load_pack(tmp_path / "acme.toml")
    assert str(exc.value) == f"{tmp_path / 'acme.toml'}: {problem}"


def test_a_code_without_a_response_has_status_0(tmp_path):
    (tmp_path / "acme.toml").write_text(BASE + '[codes.NETWORK_ERROR]\nstatus = 0\nretry = "transient"\n')
    assert load_pack(tmp_path / "acme.toml").codes["NETWORK_ERROR"].status == 0


# -- cycles and chains: found without recursion, in linear work ------------------------------------------------
def test_a_cycle_across_packs(tmp_path):
    (tmp_path / "a.toml").write_text('[sdk]\nname = "a"\nmodules = ["a"]\n[errors.A]\nparent = "b.B"\n')
    (tmp_path / "b.toml").write_text('[sdk]\nname = "b"\nmodules = ["b"]\n[errors.B]\nparent = "a.A"\n')
    with pytest.raises(PackError, match=r"a\.toml: errors\.A\.parent: inheritance cycle: a\.A -> b\.B -> a\.A$"):
        PackRegistry([load_pack(tmp_path / "a.toml"), load_pack(tmp_path / "b.toml")])


@pytest.mark.parametrize("n", [1000, 20000])
def test_long_chains_and_cycles_are_read_without_recursion(tmp_path, n):
    (tmp_path / "chain.toml").write_text(chain_pack(n, root="[]"))
    (tmp_path / "cycle.toml").write_text(chain_pack(n, cycle=True, name="cyc"))
    pack = load_pack(tmp_path / "chain.toml")
    registry = PackRegistry([pack])
    assert registry.graph.is_subclass(f"acme.E{n - 1}", "acme.E0")
    with pytest.raises(PackError, match=rf"inheritance cycle: E0 -> E{n - 1} -> .* \({n} classes\) .* -> E1 -> E0$"):
        load_pack(tmp_path / "cycle.toml")


def test_finding_a_cycle_looks_at_each_link_once():
    for n in (1000, 4000):
        looked = []
        chain = {f"E{i}": (f"E{i - 1}",) if i else () for i in range(n)}
        assert find_cycle(chain, lambda q: looked.append(q) or chain[q]) is None
        assert len(looked) == n  # each class's parents asked once, whatever the order
        cycle = {f"E{i}": (f"E{(i - 1) % n}",) for i in range(n)}
        looked.clear()
        found = find_cycle(cycle, lambda q: looked.append(q) or cycle[q])
        assert len(found) == n + 1 and found[0] == found[-1] and len(looked) == n


def test_a_registry_of_a_long_chain_asks_the_graph_linearly(tmp_path, monkeypatch):
    """PackRegistry's cross-pack cycle check asks each class's parents once (it was quadratic: 39.6 s
    for 4,000 classes in ``packs check``)."""
    from errlint.hierarchy import ClassGraph

    counts = {}
    real = ClassGraph.parents
    for n in (1000, 2000):
        (tmp_path / f"c{n}.toml").write_text(chain_pack(n, name=f"c{n}", root="[]"))
        pack = load_pack(tmp_path / f"c{n}.toml")
        calls = [0]

        def counting(self, name, calls=calls):
            calls[0] += 1
            return real(self, name)

        monkeypatch.setattr(ClassGraph, "parents", counting)
        PackRegistry([pack])
        counts[n] = calls[0]
    assert counts[1000] == 1000 and counts[2000] == 2000


def test_packs_check_on_a_20000_class_chain(tree):
    (tree / "chain.toml").write_text(chain_pack(20000))
    proc = subprocess.run([sys.executable, "-m", "errlint.cli", "packs", "check", "chain.toml"], cwd=tree,
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout == "chain.toml: valid; acme is not installed here: its classes were not compared\n"


def test_an_empty_rule_selector_is_an_error(tree, capsys):
    """``select = [""]`` matched every rule without a word."""
    (tree / "pyproject.toml").write_text('[tool.errlint]\nselect = [""]\n')
    (tree / "ok.py").write_text(SHADOWED)
    code, out, err = run(capsys, "ok.py")
    assert (code, out) == (2, "")
    assert err.startswith(f"errlint: error: {tree / 'pyproject.toml'}: [tool.errlint] select: unknown rule selector ''")
    assert run(capsys, "--select", "", "ok.py")[0] == 2
