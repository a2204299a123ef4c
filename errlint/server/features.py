"""The LSP methods errlint answers, registered on an :class:`ErrlintServer`.

Lifecycle (initialize, initialized, shutdown; pygls answers exit), document
sync (open, change, save, close), watched files, pull diagnostics, code
actions and their resolution, hover, and two commands: ``errlint.applyFixAll``
(fix all for a client that cannot resolve a code action's edit) and
``errlint.debugInfo`` (the server's counters, for tests and bug reports).
"""
from __future__ import annotations

import asyncio
import logging
import os

from lsprotocol import types as t

from .actions import FIX_ALL, FIX_ALL_COMMAND, QUICKFIX, Actions, fix_all_edit
from .docs import hover_text
from .documents import PYTHON, language_of, uri_to_path
from .noqa import code_at
from .server import ErrlintServer
from .text import code_points

log = logging.getLogger("errlint.server")
# files whose change on disk can change a verdict: modules, configuration and packs, declared dependencies
DIAGNOSTIC_OPTIONS = t.DiagnosticOptions(identifier="errlint", inter_file_dependencies=True, workspace_diagnostics=False)
WATCHED = ("**/*.py", "**/*.pyi", "**/*.{ts,tsx,mts,cts,js,jsx,mjs,cjs}", "**/*.toml", "**/requirements*.txt", "**/*.lock")


# -- lifecycle -------------------------------------------------------------------------------------------
def initialize(ls: ErrlintServer, params: t.InitializeParams) -> None:
    ls.configure(params)
    if ls.pull:  # advertised to pulling clients only: a client shown both would show every finding twice
        ls.feature(t.TEXT_DOCUMENT_DIAGNOSTIC, DIAGNOSTIC_OPTIONS)(diagnostic)


async def initialized(ls: ErrlintServer, params: t.InitializedParams) -> None:
    if ls.process_id:
        asyncio.ensure_future(ls.watch_parent(ls.process_id))
    ws = ls.client_capabilities.workspace
    if not (ws and ws.did_change_watched_files and ws.did_change_watched_files.dynamic_registration):
        return  # files a verdict read are still checked before each lint
    try:
        await ls.client_register_capability_async(t.RegistrationParams(registrations=[t.Registration(
            id="errlint-watched-files", method=t.WORKSPACE_DID_CHANGE_WATCHED_FILES,
            register_options=t.DidChangeWatchedFilesRegistrationOptions(
                watchers=[t.FileSystemWatcher(glob_pattern=g) for g in WATCHED]),
        )]))
    except asyncio.CancelledError:
        pass  # exit came first
    except Exception as exc:  # the client may refuse: not fatal
        log.warning("watching files: %s", exc)


def shutdown(ls: ErrlintServer, params) -> None:
    ls.stop_work()


# -- documents -----------------------------------------------------------------------------------------------
def did_open(ls: ErrlintServer, params: t.DidOpenTextDocumentParams) -> None:
    doc = ls.documents.get(params.text_document.uri)
    if doc is None or doc.language is None:
        return  # not Python, TypeScript or JavaScript: kept (a save of it may matter), not linted
    ls.relint(ls.lints.opened(doc), ls.debounce)  # documents that read another version of it from disk
    ls.schedule(doc.uri, 0)


def did_change(ls: ErrlintServer, params: t.DidChangeTextDocumentParams) -> None:
    doc = ls.documents.get(params.text_document.uri)
    if doc is None or doc.language is None:
        return
    ls.relint(ls.lints.edited(doc), ls.debounce)  # documents whose verdict read this one
    ls.schedule(doc.uri, ls.debounce)


def did_save(ls: ErrlintServer, params: t.DidSaveTextDocumentParams) -> None:
    uri = params.text_document.uri
    if ls.documents.get(uri) is not None and ls.documents.get(uri).language is not None:
        ls.schedule(uri, 0)
        return
    path = uri_to_path(uri)  # a configuration or pack the editor saved
    if path is not None:
        ls.relint(ls.lints.files_changed([path], whole=True))


def did_close(ls: ErrlintServer, params: t.DidCloseTextDocumentParams) -> None:
    doc = ls.documents.close(params.text_document.uri)
    if doc is None or doc.language is None:
        return
    ls.clear(doc.uri)
    ls.relint(ls.lints.closed(doc), ls.debounce)  # its importers read the disk's version again


def did_change_watched_files(ls: ErrlintServer, params: t.DidChangeWatchedFilesParams) -> None:
    open_paths = {d.key for d in ls.documents}
    modules, whole = [], False
    for change in params.changes:
        path = uri_to_path(change.uri)
        if path is None:
            continue
        if language_of(path) is None or change.type != t.FileChangeType.Changed:
            whole = True  # configuration, packs, declarations; a module created or deleted
        elif os.path.realpath(path) not in open_paths:
            modules.append(path)
    if whole:
        ls.relint(ls.lints.files_changed([], whole=True), ls.debounce)
    elif modules:
        ls.relint(ls.lints.files_changed(modules, whole=False), ls.debounce)


# -- diagnostics, actions, hover ---------------------------------------------------------------------------------
async def diagnostic(ls: ErrlintServer, params: t.DocumentDiagnosticParams):
    doc = ls.documents.get(params.text_document.uri)
    if doc is None:
        return t.RelatedFullDocumentDiagnosticReport(items=[])
    lint = await ls.lints.lint(doc)
    while lint is None or lint.source is not doc.source:  # it changed meanwhile: the newest version's verdict
        doc = ls.documents.get(params.text_document.uri)
        if doc is None:
            return t.RelatedFullDocumentDiagnosticReport(items=[])
        lint = await ls.lints.lint(doc)
    ls.tell(lint)
    result_id = str(lint.serial)
    if params.previous_result_id == result_id:
        return t.RelatedUnchangedDocumentDiagnosticReport(result_id=result_id)
    return t.RelatedFullDocumentDiagnosticReport(result_id=result_id, items=ls.lsp_diagnostics(doc, lint))


async def code_action(ls: ErrlintServer, params: t.CodeActionParams):
    doc = ls.documents.get(params.text_document.uri)
    if doc is None or doc.language is None:
        return None
    lint = await ls.lints.lint(doc)
    if lint is None or lint.source is not doc.source:
        return None  # the buffer moved on: the client asks again
    return await Actions(ls, doc, lint).listed(params)


async def resolve_code_action(ls: ErrlintServer, action: t.CodeAction) -> t.CodeAction:
    data = action.data if isinstance(action.data, dict) else {}
    doc = ls.documents.get(data.get("uri", ""))
    if action.kind != FIX_ALL or doc is None or action.edit is not None:
        return action  # clients resolve every action they apply: the others come back as they are
    action.edit = await fix_all_edit(ls, doc)
    return action


async def apply_fix_all(ls: ErrlintServer, *args) -> None:
    data = args[0] if args and isinstance(args[0], dict) else {}
    doc = ls.documents.get(data.get("uri", ""))
    if doc is None:
        return None
    edit = await fix_all_edit(ls, doc)
    if edit is None:
        return None
    try:
        result = await ls.workspace_apply_edit_async(t.ApplyWorkspaceEditParams(edit=edit, label="errlint: fix all"))
    except Exception as exc:  # the client refused or failed: the user said no, or the buffer moved on
        log.info("fix all not applied: %s", exc)
        return None
    if result is not None and not result.applied:
        log.info("fix all not applied: %s", result.failure_reason or "the client declined")
    return None


def hover(ls: ErrlintServer, params: t.HoverParams):
    doc = ls.documents.get(params.text_document.uri)
    if doc is None or doc.language is None:
        return None
    text = doc.text
    row = params.position.line
    line = text.line(row)
    found = code_at(line, code_points(line, params.position.character, ls.encoding), doc.language == PYTHON)
    if found is None:
        return None
    code, start, end = found
    markdown = hover_text(code)
    if markdown is None:
        return None  # another tool's code
    return t.Hover(contents=t.MarkupContent(kind=t.MarkupKind.Markdown, value=markdown),
                   range=text.range(text.starts[row] + start, text.starts[row] + end))


def debug_info(ls: ErrlintServer, *args) -> dict:
    info = {**ls.lints.stats, "encoding": ls.encoding, "pull": ls.pull, "documents": len(ls.documents),
            "debounce_ms": ls.debounce * 1000}
    try:
        import resource
    except ImportError:  # pragma: no cover - Windows
        return info
    return {**info, "max_rss_kb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss}


def build(debounce_ms: float | None = None) -> ErrlintServer:
    server = ErrlintServer() if debounce_ms is None else ErrlintServer(debounce_ms)
    features = [
        (t.INITIALIZE, None, initialize),
        (t.INITIALIZED, None, initialized),
        (t.SHUTDOWN, None, shutdown),
        (t.TEXT_DOCUMENT_DID_OPEN, None, did_open),
        (t.TEXT_DOCUMENT_DID_CHANGE, None, did_change),
        (t.TEXT_DOCUMENT_DID_SAVE, t.SaveOptions(include_text=False), did_save),
        (t.TEXT_DOCUMENT_DID_CLOSE, None, did_close),
        (t.WORKSPACE_DID_CHANGE_WATCHED_FILES, None, did_change_watched_files),
        (t.TEXT_DOCUMENT_CODE_ACTION, t.CodeActionOptions(
            code_action_kinds=[QUICKFIX, FIX_ALL], resolve_provider=True), code_action),
        (t.CODE_ACTION_RESOLVE, None, resolve_code_action),
        (t.TEXT_DOCUMENT_HOVER, None, hover),
    ]
    for method, options, handler in features:
        server.feature(method, options)(handler)
    server.command(FIX_ALL_COMMAND)(apply_fix_all)
    server.command("errlint.debugInfo")(debug_info)
    return server
