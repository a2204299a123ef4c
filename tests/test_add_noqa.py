"""``errlint --add-noqa`` (issue 27, point 1), through the CLI, as ruff's: a noqa comment on the line of
each finding, codes already there kept, written atomically, ``Added N noqa directives.`` on standard
error and exit 0; a line that cannot take a comment is left as it was and named (errlint/engine/addnoqa.py)."""
from __future__ import annotations

import os
import stat
import subprocess
import sys

import pytest

from cli_support import SHADOWED, run

PYTHON = """\
try:
    pass
except Exception:
    pass
except ValueError:  # noqa: E501
    pass
try:
    pass
except Exception:
    pass
except (ValueError, TypeError):  # a comment
    pass
try:
    pass
except Exception:
    pass
except KeyError:  \t
    pass
"""
PYTHON_NOQA = """\
try:
    pass
except Exception:
    pass
except ValueError:  # noqa: E501, ERR004
    pass
try:
    pass
except Exception:
    pass
except (ValueError, TypeError):  # a comment  # noqa: ERR004
    pass
try:
    pass
except Exception:
    pass
except KeyError:  # noqa: ERR004
    pass
"""


def test_python_comments_added_and_codes_kept(tree, capsys):
    (tree / "a.py").write_text(PYTHON)
    assert run(capsys, "--no-cache", "-q", "a.py")[0] == 1
    assert run(capsys, "--no-cache", "--add-noqa", "a.py") == (0, "", "Added 3 noqa directives.\n")
    assert (tree / "a.py").read_text() == PYTHON_NOQA
    assert run(capsys, "--no-cache", "a.py") == (0, "All checks passed!\n", "")
    assert run(capsys, "--no-cache", "--add-noqa", "a.py") == (0, "", "")  # nothing left to add: nothing said
    assert (tree / "a.py").read_text() == PYTHON_NOQA
    assert os.listdir(tree) == ["a.py"]  # written through a temporary file and a rename: nothing left behind


def test_bytes_line_ends_and_permissions_are_kept(tree, capsys):
    source = ("# -*- coding: latin-1 -*-\r\nname = '\xe9'\r\n" + SHADOWED.replace("\n", "\r\n")).encode("latin-1")
    (tree / "latin.py").write_bytes(source)
    (tree / "bom.py").write_bytes(b"\xef\xbb\xbf" + SHADOWED.encode())
    os.chmod(tree / "latin.py", 0o640)
    assert run(capsys, "--no-cache", "--add-noqa", "latin.py", "bom.py") == (0, "", "Added 2 noqa directives.\n")
    assert (tree / "latin.py").read_bytes() == source.replace(b"except ValueError:\r\n", b"except ValueError:  # noqa: ERR004\r\n")
    assert (tree / "bom.py").read_bytes() == b"\xef\xbb\xbf" + SHADOWED.replace("except ValueError:", "except ValueError:  # noqa: ERR004").encode()
    assert stat.S_IMODE(os.stat(tree / "latin.py").st_mode) == 0o640
    assert run(capsys, "--no-cache", "-q", "latin.py", "bom.py") == (0, "", "")


CONTINUED = '''\
import alter_sdk


def f(client: alter_sdk.AlterVault):
    try:
        client.call(x="""
        text""")
    except Exception:
        pass
    except alter_sdk.GrantExpiredError:
        pass
    try:
        client.call()
    except Exception:
        pass
    except alter_sdk.GrantExpiredError \\
            as e:
        pass
'''


def test_a_line_that_does_not_end_in_code_is_left_and_named(tree, capsys):
    (tree / "a.py").write_text(CONTINUED)
    code, out, _ = run(capsys, "--no-cache", "-q", "--select", "ERR004", "a.py")
    assert code == 1 and [line.split(":")[1] for line in out.splitlines()] == ["10", "16"]
    code, out, err = run(capsys, "--no-cache", "--select", "ERR004", "--add-noqa", "a.py")
    assert (code, out) == (0, "")
    assert err == (
        "errlint: warning: a.py:16: no noqa comment added: the line does not end in code "
        "(a string, a template literal, JSX text or a line continuation goes on past it)\n"
        "Added 1 noqa directive.\n"
    )
    assert (tree / "a.py").read_text() == CONTINUED.replace(
        "    except alter_sdk.GrantExpiredError:\n", "    except alter_sdk.GrantExpiredError:  # noqa: ERR004\n")


TYPESCRIPT = """\
declare function parse(text: string): unknown;
export function f(text: string) {
  try {
    return parse(text);
  } catch (e) {
    if (e instanceof Error) {
      return null;
    } else if (e instanceof SyntaxError) { // why
      return undefined;
    } else if (e instanceof TypeError) { return `x
      ${e}`; } else if (e instanceof RangeError) { // noqa: ERR001
      return 3;
    }
  }
}
"""


def test_typescript_and_javascript_get_slashes(tree, capsys):
    (tree / "a.ts").write_text(TYPESCRIPT)
    (tree / "c.jsx").write_text(
        "export function C() {\n  try { load(); } catch (e) { if (e instanceof Error) { return 1; }"
        " else if (e instanceof TypeError) { return <div>\n     {e.message}</div>; } }\n}\n"
    )
    code, out, err = run(capsys, "--no-cache", "--add-noqa", "a.ts", "c.jsx")
    assert (code, out) == (0, "")
    assert err.splitlines() == [
        "errlint: warning: a.ts:10: no noqa comment added: the line does not end in code "
        "(a string, a template literal, JSX text or a line continuation goes on past it)",
        "errlint: warning: c.jsx:2: no noqa comment added: the line does not end in code "
        "(a string, a template literal, JSX text or a line continuation goes on past it)",
        "Added 2 noqa directives.",
    ]
    assert (tree / "a.ts").read_text() == TYPESCRIPT.replace("{ // why\n", "{ // why  // noqa: ERR004\n").replace(
        "// noqa: ERR001\n", "// noqa: ERR001, ERR004\n")
    code, out, _ = run(capsys, "--no-cache", "-q", "a.ts", "c.jsx")
    assert code == 1 and [line.split(":")[:2] for line in out.splitlines()] == [["a.ts", "10"], ["c.jsx", "2"]]


@pytest.mark.parametrize("other", [["--fix", "a.py"], ["--diff", "a.py"], ["--statistics", "a.py"], ["--show-files", "a.py"],
                                   ["--stdin-filename", "a.py", "-"]])
def test_add_noqa_alone(tree, capsys, other):
    (tree / "a.py").write_text(SHADOWED)
    code, out, err = run(capsys, "--add-noqa", *other)
    assert code == 2 and out == "" and err.startswith("errlint: error: --add-noqa cannot be used with ")
    assert (tree / "a.py").read_text() == SHADOWED


def test_flake8_reads_the_comments_errlint_added(tree, capsys):
    (tree / "a.py").write_text(PYTHON)
    proc = subprocess.run([sys.executable, "-m", "flake8", "--isolated", "--select=ERR", "a.py"], cwd=tree, capture_output=True, text=True)
    assert proc.returncode == 1 and len(proc.stdout.splitlines()) == 3
    assert run(capsys, "--no-cache", "--add-noqa", "a.py")[0] == 0
    proc = subprocess.run([sys.executable, "-m", "flake8", "--isolated", "--select=ERR,E", "a.py"], cwd=tree, capture_output=True, text=True)
    assert (proc.returncode, proc.stdout) == (0, ""), proc.stdout + proc.stderr
