"""The documentation stays true to the code: one page per rule code under docs/rules/, generated
from the checks' docs (scripts/gen_rule_docs.py), the same text `errlint rule CODE` prints."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from cli_support import run
from errlint.output.rules import rule_codes, rule_page

ROOT = Path(__file__).resolve().parent.parent
SCRIPT = ROOT / "scripts" / "gen_rule_docs.py"


def test_every_rule_code_has_its_page_and_the_pages_are_up_to_date():
    proc = subprocess.run([sys.executable, str(SCRIPT), "--check"], capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    pages = sorted(p.stem for p in (ROOT / "docs" / "rules").glob("*.md"))
    assert pages == sorted(rule_codes())
    assert {"ERR000", "ERR999"} <= set(pages)


def test_a_stale_page_is_found(tmp_path):
    code = (
        "import runpy, sys, pathlib\n"
        f"mod = runpy.run_path({str(SCRIPT)!r})\n"
        "pages = pathlib.Path(sys.argv[1])\n"
        "mod['main'].__globals__['PAGES'] = pages\n"
        "assert mod['main']([]) == 0\n"
        "(pages / 'ERR004.md').write_text('# edited by hand\\n')\n"
        "(pages / 'ERR123.md').write_text('# a rule that is gone\\n')\n"
        "print(sorted(mod['stale']()))\n"
    )
    proc = subprocess.run([sys.executable, "-c", code, str(tmp_path)], capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() == "['ERR004.md', 'ERR123.md']"


def test_errlint_rule_prints_the_page(capsys):
    for code in ("ERR004", "ERR000"):
        status, out, _ = run(capsys, "rule", code)
        assert status == 0
        page = (ROOT / "docs" / "rules" / f"{code}.md").read_text(encoding="utf-8")
        assert page.endswith(out) and out == rule_page(code)
