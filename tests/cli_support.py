"""What the command-line tests share: sample sources and a runner."""
from __future__ import annotations

import re
import shutil
import subprocess
import textwrap
from pathlib import Path

from errlint.cli import main

ROOT = Path(__file__).resolve().parent.parent


def git(cwd: Path, *args: str) -> None:
    subprocess.run(["git", *args], cwd=cwd, check=True, capture_output=True)


def commit_all(repo: Path, message: str) -> None:
    git(repo, "add", "-A")
    git(repo, "-c", "user.name=t", "-c", "user.email=t@example.com", "commit", "-qm", message)


def run_hook(project: Path, hook_repo: Path, hook: str, *args: str) -> subprocess.CompletedProcess:
    """``pre-commit run <hook> *args`` in the git repository ``project``, whose
    ``.pre-commit-config.yaml`` (written and staged here) names both of errlint's hooks from
    ``hook_repo`` at its HEAD, as a user's configuration pins a commit.

    Not ``pre-commit try-repo``: it builds the hook's environment in a temporary store every
    time (7 s each); ``pre-commit run`` keeps it in ``PRE_COMMIT_HOME``, one store beside the
    hook repository for the whole test run (tests/conftest.py's hook_repo), so it is built once."""
    import os
    import sys

    sha = subprocess.run(["git", "rev-parse", "HEAD"], cwd=hook_repo, capture_output=True, text=True, check=True).stdout.strip()
    config = f"repos:\n-   repo: {hook_repo}\n    rev: {sha}\n    hooks:\n    -   id: errlint\n    -   id: errlint-fix\n"
    path = project / ".pre-commit-config.yaml"
    if not path.exists() or path.read_text() != config:
        path.write_text(config)
        git(project, "add", ".pre-commit-config.yaml")
    env = dict(os.environ, PRE_COMMIT_HOME=str(hook_repo.parent / "pre-commit-home"))
    return subprocess.run(
        [sys.executable, "-m", "pre_commit", "run", hook, "--color=never", *args],
        cwd=project, capture_output=True, text=True, env=env, timeout=900,
    )


def make_hook_repo(repo: Path) -> Path:
    """A committed copy of this repository in ``repo`` (pre-commit needs a git repository with
    the hooks file at the commit a configuration names)."""
    repo.mkdir(exist_ok=True)
    for name in ("pyproject.toml", "README.md", ".pre-commit-hooks.yaml"):
        shutil.copy2(ROOT / name, repo / name)
    for folder in ("errlint", "rules", "docs/rules"):  # the wheel ships docs/rules (the language server links them)
        shutil.copytree(ROOT / folder, repo / folder, ignore=shutil.ignore_patterns("__pycache__"))
    git(repo, "init", "-q")
    commit_all(repo, "hooks")
    return repo

# ERR004 on line 5: ValueError after Exception; MOVED is what --fix makes of it
SHADOWED = "try:\n    pass\nexcept Exception:\n    pass\nexcept ValueError:\n    pass\n"
MOVED = "try:\n    pass\nexcept ValueError:\n    pass\nexcept Exception:\n    pass\n"
CLEAN = MOVED

# A team's pack and code that uses it: ERR004 on line 6 (AcmeAuthError derives from AcmeError)
ACME_PACK = textwrap.dedent(
    """
    [sdk]
    name = "acme"
    modules = ["acme"]

    [errors.AcmeError]
    parent = "builtins.Exception"

    [errors.AcmeAuthError]
    parent = "AcmeError"
    """
)
ACME_CODE = "import acme\ntry:\n    pass\nexcept acme.AcmeError:\n    pass\nexcept acme.AcmeAuthError:\n    pass\n"


_FINDING = re.compile(r"^.+:\d+:\d+: [A-Z]+[0-9]+ ")
# the closing lines of text output (errlint.cli.check._summary)
_SUMMARY = re.compile(
    r"^(Found \d+ findings? in \d+ files?\.|Fixed \d+ findings? in \d+ files?; \d+ remaining\.|All checks passed!"
    r"|\[\*\] \d+ fixable with the `--fix` option.*|No fixes available \(.*\)\.)$"
)


def findings(out: str) -> list[str]:
    """The finding lines of text output. The summary must close it: every other line, after them."""
    lines = out.splitlines()
    n = next((i for i, line in enumerate(lines) if not _FINDING.match(line)), len(lines))
    assert all(_SUMMARY.match(line) for line in lines[n:]), lines[n:]
    return lines[:n]


def run(capsys, *args):
    """``errlint ARGS`` in-process: (exit code, stdout, stderr)."""
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def import_dotted(dotted: str):
    """``module.Name``, or an attribute path from the longest importable module
    (``stripe.error.CardError``: ``stripe.error`` is an attribute, not a module, from stripe 13)."""
    import importlib

    parts = dotted.split(".")
    for cut in range(len(parts) - 1, 0, -1):
        try:
            obj = importlib.import_module(".".join(parts[:cut]))
        except ImportError:
            continue
        for attr in parts[cut:]:
            obj = getattr(obj, attr)
        return obj
    raise ImportError(dotted)
