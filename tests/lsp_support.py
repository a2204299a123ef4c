"""A client for the end-to-end tests of ``errlint server``: pytest-lsp's (pygls' client), recording more.

pytest-lsp's stock client keeps only the latest diagnostics per URI, without
their version; this one keeps every ``publishDiagnostics`` with the time it
arrived, and waits for the one of a given version. It also answers
``client/registerCapability`` and ``workspace/applyEdit`` (which the stock one
does not), recording them. Edits are applied here with code of the tests' own,
in the negotiated position encoding, independently of the server's.
"""
from __future__ import annotations

import asyncio
import os
import re
import sys
import time
from pathlib import Path

from lsprotocol import types as t
from pygls.protocol import default_converter
from pytest_lsp.client import DEFAULT_CLIENT_FEATURES, LanguageClient

SERVER = [sys.executable, "-m", "errlint", "server"]
DEBOUNCE_MS = 30


class Client(LanguageClient):
    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.published: list[tuple[float, t.PublishDiagnosticsParams]] = []
        self.registrations: list[t.Registration] = []
        self.applied: list[t.ApplyWorkspaceEditParams] = []
        self.encoding = "utf-16"
        self.marks: dict[str, int] = {}  # uri -> publishes before its latest didOpen (a URI is opened again by later tests)
        self.root: Path | None = None
        self._cond: asyncio.Condition | None = None

    @property
    def cond(self) -> asyncio.Condition:
        if self._cond is None:
            self._cond = asyncio.Condition()
        return self._cond

    def published_for(self, uri: str) -> list[t.PublishDiagnosticsParams]:
        """The diagnostics published for ``uri`` since it was last opened."""
        return [p for _, p in self.published[self.marks.get(uri, 0):] if p.uri == uri]

    async def wait_for(self, predicate, timeout: float = 30.0, since: int = 0):
        async def find():
            async with self.cond:
                while True:
                    for ts, p in self.published[since:]:
                        if predicate(p):
                            return ts, p
                    await self.cond.wait()

        return await asyncio.wait_for(find(), timeout)

    async def wait_published(self, uri: str, version: int, timeout: float = 30.0) -> t.PublishDiagnosticsParams:
        """The diagnostics published for (uri, version) since the URI was last opened."""
        return (await self.wait_for(lambda p: p.uri == uri and p.version == version, timeout, self.marks.get(uri, 0)))[1]

    async def wait_count(self, uri: str, n: int, timeout: float = 30.0) -> t.PublishDiagnosticsParams:
        """The ``n``-th publish for ``uri`` (1-based)."""
        await self.wait_for(lambda p: len(self.published_for(uri)) >= n, timeout)
        return self.published_for(uri)[n - 1]


def make_client() -> Client:
    client = Client(converter_factory=default_converter)
    for method, fn in DEFAULT_CLIENT_FEATURES.items():
        if method != t.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS:
            client.feature(method)(fn)

    @client.feature(t.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS)
    async def on_publish(ls: Client, params: t.PublishDiagnosticsParams):
        ls.diagnostics[params.uri] = params.diagnostics
        async with ls.cond:
            ls.published.append((time.perf_counter(), params))
            ls.cond.notify_all()

    @client.feature(t.CLIENT_REGISTER_CAPABILITY)
    def on_register(ls: Client, params: t.RegistrationParams):
        ls.registrations.extend(params.registrations)

    @client.feature(t.WORKSPACE_APPLY_EDIT)
    def on_apply_edit(ls: Client, params: t.ApplyWorkspaceEditParams):
        ls.applied.append(params)
        return t.ApplyWorkspaceEditResult(applied=True)

    return client


def caps(*, encodings=None, pull=False, resolve=True, watched=True, document_changes=True) -> t.ClientCapabilities:
    return t.ClientCapabilities(
        general=t.GeneralClientCapabilities(position_encodings=encodings) if encodings else None,
        workspace=t.WorkspaceClientCapabilities(
            apply_edit=True,
            workspace_edit=t.WorkspaceEditClientCapabilities(document_changes=document_changes),
            did_change_watched_files=t.DidChangeWatchedFilesClientCapabilities(dynamic_registration=True) if watched else None,
            diagnostics=t.DiagnosticWorkspaceClientCapabilities(refresh_support=True) if pull else None,
        ),
        text_document=t.TextDocumentClientCapabilities(
            synchronization=t.TextDocumentSyncClientCapabilities(did_save=True),
            publish_diagnostics=t.PublishDiagnosticsClientCapabilities(
                version_support=True, code_description_support=True, data_support=True),
            diagnostic=t.DiagnosticClientCapabilities() if pull else None,
            hover=t.HoverClientCapabilities(content_format=[t.MarkupKind.Markdown]),
            code_action=t.CodeActionClientCapabilities(
                code_action_literal_support=t.ClientCodeActionLiteralOptions(code_action_kind=t.ClientCodeActionKindOptions(
                    value_set=[t.CodeActionKind.QuickFix, t.CodeActionKind.SourceFixAll])),
                data_support=resolve,
                resolve_support=t.ClientCodeActionResolveOptions(properties=["edit"]) if resolve else None,
            ),
        ),
    )


async def start(root: Path, capabilities: t.ClientCapabilities | None = None, env: dict | None = None,
                encoding: str | None = None, **options) -> Client:
    """``errlint server`` started in ``root`` (a project folder) and initialized."""
    client = make_client()
    await client.start_io(*SERVER, cwd=str(root), env={**os.environ, **(env or {})})
    client.root = root
    result = await client.initialize_session(t.InitializeParams(
        capabilities=capabilities or caps(encodings=[encoding] if encoding else None),
        process_id=os.getpid(),
        root_uri=root.as_uri(),
        workspace_folders=[t.WorkspaceFolder(uri=root.as_uri(), name=root.name)],
        initialization_options={"debounceMs": DEBOUNCE_MS, **options},
    ))
    client.init_result = result
    client.encoding = getattr(result.capabilities.position_encoding, "value", result.capabilities.position_encoding) or "utf-16"
    return client


async def stop(client: Client) -> None:
    if client._server is not None and client._server.returncode is None:
        await client.shutdown_session()
    await client.stop()


# -- documents -----------------------------------------------------------------------------------------
def language_id(path: str) -> str:
    suffix = Path(path).suffix
    if suffix in (".py", ".pyi"):
        return "python"
    if suffix == ".toml":
        return "toml"
    return {".tsx": "typescriptreact", ".jsx": "javascriptreact"}.get(suffix, "typescript" if "ts" in suffix else "javascript")


def open_doc(client: Client, path: Path, text: str | None = None, version: int = 1) -> str:
    uri = path.as_uri()
    client.marks[uri] = len(client.published)
    client.text_document_did_open(t.DidOpenTextDocumentParams(text_document=t.TextDocumentItem(
        uri=uri, language_id=language_id(str(path)), version=version, text=path.read_text() if text is None else text)))
    return uri


def change(client: Client, uri: str, text: str, version: int) -> None:
    client.text_document_did_change(t.DidChangeTextDocumentParams(
        text_document=t.VersionedTextDocumentIdentifier(uri=uri, version=version),
        content_changes=[t.TextDocumentContentChangeWholeDocument(text=text)]))


def change_range(client: Client, uri: str, version: int, rng: t.Range, text: str) -> None:
    client.text_document_did_change(t.DidChangeTextDocumentParams(
        text_document=t.VersionedTextDocumentIdentifier(uri=uri, version=version),
        content_changes=[t.TextDocumentContentChangePartial(range=rng, text=text)]))


def close(client: Client, uri: str) -> None:
    client.text_document_did_close(t.DidCloseTextDocumentParams(text_document=t.TextDocumentIdentifier(uri=uri)))


# -- positions and edits, as a client counts them ------------------------------------------------------
_LINE = re.compile(r"[^\r\n]*(?:\r\n|\r|\n)|[^\r\n]+\Z")


def column_units(line: str, cp: int, encoding: str) -> int:
    prefix = line[:cp]
    if encoding == "utf-8":
        return len(prefix.encode("utf-8"))
    if encoding == "utf-32":
        return len(prefix)
    return len(prefix.encode("utf-16-le")) // 2


def offset(text: str, pos: t.Position, encoding: str) -> int:
    lines = _LINE.findall(text)
    before = sum(len(line) for line in lines[: pos.line])
    if pos.line >= len(lines):
        return len(text)
    line = lines[pos.line].rstrip("\r\n")
    for cp in range(len(line) + 1):
        if column_units(line, cp, encoding) >= pos.character:
            return before + cp
    return before + len(line)


def position(text: str, cp_offset: int, encoding: str) -> t.Position:
    lines = _LINE.findall(text)
    row, start = 0, 0
    for i, line in enumerate(lines):
        if start + len(line) > cp_offset or i == len(lines) - 1:
            row = i
            break
        start += len(line)
    return t.Position(line=row, character=column_units(lines[row] if lines else "", cp_offset - start, encoding))


def apply_edits(text: str, edits, encoding: str) -> str:
    spans = sorted(((offset(text, e.range.start, encoding), offset(text, e.range.end, encoding), e.new_text) for e in edits),
                   reverse=True)
    for start, end, new in spans:
        text = text[:start] + new + text[end:]
    return text


def edits_of(edit: t.WorkspaceEdit, uri: str) -> list[t.TextEdit]:
    if edit.document_changes:
        return [e for dc in edit.document_changes if dc.text_document.uri == uri for e in dc.edits]
    return list(edit.changes[uri])

