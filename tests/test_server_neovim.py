"""``errlint server`` in a real editor: headless Neovim and its built-in LSP client (issue 26).

tests/data/nvim_server.lua drives the session: diagnostics land in the buffer
(byte columns right after non-ASCII text), hover on a code in a noqa comment,
a quick fix, "disable for this line" and fix all applied through
``vim.lsp.buf.code_action``, then shutdown. Neovim is Debian's package (0.7.2
on Debian 12), installed here with apt-get when it is missing and apt-get can
install it; otherwise the test is skipped and says why. ``NVIM=/path/to/nvim``
runs another build (0.8+ takes the ``vim.lsp.start`` path).
"""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from server_project import SHADOW

SCRIPT = Path(__file__).parent / "data" / "nvim_server.lua"
SAMPLE = SHADOW.replace("    except ValueError:\n", "    except ValueError:  # é😀\n") + "\nx = 1  # é😀 noqa  # noqa: E501, ERR004\n"


def _install_neovim() -> str | None:
    """Debian's neovim, when apt-get can install it; the reason it cannot otherwise."""
    if shutil.which("apt-get") is None:
        return "nvim is not installed and there is no apt-get to install it"
    sudo = [] if os.geteuid() == 0 else ["sudo", "-n"]
    if sudo and shutil.which("sudo") is None:
        return "nvim is not installed and installing it needs root"
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    install = [*sudo, "apt-get", "install", "-y", "-q", "neovim"]
    try:
        if subprocess.run(install, env=env, capture_output=True, timeout=600).returncode != 0:
            subprocess.run([*sudo, "apt-get", "update", "-q"], env=env, capture_output=True, timeout=600)
            proc = subprocess.run(install, env=env, capture_output=True, text=True, timeout=600)
            if proc.returncode != 0:
                return f"apt-get install neovim failed: {proc.stderr.strip().splitlines()[-1:] or proc.returncode}"
    except (OSError, subprocess.TimeoutExpired) as exc:
        return f"apt-get install neovim failed: {exc}"
    return None if shutil.which("nvim") else "apt-get installed no nvim"


@pytest.fixture(scope="session")
def nvim() -> str:
    wanted = os.environ.get("NVIM")
    if wanted:
        return wanted
    if shutil.which("nvim") is None:
        problem = _install_neovim()
        if problem is not None:
            pytest.skip(problem)
    return shutil.which("nvim")


@pytest.mark.parametrize("encoding", ["utf-16", "utf-8"])
def test_a_neovim_session(nvim, tmp_path, encoding):
    (tmp_path / "pyproject.toml").write_text("[tool.errlint]\n")
    sample = tmp_path / "sample.py"
    sample.write_text(SAMPLE)
    home = tmp_path / "home"
    env = {
        **os.environ, "ERRLINT_PYTHON": sys.executable, "ERRLINT_ENCODING": encoding,
        # nothing of the user's: configuration, state and logs in the test's folder
        "XDG_CONFIG_HOME": str(home / "config"), "XDG_DATA_HOME": str(home / "data"),
        "XDG_STATE_HOME": str(home / "state"), "XDG_CACHE_HOME": str(home / "cache"),
    }
    proc = subprocess.run([nvim, "--headless", "--clean", "-u", str(SCRIPT), str(sample)], cwd=tmp_path, env=env,
                          stdin=subprocess.DEVNULL, capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert "PASS" in proc.stderr
    assert sample.read_text() == SAMPLE  # edits went to the buffer, which was never written
