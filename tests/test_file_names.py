"""A file name that is not UTF-8 prints with escapes in every output (issue 28).

``caf\\xe9.py`` (Latin-1 bytes) is ``caf\\udce9.py`` to Python. On a strict UTF-8
stdout (``PYTHONIOENCODING=utf-8``, what Python sets up under an ``en_US.UTF-8``
locale) the text and github outputs, ``-o`` and ``--diff`` failed with
UnicodeEncodeError; they now print ``caf\\xe9.py``. JSON and SARIF keep JSON's
own escape (``caf\\udce9.py``), which a JSON reader turns back into the name.
"""
from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from cli_support import SHADOWED

pytestmark = pytest.mark.skipif(sys.platform in ("win32", "darwin"), reason="file names that are not UTF-8 (Linux)")
NAME = b"caf\xe9.py"
SHOWN = "caf\\xe9.py"
FINDING = f"{SHOWN}:5:1: ERR004 except ValueError is unreachable: Exception on line 3 catches it first"


@pytest.fixture
def latin1(tree):
    with open(os.path.join(os.fsencode(tree), NAME), "w") as fh:
        fh.write(SHADOWED)
    return tree


def errlint(cwd, *args, stdin: bytes | None = None):
    env = dict(os.environ, PYTHONIOENCODING="utf-8")  # strict: an unencodable character is an error
    proc = subprocess.run([sys.executable, "-m", "errlint.cli", "--no-cache", *args], cwd=cwd, env=env,
                          capture_output=True, input=stdin, timeout=120)
    assert b"Traceback" not in proc.stderr and b"internal error" not in proc.stderr, proc.stderr
    return proc.returncode, proc.stdout.decode("utf-8"), proc.stderr.decode("utf-8")


def test_text(latin1):
    code, out, _ = errlint(latin1, ".")
    assert (code, out.splitlines()[:2]) == (1, [FINDING, "Found 1 finding in 1 file."])


def test_github(latin1):
    code, out, _ = errlint(latin1, "--output-format", "github", ".")
    assert code == 1 and out.startswith(f"::error file={SHOWN},line=5,col=1,")


@pytest.mark.parametrize("fmt", ["json", "sarif"])
def test_json_and_sarif_keep_the_name_recoverable(latin1, fmt):
    code, out, _ = errlint(latin1, "--output-format", fmt, ".")
    assert code == 1 and "caf\\udce9.py" in out
    data = json.loads(out)
    name = data[0]["filename"] if fmt == "json" else data["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
    assert os.fsencode(name) == NAME


def test_statistics_and_show_files(latin1):
    assert errlint(latin1, "--statistics", ".")[0] == 1
    assert errlint(latin1, "--show-files", ".")[1] == SHOWN + "\n"


def test_a_report_file(latin1):
    code, out, err = errlint(latin1, "-o", "report.txt", ".")
    assert (code, out) == (1, "") and "cannot write" not in err
    assert (latin1 / "report.txt").read_text(encoding="utf-8").startswith(FINDING + "\nFound 1 finding in 1 file.\n")


def test_diff_keeps_the_files_bytes_and_escapes_the_name(latin1):
    """The header names the file with escapes; the body is the file's own bytes (Latin-1 here), so the
    diff applies to it."""
    with open(os.path.join(os.fsencode(latin1), NAME), "wb") as fh:
        fh.write(b"# -*- coding: latin-1 -*-\n" + SHADOWED.encode() + b"# caf\xe9\n")
    env = dict(os.environ, PYTHONIOENCODING="utf-8")
    proc = subprocess.run([sys.executable, "-m", "errlint.cli", "--no-cache", "--diff", "--unsafe-fixes", "."], cwd=latin1,
                          env=env, capture_output=True, timeout=120)
    assert proc.returncode == 1, proc.stderr
    assert proc.stdout.startswith(f"--- a/{SHOWN}\n+++ b/{SHOWN}\n".encode())
    assert proc.stdout.endswith(b"\n # caf\xe9\n\nWould fix 1 finding.\n") and b"\n+except ValueError:\n" in proc.stdout


def test_fix_writes_the_file_and_reports_it(latin1):
    code, out, _ = errlint(latin1, "--fix", "--unsafe-fixes", ".")
    assert code == 0 and "Fixed 1 finding in 1 file" in out
    with open(os.path.join(os.fsencode(latin1), NAME)) as fh:
        assert "except ValueError:\n    pass\nexcept Exception:" in fh.read()


def test_standard_input_named_so(latin1):
    code, out, _ = errlint(latin1, "-", "--stdin-filename", os.fsdecode(NAME), stdin=SHADOWED.encode())
    assert (code, out.splitlines()[0]) == (1, FINDING)
