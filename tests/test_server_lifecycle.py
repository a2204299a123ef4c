"""``errlint server``: position encodings, robustness, supersession, shutdown and exit (issue 26)."""
from __future__ import annotations

import asyncio
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
import pytest_asyncio
from lsprotocol import types as t
from pytest_lsp import client_capabilities

from lsp_support import (SERVER, apply_edits, caps, change, change_range, column_units, edits_of, make_client, open_doc,
                         position, start, stop)
from server_project import SHADOW, cli_findings, make_project

pytestmark = pytest.mark.asyncio(loop_scope="module")

NON_ASCII_TS = '''declare function log(s: string): void;
export function f(run: () => void) {
  try {
    run();
  } catch (e) {
    if (e instanceof Error) { log("é😀"); } else if (e instanceof TypeError) { log("𝑒"); }
  }
}
'''
NON_ASCII_PY = SHADOW.replace("    except ValueError:\n", "    except ValueError:  # é😀 # noqa: E501\n")
BIG = "".join(SHADOW.replace("def f(", f"def f{i}(") + "\n\n" for i in range(300))  # a lint of seconds
CRASH = '''# A check that fails on a marked file (and prints to standard output on the way): ERR999, not a dead server.
from errlint.checks.err004_shadowed_except import ShadowedExcept

_run = ShadowedExcept.run


def run(self):
    if b"CRASH_ME" in getattr(self.file, "source", b""):
        print("a stray print from a check")
        raise RuntimeError("boom")
    return _run(self)


ShadowedExcept.run = run
'''


@pytest.fixture(scope="module")
def project(tmp_path_factory) -> Path:
    return make_project(tmp_path_factory.mktemp("proj"))


def units_of(diagnostics, text: str, encoding: str) -> list[tuple[int, int, int, int]]:
    return [(d.range.start.line, d.range.start.character, d.range.end.line, d.range.end.character) for d in diagnostics]


def expected_units(findings, text: str, encoding: str) -> list[tuple[int, int, int, int]]:
    """The command line's findings (code point columns) in the client's units, counted here."""
    lines = text.splitlines()
    return [(r - 1, column_units(lines[r - 1], c - 1, encoding), er - 1, column_units(lines[er - 1], ec - 1, encoding))
            for r, c, er, ec, _, _ in findings]


@pytest.mark.parametrize("recorded, encoding", [
    ("visual_studio_code@v1.65.2", "utf-16"), ("neovim@v0.11.0", "utf-8"), ("emacs@v29.1", "utf-32"),
])
async def test_positions_in_the_negotiated_encoding(project, recorded, encoding):
    client = await start(project, client_capabilities(recorded))
    try:
        assert client.encoding == encoding
        ts_path = project / "web" / "non_ascii.ts"
        ts = open_doc(client, ts_path, NON_ASCII_TS)
        diagnostics = (await client.wait_published(ts, 1)).diagnostics
        findings = cli_findings(ts_path, NON_ASCII_TS)
        assert units_of(diagnostics, NON_ASCII_TS, encoding) == expected_units(findings, NON_ASCII_TS, encoding) != []

        py = open_doc(client, project / "non_ascii.py", NON_ASCII_PY)
        await client.wait_published(py, 1)
        # an incremental edit after the non-ASCII text, in the client's units: the noqa now names ERR004 too
        line = NON_ASCII_PY.splitlines()[7]
        at = line.index("E501") + 4
        rng = t.Range(start=t.Position(line=7, character=column_units(line, at, encoding)),
                      end=t.Position(line=7, character=column_units(line, at, encoding)))
        change_range(client, py, 2, rng, ", ERR004")
        edited = NON_ASCII_PY.replace("# noqa: E501", "# noqa: E501, ERR004")
        params = await client.wait_published(py, 2)
        assert len(params.diagnostics) == 1 and len(cli_findings(project / "non_ascii.py", edited)) == 1
        # hover on the code, after the non-ASCII text
        edited_line = edited.splitlines()[7]
        col = column_units(edited_line, edited_line.index("ERR004") + 1, encoding)
        hover = await client.text_document_hover_async(t.HoverParams(
            text_document=t.TextDocumentIdentifier(uri=py), position=t.Position(line=7, character=col)))
        start_cp = edited.splitlines()[7].index("ERR004")
        assert hover.range.start == position(edited, sum(len(x) + 1 for x in edited.splitlines()[:7]) + start_cp, encoding)
        # "disable for this line" on a line ending in non-ASCII text
        edited2 = edited.replace("    except (LookupError, KeyError):\n", "    except (LookupError, KeyError):  # é😀\n")
        change(client, py, edited2, 3)
        [d] = (await client.wait_published(py, 3)).diagnostics
        actions = await client.text_document_code_action_async(t.CodeActionParams(
            text_document=t.TextDocumentIdentifier(uri=py), range=d.range,
            context=t.CodeActionContext(diagnostics=[d], only=[t.CodeActionKind.QuickFix])))
        [noqa] = [a for a in actions if "Disable" in a.title]
        assert apply_edits(edited2, edits_of(noqa.edit, py), encoding).splitlines()[3].endswith("# é😀  # noqa: ERR004")
    finally:
        await stop(client)


async def test_an_internal_error_is_err999_logged_and_the_server_goes_on(project, tmp_path):
    (tmp_path / "sitecustomize.py").write_text(CRASH)
    client = await start(project, env={"PYTHONPATH": os.pathsep.join([str(tmp_path), *sys.path])})
    try:
        crash = open_doc(client, project / "crash.py", SHADOW + "# CRASH_ME\n")
        [d] = (await client.wait_published(crash, 1)).diagnostics
        assert d.code == "ERR999" and "internal error in shadowed-except (ERR004): RuntimeError: boom" in d.message
        good = open_doc(client, project / "shadow.py")
        assert len((await client.wait_published(good, 1)).diagnostics) == 2  # the stray print corrupted nothing
        for _ in range(200):
            if any("ERR004" in m.message and m.type == t.MessageType.Error for m in client.log_messages):
                break
            await asyncio.sleep(0.02)
        assert any("boom" in m.message and m.type == t.MessageType.Error for m in client.log_messages)
    finally:
        await stop(client)


async def test_form_feeds_do_not_shift_lines(project):
    """pygls' documents split lines at form feeds (str.splitlines); LSP and errlint do not."""
    client = await start(project)
    try:
        text = "x = 1\x0c# a page break\n" + SHADOW
        uri = open_doc(client, project / "form_feed.py", text)
        params = await client.wait_published(uri, 1)
        assert [d.range.start.line for d in params.diagnostics] == [4, 8]
        line = text.split("\n")[8]
        start_col = line.index("ValueError")
        change_range(client, uri, 2, t.Range(start=t.Position(line=8, character=start_col),
                                             end=t.Position(line=8, character=start_col + len("ValueError"))), "OSError")
        params = await client.wait_published(uri, 2)
        edited = text.replace("except ValueError", "except OSError")
        assert [d.range.start.line for d in params.diagnostics] == [4, 8]
        assert "except OSError is unreachable" in params.diagnostics[1].message
        assert len(cli_findings(project / "form_feed.py", edited)) == 2
    finally:
        await stop(client)


async def test_a_newer_version_supersedes_a_queued_lint(project):
    client = await start(project)
    try:
        uri = open_doc(client, project / "big.py", BIG)  # its lint takes a while
        await asyncio.sleep(0.3)
        change(client, uri, BIG + "# v2\n", 2)
        await asyncio.sleep(0.3)  # past the debounce: v2's lint waits for v1's
        change(client, uri, BIG + "# v3\n", 3)
        params = await client.wait_published(uri, 3, timeout=120)
        assert len(params.diagnostics) == 600
        assert [p.version for p in client.published_for(uri)] == [3]  # neither v1's nor v2's verdict
        info = await client.workspace_execute_command_async(t.ExecuteCommandParams(command="errlint.debugInfo"))
        assert info["superseded"] >= 1, info
    finally:
        await stop(client)


async def test_shutdown_and_exit_are_prompt_while_a_lint_runs(project):
    client = await start(project)
    open_doc(client, project / "big.py", BIG)
    await asyncio.sleep(0.5)  # the lint is running
    t0 = time.perf_counter()
    await asyncio.wait_for(client.shutdown_session(), 10)
    assert client._server.returncode == 0
    assert time.perf_counter() - t0 < 3
    await client.stop()


async def test_exit_without_shutdown_is_exit_code_1(project):
    client = await start(project)
    client.exit(None)
    assert await asyncio.wait_for(client._server.wait(), 10) == 1
    await client.stop()


async def test_the_server_ends_when_its_input_ends(project):
    proc = await asyncio.to_thread(subprocess.run, SERVER, cwd=project, input=b"", capture_output=True, timeout=60)
    assert proc.returncode == 1 and proc.stdout == b""


async def test_the_server_ends_when_the_editor_is_gone(project):
    editor = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(120)"])
    client = make_client()
    await client.start_io(*SERVER, cwd=str(project))
    await client.initialize_session(t.InitializeParams(capabilities=caps(), process_id=editor.pid, root_uri=project.as_uri()))
    editor.kill()
    editor.wait()
    assert await asyncio.wait_for(client._server.wait(), 15) == 1
    await client.stop()
