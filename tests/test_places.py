"""Per-statement positions and text edits equal what the whole module gives.

``Places`` positions a node from its top-level statement alone; the oracle is
LibCST's PositionProvider over the whole module. Text edits of fixes are
applied to the file's text and compared with the fix applied to the whole module.
"""
from __future__ import annotations

from pathlib import Path

import libcst as cst
import pytest
from libcst.metadata import MetadataWrapper, PositionProvider

from errlint.python.scan import walk
from errlint.python.parse import lenient_try
from errlint.engine import Linter
from errlint.python.edits import _text_edits
from errlint.python.places import Places
from errlint.python.fixes import apply_replacements
from errlint.packs import load_registry

FIXTURES = Path(__file__).parent / "fixtures"

ODD = {
    "header and footer comments": "# header\n\n# more\nimport os\n\ntry:\n    pass\nexcept Exception:\n    pass\n# footer\n",
    "no trailing newline": "import os\ntry:\n    pass\nexcept Exception:\n    pass\nexcept ValueError:\n    pass",
    "crlf": "import os\r\n\r\ntry:\r\n    pass\r\nexcept Exception:\r\n    pass\r\nexcept ValueError:\r\n    pass\r\n",
    "cr only": "import os\rtry:\r    pass\rexcept Exception:\r    pass\rexcept ValueError:\r    pass\r",
    "strings over lines": 'x = """\n\n"""\ny = (\n    1,\n)\ntry:\n    pass\nexcept Exception:\n    pass\nexcept ValueError:\n    pass\n',
    "semicolons and continuation": "a = 1; b = 2\nc = 1 + \\\n    2\nif a:\n    try: pass\n    except Exception: pass\n    except ValueError: pass\n",
    "empty": "",
    "only comments": "# nothing\n",
}


def _sources():
    for path in sorted(FIXTURES.rglob("*.py")):
        yield path.name, path.read_bytes()
    for name, text in ODD.items():
        yield name, text.encode()


SOURCES = list(_sources())


@pytest.mark.parametrize("name,source", SOURCES, ids=[n for n, _ in SOURCES])
def test_every_node_has_the_whole_module_position(name, source):
    with lenient_try():  # as errlint reads a file: a bare except: before other handlers too
        try:
            module = cst.parse_module(source)
        except cst.ParserSyntaxError:
            pytest.skip("not parseable by LibCST")
        whole = MetadataWrapper(module, unsafe_skip_copy=True).resolve(PositionProvider)
        places = Places(module)
        nodes = list(walk(module.body, enter_scopes=True))
        for node in reversed(nodes):  # late statements first: the index is filled out of order
            assert places.position(node) == whole[node], (name, cst.Module(body=()).code_for_node(node)[:60])
        assert len(nodes) == 0 or places.statement_of(nodes[0]) == 0


def _apply(text: str, edit: dict) -> str:
    """``text`` with one ruff-style edit (1-based rows and columns, end exclusive) applied."""
    starts = [0]
    for line in text.splitlines(keepends=True):
        starts.append(starts[-1] + len(line))

    def offset(where: dict) -> int:
        return starts[where["row"] - 1] + where["column"] - 1 if where["row"] <= len(starts) else len(text)

    return text[: offset(edit["location"])] + edit["content"] + text[offset(edit["end_location"]):]


@pytest.mark.parametrize("name,source", SOURCES, ids=[n for n, _ in SOURCES])
def test_fix_edits_match_the_whole_module(name, source):
    linter = Linter(load_registry())
    result = linter.lint_source(name, source, keep_module=True)
    if result.module is None:
        pytest.skip("not parsed")
    places = Places(result.module)
    checked = []
    for d in result.diagnostics:
        if d.fix is None:
            continue
        edits = _text_edits(places, d.fix)
        spans = sorted(((e["location"]["row"], e["location"]["column"]), (e["end_location"]["row"], e["end_location"]["column"])) for e in edits)
        assert all(a[1] <= b[0] for a, b in zip(spans, spans[1:])), (name, d.line, "edits of one fix overlap")
        text = result.module.code
        for edit in sorted(edits, key=lambda e: (e["location"]["row"], e["location"]["column"]), reverse=True):
            text = _apply(text, edit)
        assert text == apply_replacements(result.module, [d.fix]).code, (name, d.line)  # every edit of the fix, applied
        assert edits and all(e["location"]["column"] == 1 for e in edits)  # whole lines
        checked.append(d)
    if name == "fixes.py" or name.startswith("crlf"):
        assert checked
