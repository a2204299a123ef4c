"""rules/stdlib.toml is generated from the interpreter and must be current."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from errlint.packs import load_registry

ROOT = Path(__file__).resolve().parent.parent
SCRIPT = ROOT / "scripts" / "gen_stdlib_pack.py"


def test_stdlib_pack_is_current():
    pack = next(p for p in load_registry().packs if p.name == "stdlib")
    running = f"{sys.version_info.major}.{sys.version_info.minor}"
    if pack.python != running:
        pytest.skip(f"rules/stdlib.toml was generated on Python {pack.python}; this is {running}")
    proc = subprocess.run([sys.executable, str(SCRIPT), "--check"], capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr


def test_stdlib_aliases_and_multiple_bases():
    graph = load_registry().graph
    for alias in ("builtins.IOError", "builtins.EnvironmentError", "socket.error", "select.error", "os.error"):
        assert graph.canonical(alias) == "builtins.OSError", alias
    assert graph.canonical("socket.timeout") == "builtins.TimeoutError"
    assert graph.is_subclass("ssl.SSLCertVerificationError", "builtins.ValueError")
    assert graph.is_subclass("ssl.SSLCertVerificationError", "builtins.OSError")
    assert graph.is_subclass("json.JSONDecodeError", "builtins.ValueError")
    assert not graph.is_subclass("builtins.KeyboardInterrupt", "builtins.Exception")
    assert graph.parents("builtins.BaseException") == ()
