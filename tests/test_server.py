"""``errlint server`` end to end: pytest-lsp's client (pygls') drives the real server over stdio (issue 26).

One server for the module, started in a project folder (tests/server_project.py);
each test opens its own documents. The verdicts are compared with the command
line's (``--output-format json``, ``--fix``) on the same bytes.
"""
from __future__ import annotations

from pathlib import Path
from urllib.parse import urlparse

import pytest
import pytest_asyncio
from lsprotocol import types as t

from errlint.output.rules import rule_page, rule_summary
from lsp_support import apply_edits, change, close, column_units, edits_of, open_doc, start, stop
from server_project import PLAIN_JS, SHADOW, cli_findings, cli_fix, make_project

pytestmark = pytest.mark.asyncio(loop_scope="module")


@pytest.fixture(scope="module")
def project(tmp_path_factory) -> Path:
    return make_project(tmp_path_factory.mktemp("proj"))


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def client(project):
    client = await start(project)
    yield client
    await stop(client)


def as_cli(diagnostics, text: str, encoding: str = "utf-16") -> list[tuple]:
    """LSP diagnostics in the command line's terms (1-based code point columns), for comparison."""
    lines = text.splitlines()

    def cp(line: int, units: int) -> int:
        row = lines[line] if line < len(lines) else ""
        return next((i for i in range(len(row) + 1) if column_units(row, i, encoding) >= units), len(row)) + 1

    return sorted((d.range.start.line + 1, cp(d.range.start.line, d.range.start.character), d.range.end.line + 1,
                   cp(d.range.end.line, d.range.end.character), d.code, d.message) for d in diagnostics)


async def actions_at(client, uri: str, diagnostic: t.Diagnostic, only=None) -> list[t.CodeAction]:
    return list(await client.text_document_code_action_async(t.CodeActionParams(
        text_document=t.TextDocumentIdentifier(uri=uri), range=diagnostic.range,
        context=t.CodeActionContext(diagnostics=[diagnostic], only=only))) or [])


# -- diagnostics -------------------------------------------------------------------------------------------
async def test_open_publishes_the_command_lines_findings(client, project):
    uri = open_doc(client, project / "shadow.py")
    params = await client.wait_published(uri, 1)
    assert as_cli(params.diagnostics, SHADOW) == cli_findings(project / "shadow.py")
    assert [d.range.start.line for d in params.diagnostics] == [3, 7]
    for d in params.diagnostics:
        assert d.source == "errlint" and d.code == "ERR004" and d.severity == t.DiagnosticSeverity.Warning
        page = Path(urlparse(d.code_description.href).path)
        assert d.code_description.href.startswith("file://") and page.name == "ERR004.md"
        assert page.read_text().endswith(rule_page("ERR004"))  # the page errlint rule prints
    assert [d.data["fixable"] for d in params.diagnostics] == [True, False]  # the handler move is unsafe


async def test_unsaved_edits_are_linted(client, project):
    path = project / "shadow.py"
    uri = open_doc(client, path, version=1)
    await client.wait_published(uri, 1)
    fixed = SHADOW.replace("(LookupError, KeyError)", "LookupError").replace("    except ValueError:\n        return 2\n", "")
    change(client, uri, fixed, 2)
    assert not (await client.wait_published(uri, 2)).diagnostics
    assert path.read_text() == SHADOW  # linted from the buffer, the file untouched
    reordered = SHADOW.replace("(LookupError, KeyError)", "(KeyError, LookupError)")
    change(client, uri, reordered, 3)
    params = await client.wait_published(uri, 3)
    assert as_cli(params.diagnostics, reordered) == cli_findings(path, reordered)
    assert "KeyError in except (KeyError, LookupError) is redundant" in params.diagnostics[0].message
    close(client, uri)


async def test_per_file_ignores_and_excludes_apply(client, project):
    ignored = open_doc(client, project / "ignored_shadow.py")
    excluded = open_doc(client, project / "build" / "shadow.py")
    assert not (await client.wait_published(ignored, 1)).diagnostics
    assert not (await client.wait_published(excluded, 1)).diagnostics
    assert cli_findings(project / "ignored_shadow.py") == []


async def test_close_clears_the_diagnostics(client, project):
    uri = open_doc(client, project / "shadow.py")
    await client.wait_published(uri, 1)
    n = len(client.published_for(uri))
    close(client, uri)
    params = await client.wait_count(uri, n + 1)
    assert not params.diagnostics


# -- code actions -------------------------------------------------------------------------------------------
async def test_quick_fix_gives_what_errlint_fix_writes(client, project):
    path = project / "single.py"
    uri = open_doc(client, path)
    [diagnostic] = (await client.wait_published(uri, 1)).diagnostics
    actions = await actions_at(client, uri, diagnostic)
    titles = [a.title for a in actions]
    assert titles == [
        "errlint (ERR004): Remove KeyError from the tuple",
        "errlint (ERR004): Disable ERR004 for this line",
        "errlint: Fix all auto-fixable problems",
    ]
    fix = actions[0]
    assert fix.kind == t.CodeActionKind.QuickFix and fix.is_preferred
    assert fix.edit.document_changes[0].text_document.version == 1  # a versioned edit
    assert apply_edits(path.read_text(), edits_of(fix.edit, uri), client.encoding) == cli_fix(path)
    close(client, uri)


async def test_fix_all_gives_what_errlint_fix_writes(client, project):
    path = project / "fixes.py"
    uri = open_doc(client, path)
    await client.wait_published(uri, 1)
    whole = t.Range(start=t.Position(line=0, character=0), end=t.Position(line=0, character=0))
    actions = await client.text_document_code_action_async(t.CodeActionParams(
        text_document=t.TextDocumentIdentifier(uri=uri), range=whole,
        context=t.CodeActionContext(diagnostics=[], only=[t.CodeActionKind.SourceFixAll])))
    [fix_all] = actions
    assert fix_all.kind == "source.fixAll.errlint" and fix_all.edit is None  # computed when resolved
    resolved = await client.code_action_resolve_async(fix_all)
    fixed = apply_edits(path.read_text(), edits_of(resolved.edit, uri), client.encoding)
    assert fixed == cli_fix(path)
    assert fixed != path.read_text()
    change(client, uri, fixed, 2)  # the editor applies it: what is left is what the command line reports
    params = await client.wait_published(uri, 2)
    assert as_cli(params.diagnostics, fixed) == cli_findings(path, fixed)
    assert params.diagnostics and not any(d.data["fixable"] for d in params.diagnostics)  # unsafe fixes are left
    close(client, uri)


async def test_fix_all_as_a_command_for_clients_that_cannot_resolve(project):
    from lsp_support import caps

    client = await start(project, caps(resolve=False))
    try:
        path = project / "fixes.py"
        uri = open_doc(client, path)
        await client.wait_published(uri, 1)
        await client.workspace_execute_command_async(t.ExecuteCommandParams(
            command="errlint.applyFixAll", arguments=[{"uri": uri, "version": 1}]))
        [applied] = client.applied
        assert apply_edits(path.read_text(), edits_of(applied.edit, uri), client.encoding) == cli_fix(path)
    finally:
        await stop(client)


async def test_unsafe_fixes_only_when_configured_and_labelled(client, project):
    path = project / "shadow.py"
    uri = open_doc(client, path)
    diagnostics = (await client.wait_published(uri, 1)).diagnostics
    unreachable = diagnostics[1]
    titles = [a.title for a in await actions_at(client, uri, unreachable, only=[t.CodeActionKind.QuickFix])]
    assert titles == ["errlint (ERR004): Disable ERR004 for this line"]  # no unsafe fix without unsafe-fixes
    close(client, uri)

    unsafe = project / "unsafe"
    unsafe.mkdir(exist_ok=True)
    (unsafe / "pyproject.toml").write_text("[tool.errlint]\nunsafe-fixes = true\n")
    (unsafe / "shadow.py").write_text(SHADOW)
    uri = open_doc(client, unsafe / "shadow.py")
    unreachable = (await client.wait_published(uri, 1)).diagnostics[1]
    assert unreachable.data["fixable"]
    [move, noqa] = await actions_at(client, uri, unreachable, only=[t.CodeActionKind.QuickFix])
    assert move.title.endswith("(unsafe fix)") and not move.is_preferred
    moved = apply_edits(SHADOW, edits_of(move.edit, uri), client.encoding)
    assert moved.index("except ValueError") < moved.index("except Exception")
    close(client, uri)


async def test_disable_for_this_line_adds_or_extends_noqa(client, project):
    text = SHADOW.replace("    except ValueError:\n", "    except ValueError:  # noqa: E501\n")
    uri = open_doc(client, project / "noqa_case.py", text)
    first, second = (await client.wait_published(uri, 1)).diagnostics
    [noqa] = [a for a in await actions_at(client, uri, first) if "Disable" in a.title]
    added = apply_edits(text, edits_of(noqa.edit, uri), client.encoding)
    assert added.splitlines()[3] == "    except (LookupError, KeyError):  # noqa: ERR004"
    [noqa] = [a for a in await actions_at(client, uri, second) if "Disable" in a.title]
    extended = apply_edits(added, edits_of(noqa.edit, uri), client.encoding)
    assert extended.splitlines()[7] == "    except ValueError:  # noqa: E501, ERR004"
    change(client, uri, extended, 2)
    assert not (await client.wait_published(uri, 2)).diagnostics
    assert cli_findings(project / "noqa_case.py", extended) == []
    close(client, uri)


# -- hover ------------------------------------------------------------------------------------------------------
async def test_hover_on_a_code_in_a_noqa_comment(client, project):
    text = "x = 1  # noqa: E501, ERR004\n"
    uri = open_doc(client, project / "hover_case.py", text)
    await client.wait_published(uri, 1)

    async def hover(col: int):
        return await client.text_document_hover_async(t.HoverParams(
            text_document=t.TextDocumentIdentifier(uri=uri), position=t.Position(line=0, character=col)))

    found = await hover(text.index("ERR004") + 2)
    assert found.contents.kind == t.MarkupKind.Markdown
    assert found.contents.value.startswith("**ERR004 shadowed-except**: " + rule_summary("ERR004").partition(": ")[2])
    assert found.contents.value.endswith(rule_page("ERR004"))  # the text errlint rule ERR004 prints
    assert (found.range.start.character, found.range.end.character) == (text.index("ERR004"), text.index("ERR004") + 6)
    assert await hover(text.index("E501")) is None  # another tool's code
    assert await hover(1) is None
    close(client, uri)


# -- TypeScript and JavaScript ---------------------------------------------------------------------------------------
async def test_typescript_and_javascript_documents(client, project):
    ts = open_doc(client, project / "web" / "service.ts")
    js = open_doc(client, project / "web" / "plain.js")
    ts_diags = (await client.wait_published(ts, 1)).diagnostics
    js_diags = (await client.wait_published(js, 1)).diagnostics
    assert as_cli(ts_diags, (project / "web" / "service.ts").read_text()) == cli_findings(project / "web" / "service.ts")
    assert as_cli(js_diags, PLAIN_JS) == cli_findings(project / "web" / "plain.js") != []
    [noqa] = [a for a in await actions_at(client, js, js_diags[0]) if "Disable" in a.title]
    silenced = apply_edits(PLAIN_JS, edits_of(noqa.edit, js), client.encoding)
    assert silenced.splitlines()[5] == "    else if (e instanceof TypeError) return 1;  // noqa: ERR004"
    change(client, js, silenced, 2)
    assert not (await client.wait_published(js, 2)).diagnostics
    hover = await client.text_document_hover_async(t.HoverParams(
        text_document=t.TextDocumentIdentifier(uri=js),
        position=t.Position(line=5, character=silenced.splitlines()[5].index("ERR004"))))
    assert hover is not None and "shadowed-except" in hover.contents.value
    close(client, ts)
    close(client, js)


# -- robustness ---------------------------------------------------------------------------------------------------------
async def test_a_broken_document_gets_err000_and_the_server_goes_on(client, project):
    broken = open_doc(client, project / "broken.py", "def f(:\n    pass\n")
    [d] = (await client.wait_published(broken, 1)).diagnostics
    assert d.code == "ERR000" and d.severity == t.DiagnosticSeverity.Error and "cannot parse" in d.message
    broken_ts = open_doc(client, project / "web" / "broken.ts", "export function broken( {\n")
    [d] = (await client.wait_published(broken_ts, 1)).diagnostics
    assert d.code == "ERR000"
    good = open_doc(client, project / "shadow.py")
    assert len((await client.wait_published(good, 1)).diagnostics) == 2
    change(client, broken, "def f():\n    pass\n", 2)
    assert not (await client.wait_published(broken, 2)).diagnostics
    for uri in (broken, broken_ts, good):
        close(client, uri)


async def test_rapid_edits_are_linted_once(client, project):
    uri = open_doc(client, project / "shadow.py")
    await client.wait_published(uri, 1)
    before = len(client.published_for(uri))
    for version in range(2, 7):
        change(client, uri, SHADOW + "#" * version + "\n", version)
    await client.wait_published(uri, 6)
    assert [p.version for p in client.published_for(uri)[before:]] == [6]
    close(client, uri)
