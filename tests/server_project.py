"""The project the language server tests open: Python and TypeScript modules that import each other."""
from __future__ import annotations

import contextlib
import io
import json
import os
import shutil
import sys
from pathlib import Path

FIXTURES = Path(__file__).parent / "fixtures"

SHADOW = '''def f(load):
    try:
        return load()
    except (LookupError, KeyError):
        return None
    except Exception:
        return 1
    except ValueError:
        return 2
'''
ONE_SAFE_FIX = '''def g(load):
    try:
        return load()
    except (LookupError, KeyError):  # one safe fix
        return None
'''
ERRORS_PY = '''class ApiError(Exception):
    pass


class NotFound(ApiError):
    pass
'''
SERVICE_PY = '''from .errors import ApiError, NotFound


def fetch(load):
    try:
        return load()
    except ApiError:
        return None
    except NotFound:
        return 404
'''
ERRORS_TS = '''export class ApiError extends Error {}
export class NotFound extends ApiError {}
'''
SERVICE_TS = '''import { ApiError, NotFound } from "./errors";

declare function load(): Promise<string>;

export async function fetchIt() {
  try {
    return await load();
  } catch (e) {
    if (e instanceof ApiError) {
      return null;
    } else if (e instanceof NotFound) {
      return 404;
    }
  }
}
'''
PLAIN_JS = '''async function call(parse, text) {
  try {
    return await parse(text);
  } catch (e) {
    if (e instanceof Error) return null;
    else if (e instanceof TypeError) return 1;
  }
}
module.exports = { call };
'''


def make_project(root: Path) -> Path:
    """A project with a [tool.errlint] table (per-file-ignores for ignored_*.py), its Python package
    ``app`` (service.py imports errors.py), TypeScript modules in web/ and ERR004's fix fixture."""
    (root / "pyproject.toml").write_text(
        '[project]\nname = "proj"\nversion = "0"\n\n[tool.errlint]\nper-file-ignores = { "ignored_*.py" = ["ERR004"] }\n'
    )
    (root / "shadow.py").write_text(SHADOW)
    (root / "single.py").write_text(ONE_SAFE_FIX)
    (root / "ignored_shadow.py").write_text(SHADOW)
    (root / "build").mkdir()
    (root / "build" / "shadow.py").write_text(SHADOW)  # excluded by default
    shutil.copy(FIXTURES / "ERR004_shadowed_except" / "fixes.py", root / "fixes.py")
    app = root / "app"
    app.mkdir()
    (app / "__init__.py").write_text("")
    (app / "errors.py").write_text(ERRORS_PY)
    (app / "service.py").write_text(SERVICE_PY)
    web = root / "web"
    web.mkdir()
    (web / "errors.ts").write_text(ERRORS_TS)
    (web / "service.ts").write_text(SERVICE_TS)
    (web / "plain.js").write_text(PLAIN_JS)
    return root


def run_cli(args: list[str], cwd: Path, stdin: str | None = None) -> str:
    """errlint's command line, in this process (as ``errlint ARGS`` run in ``cwd``): its standard output."""
    from errlint.cli import main

    out = io.StringIO()
    here = os.getcwd()
    saved = sys.stdin
    try:
        os.chdir(cwd)
        if stdin is not None:
            sys.stdin = io.TextIOWrapper(io.BytesIO(stdin.encode()))
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(io.StringIO()):
            main(["--no-cache", "-j", "1", *args])
    finally:
        os.chdir(here)
        sys.stdin = saved
    return out.getvalue()


def cli_findings(path: Path, text: str | None = None) -> list[tuple[int, int, int, int, str, str]]:
    """The command line's findings for the file (or for ``text`` read from standard input under its name):
    (row, column, end row, end column, code, message), 1-based code point columns."""
    args = ["--output-format", "json"] + ([str(path)] if text is None else ["--stdin-filename", str(path), "-"])
    return sorted(
        (f["location"]["row"], f["location"]["column"], f["end_location"]["row"], f["end_location"]["column"],
         f["code"], f["message"])
        for f in json.loads(run_cli(args, path.parent, text))
    )


def cli_fix(path: Path) -> str:
    """What ``errlint --fix`` writes for the file (run on a copy beside it, under the same configuration)."""
    copy = path.with_name(f"cli_copy_{path.name}")
    copy.write_bytes(path.read_bytes())
    try:
        run_cli(["--fix", "-q", str(copy)], path.parent)
        return copy.read_text()
    finally:
        copy.unlink()
