"""The npm packages the TypeScript packs are checked against, installed once per machine for the test runs.

``install_pins(base)`` installs tests/data/npm-pins.json (exact versions, from the npm registry, with
``npm install --ignore-scripts``) into ``base/npm-pins-<digest of the pins>``: a folder every test session
(and every pytest-xdist worker) shares. A lock file serialises the install: the first process installs, the
others wait for it and reuse the folder; a later run with the same pins reuses it too. ``ERRLINT_NPM_PINS``
names a folder that already holds them (a CI cache). Raises :class:`NpmUnavailable` with the reason when npm
is absent or the install fails (offline): the tests that need the packages skip with it.
"""
from __future__ import annotations

import fcntl
import hashlib
import json
import os
import shutil
import subprocess
from pathlib import Path

PINS = Path(__file__).parent / "data" / "npm-pins.json"


class NpmUnavailable(Exception):
    """Why the pinned npm packages cannot be had here."""


def pins() -> dict[str, str]:
    return json.loads(PINS.read_text(encoding="utf-8"))["dependencies"]


def install_pins(base: Path) -> Path:
    """The folder whose node_modules holds the pinned packages (installed now if need be)."""
    given = os.environ.get("ERRLINT_NPM_PINS")
    if given:
        if not (Path(given) / "node_modules").is_dir():
            raise NpmUnavailable(f"ERRLINT_NPM_PINS={given} holds no node_modules")
        return Path(given)
    npm = shutil.which("npm")
    if npm is None:
        raise NpmUnavailable("npm is not installed: the TypeScript packs are not compared with their npm packages")
    digest = hashlib.blake2b(PINS.read_bytes(), digest_size=8).hexdigest()
    folder = base / f"npm-pins-{digest}"
    folder.mkdir(parents=True, exist_ok=True)
    done = folder / ".installed"
    with open(folder / ".lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # one installer; the others wait, then find it done
        try:
            if not done.exists():
                shutil.copyfile(PINS, folder / "package.json")
                proc = subprocess.run(
                    [npm, "install", "--ignore-scripts", "--no-audit", "--no-fund", "--loglevel=error"],
                    cwd=folder, capture_output=True, text=True, timeout=900,
                )
                if proc.returncode != 0:
                    tail = " ".join((proc.stderr or proc.stdout).strip().splitlines()[-3:])
                    raise NpmUnavailable(f"npm install of the pinned packages failed (offline?): {tail}")
                done.write_text("ok\n")
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)
    return folder
