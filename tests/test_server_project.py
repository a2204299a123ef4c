"""``errlint server``: the project as the editor sees it, configuration changes, pull diagnostics (issue 26).

A module open in the editor is read from its unsaved buffer by the verdicts
of the files that import it, and editing it re-lints them; closing it makes the
disk's version count again. A change to pyproject.toml is seen without a
restart: at once when the client watches files, else at the next lint.
"""
from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
import pytest_asyncio
from lsprotocol import types as t
from pytest_lsp import client_capabilities

from lsp_support import caps, change, close, open_doc, start, stop
from server_project import ERRORS_PY, ERRORS_TS, SHADOW, cli_findings, make_project

pytestmark = pytest.mark.asyncio(loop_scope="module")


@pytest.fixture
def project(tmp_path) -> Path:
    return make_project(tmp_path)


@pytest_asyncio.fixture(loop_scope="module")
async def client(project):
    client = await start(project)
    yield client
    await stop(client)


def codes(params: t.PublishDiagnosticsParams) -> list[str]:
    return [d.code for d in params.diagnostics]


@pytest.mark.parametrize("folder, errors_text, unrelated", [
    ("app", ERRORS_PY, ERRORS_PY.replace("class NotFound(ApiError)", "class NotFound(Exception)")),
    ("web", ERRORS_TS, ERRORS_TS.replace("NotFound extends ApiError", "NotFound extends Error")),
])
async def test_an_imported_modules_unsaved_buffer_changes_the_verdict(client, project, folder, errors_text, unrelated):
    suffix = ".py" if folder == "app" else ".ts"
    service_path, errors_path = project / folder / f"service{suffix}", project / folder / f"errors{suffix}"
    service = open_doc(client, service_path)
    assert codes(await client.wait_published(service, 1)) == ["ERR004"]
    errors = open_doc(client, errors_path)
    await client.wait_published(errors, 1)
    n = len(client.published_for(service))
    change(client, errors, unrelated, 2)  # NotFound no longer derives from ApiError: nothing is shadowed
    assert codes(await client.wait_count(service, n + 1)) == []
    assert errors_path.read_text() == errors_text  # unsaved
    assert cli_findings(service_path) != []  # the disk still says otherwise
    change(client, errors, errors_text, 3)
    assert codes(await client.wait_count(service, n + 2)) == ["ERR004"]
    change(client, errors, unrelated, 4)
    assert codes(await client.wait_count(service, n + 3)) == []
    close(client, errors)  # the disk's version counts again
    assert codes(await client.wait_count(service, n + 4)) == ["ERR004"]
    close(client, service)


async def settle(condition, seconds: float = 10.0) -> None:
    for _ in range(int(seconds / 0.02)):
        if condition():
            return
        await asyncio.sleep(0.02)


async def test_a_configuration_change_is_seen_at_once_with_watched_files(client, project):
    await settle(lambda: client.registrations)
    assert [r.method for r in client.registrations] == [t.WORKSPACE_DID_CHANGE_WATCHED_FILES]
    uri = open_doc(client, project / "shadow.py")
    assert codes(await client.wait_published(uri, 1)) == ["ERR004", "ERR004"]
    n = len(client.published_for(uri))
    pyproject = project / "pyproject.toml"
    pyproject.write_text(pyproject.read_text().replace("[tool.errlint]\n", '[tool.errlint]\nignore = ["ERR004"]\n'))
    client.workspace_did_change_watched_files(t.DidChangeWatchedFilesParams(changes=[
        t.FileEvent(uri=pyproject.as_uri(), type=t.FileChangeType.Changed)]))
    assert codes(await client.wait_count(uri, n + 1)) == []
    close(client, uri)


async def test_a_configuration_change_is_seen_without_watched_files(project):
    client = await start(project, caps(watched=False))
    try:
        assert client.registrations == []
        uri = open_doc(client, project / "shadow.py")
        assert codes(await client.wait_published(uri, 1)) == ["ERR004", "ERR004"]
        pyproject = project / "pyproject.toml"
        pyproject.write_text('[tool.errlint]\nignore = ["ERR004"]\n')
        change(client, uri, SHADOW + "\n", 2)  # the next lint sees the file changed
        assert codes(await client.wait_published(uri, 2)) == []
        pyproject.write_text('[tool.errlint]\nselect = ["ERR004"]\n')
        change(client, uri, SHADOW, 3)
        assert codes(await client.wait_published(uri, 3)) == ["ERR004", "ERR004"]
    finally:
        await stop(client)


async def test_saving_the_configuration_in_the_editor_relints(project):
    client = await start(project, caps(watched=False))
    try:
        uri = open_doc(client, project / "shadow.py")
        assert codes(await client.wait_published(uri, 1)) == ["ERR004", "ERR004"]
        pyproject = project / "pyproject.toml"
        config = open_doc(client, pyproject)
        change(client, config, '[tool.errlint]\nignore = ["ERR004"]\n', 2)
        await asyncio.sleep(0.2)
        assert client.published_for(config) == []  # not linted
        pyproject.write_text('[tool.errlint]\nignore = ["ERR004"]\n')  # the editor saves it
        client.text_document_did_save(t.DidSaveTextDocumentParams(text_document=t.TextDocumentIdentifier(uri=config)))
        assert codes(await client.wait_count(uri, 2)) == []
    finally:
        await stop(client)


async def test_a_module_changed_on_disk_is_read_again(client, project):
    service = open_doc(client, project / "app" / "service.py")
    assert codes(await client.wait_published(service, 1)) == ["ERR004"]
    (project / "app" / "errors.py").write_text(ERRORS_PY.replace("class NotFound(ApiError)", "class NotFound(Exception)"))
    change(client, service, (project / "app" / "service.py").read_text() + "\n", 2)
    assert codes(await client.wait_published(service, 2)) == []
    close(client, service)


async def test_a_broken_configuration_is_reported_and_the_server_goes_on(client, project):
    pyproject = project / "pyproject.toml"
    pyproject.write_text('[tool.errlint]\nselect = ["NOPE1"]\n')
    uri = open_doc(client, project / "shadow.py")
    [d] = (await client.wait_published(uri, 1)).diagnostics
    assert d.code == "ERR000" and "cannot load errlint configuration" in d.message and "pyproject.toml" in d.message
    await settle(lambda: client.messages)
    assert [m.type for m in client.messages] == [t.MessageType.Error]
    pyproject.write_text("[tool.errlint]\n")
    change(client, uri, SHADOW, 2)
    assert codes(await client.wait_published(uri, 2)) == ["ERR004", "ERR004"]
    close(client, uri)


async def test_pull_diagnostics_where_the_client_pulls(project):
    client = await start(project, caps(pull=True))
    try:
        assert client.init_result.capabilities.diagnostic_provider.inter_file_dependencies
        uri = open_doc(client, project / "app" / "service.py")

        async def pull(previous=None):
            return await client.text_document_diagnostic_async(t.DocumentDiagnosticParams(
                text_document=t.TextDocumentIdentifier(uri=uri), previous_result_id=previous))

        report = await pull()
        assert report.kind == "full" and [d.code for d in report.items] == ["ERR004"]
        again = await pull(report.result_id)
        assert again.kind == "unchanged" and again.result_id == report.result_id
        errors = open_doc(client, project / "app" / "errors.py")
        refreshes = client.diagnostic_refresh_count
        change(client, errors, ERRORS_PY.replace("class NotFound(ApiError)", "class NotFound(Exception)"), 2)
        await settle(lambda: client.diagnostic_refresh_count > refreshes)
        assert client.diagnostic_refresh_count > refreshes  # asked to pull again: a module it read changed
        report = await pull(report.result_id)
        assert report.kind == "full" and not report.items
        assert client.published == []  # a pulling client is never pushed to
    finally:
        await stop(client)


async def test_a_client_that_pulls_but_cannot_be_asked_to_is_pushed_to(project):
    """Neovim 0.11's recorded capabilities: it pulls, with no workspace/diagnostic/refresh; it offers UTF-8 first."""
    client = await start(project, client_capabilities("neovim@v0.11.0"))
    try:
        assert client.encoding == "utf-8"
        assert client.init_result.capabilities.diagnostic_provider is None  # else it would pull them too: twice
        service = open_doc(client, project / "app" / "service.py")
        assert codes(await client.wait_published(service, 1)) == ["ERR004"]
        errors = open_doc(client, project / "app" / "errors.py")
        await client.wait_published(errors, 1)
        change(client, errors, ERRORS_PY.replace("class NotFound(ApiError)", "class NotFound(Exception)"), 2)
        assert codes(await client.wait_count(service, 2)) == []
    finally:
        await stop(client)
