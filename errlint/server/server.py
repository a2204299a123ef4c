"""The language server: pygls' :class:`LanguageServer` with errlint's documents, lints and scheduling.

Diagnostics are pushed (``textDocument/publishDiagnostics``) unless the
client can pull them (``textDocument/diagnostic``) and be asked to pull
again (``workspace/diagnostic/refresh``), never both. A push lint
waits for the editor to pause (``debounceMs``, 150 by default; 0 on open and
save), and a newer version of the document supersedes it (see
:mod:`errlint.server.lints`). Editing a module re-lints the open documents
whose verdict read it; a change to a file a verdict read from disk (the
configuration, a pack, a module) re-lints those it concerns.
"""
from __future__ import annotations

import asyncio
import logging
import os
from collections.abc import Iterable

from lsprotocol import types as t
from pygls.lsp.server import LanguageServer
from pygls.protocol import LanguageServerProtocol
from pygls.protocol.language_server import lsp_method

from .. import __version__
from .convert import to_lsp
from .documents import Document, Documents, uri_to_path
from .lints import Lint, Lints

log = logging.getLogger("errlint.server")
DEBOUNCE_MS = 150


class ErrlintProtocol(LanguageServerProtocol):
    """pygls' protocol with errlint's own store of open documents (LSP's lines, not ``str.splitlines``')."""

    @lsp_method(t.TEXT_DOCUMENT_DID_OPEN)
    def lsp_text_document__did_open(self, params: t.DidOpenTextDocumentParams):
        self._server.documents.open(params.text_document)
        if (handler := self.fm.features.get(t.TEXT_DOCUMENT_DID_OPEN)) is not None:
            yield handler, (params,), None

    @lsp_method(t.TEXT_DOCUMENT_DID_CHANGE)
    def lsp_text_document__did_change(self, params: t.DidChangeTextDocumentParams):
        self._server.documents.change(params)
        if (handler := self.fm.features.get(t.TEXT_DOCUMENT_DID_CHANGE)) is not None:
            yield handler, (params,), None

    @lsp_method(t.TEXT_DOCUMENT_DID_CLOSE)
    def lsp_text_document__did_close(self, params: t.DidCloseTextDocumentParams):
        if (handler := self.fm.features.get(t.TEXT_DOCUMENT_DID_CLOSE)) is not None:
            yield handler, (params,), None  # the handler takes the document out of the store


class ErrlintServer(LanguageServer):
    def __init__(self, debounce_ms: float = DEBOUNCE_MS) -> None:
        super().__init__("errlint", __version__, text_document_sync_kind=t.TextDocumentSyncKind.Incremental,
                         protocol_cls=ErrlintProtocol)
        self.documents = Documents()
        self.lints = Lints(self.documents)
        self.debounce = debounce_ms / 1000
        self.pull = False  # the client pulls diagnostics: never push
        self.refresh_support = False  # ... and can be asked to pull again
        self.versioned_edits = False
        self.resolve_edits = False  # the client resolves a code action's edit lazily
        self.shutting_down = False
        self._tasks: dict[str, asyncio.Task] = {}
        self._refresh: asyncio.Task | None = None
        self._told: set[str] = set()  # configuration problems shown to the user
        self._logged: dict[str, str] = {}  # uri -> the internal error last logged for it
        self.loop: asyncio.AbstractEventLoop | None = None
        self.lints.changed = self._changed_from_worker

    @property
    def encoding(self) -> str:
        return self.documents.encoding

    # -- set-up ------------------------------------------------------------------------------------
    def configure(self, params: t.InitializeParams) -> None:
        """What the client can do, and the options it passes (``initializationOptions``)."""
        caps = params.capabilities
        self.loop = asyncio.get_running_loop()
        encoding = getattr(self.workspace.position_encoding, "value", self.workspace.position_encoding)
        self.documents.encoding = encoding or "utf-16"
        docs = caps.text_document
        ws = caps.workspace
        self.refresh_support = bool(ws and ws.diagnostics and ws.diagnostics.refresh_support)
        # pull only where the server can ask for a pull again: an edit of one module changes the verdicts of
        # the open files that import it (Neovim 0.11 pulls but cannot be asked to: it is pushed to)
        self.pull = bool(docs and docs.diagnostic is not None and self.refresh_support)
        self.versioned_edits = bool(ws and ws.workspace_edit and ws.workspace_edit.document_changes)
        actions = docs.code_action if docs else None
        self.resolve_edits = bool(actions and actions.data_support and actions.resolve_support
                                  and "edit" in (actions.resolve_support.properties or ()))
        options = params.initialization_options
        if isinstance(options, dict) and isinstance(options.get("debounceMs"), (int, float)):
            self.debounce = max(0.0, float(options["debounceMs"])) / 1000
        folders = params.workspace_folders or []
        root = uri_to_path(folders[0].uri) if folders else uri_to_path(params.root_uri) if params.root_uri else None
        if root:
            self.documents.root = root
        log.info("errlint server: encoding %s, %s diagnostics, debounce %d ms", self.encoding,
                 "pull" if self.pull else "push", self.debounce * 1000)

    # -- diagnostics -----------------------------------------------------------------------------
    def lsp_diagnostics(self, doc: Document, lint: Lint) -> list[t.Diagnostic]:
        """The verdict as LSP diagnostics, in the client's position encoding (made once per verdict)."""
        made = lint.lsp.get(self.encoding)
        if made is None:
            text = doc.text
            made = lint.lsp[self.encoding] = [
                to_lsp(d, text, doc.language, d.fix is not None and d.fix.applies(lint.unsafe) and bool(d.fix.edits))
                for d in lint.diagnostics
            ]
        return made

    def schedule(self, uri: str, delay: float) -> None:
        """Lint and publish the document after ``delay`` seconds; a later call supersedes this one."""
        if self.pull or self.shutting_down:
            return
        old = self._tasks.pop(uri, None)
        if old is not None:
            old.cancel()
        self._tasks[uri] = asyncio.ensure_future(self._lint_and_publish(uri, delay))

    async def _lint_and_publish(self, uri: str, delay: float) -> None:
        try:
            if delay:
                await asyncio.sleep(delay)
            doc = self.documents.get(uri)
            if doc is None:
                return
            lint = await self.lints.lint(doc)
            doc = self.documents.get(uri)
            if lint is None or doc is None or self.shutting_down or lint.source is not doc.source:
                return  # superseded: the newer version's lint publishes
            self.text_document_publish_diagnostics(t.PublishDiagnosticsParams(
                uri=uri, version=doc.version, diagnostics=self.lsp_diagnostics(doc, lint)))
            self.tell(lint)
        except asyncio.CancelledError:
            pass
        except Exception:  # never a dead server: say it in the log
            log.exception("publishing diagnostics for %s failed", uri)
        finally:
            if self._tasks.get(uri) is asyncio.current_task():
                del self._tasks[uri]

    def relint(self, uris: Iterable[str], delay: float = 0.0) -> None:
        """Documents whose verdict may have changed: re-linted (push) or re-pulled (pull)."""
        uris = list(uris)
        if not uris:
            return
        if self.pull:
            self.refresh_soon(delay)
            return
        for uri in uris:
            self.schedule(uri, delay)

    def refresh_soon(self, delay: float) -> None:
        """Ask a pulling client to pull again (``workspace/diagnostic/refresh``), once edits pause."""
        if not self.refresh_support or self.shutting_down:
            return
        if self._refresh is not None:
            self._refresh.cancel()

        async def refresh() -> None:
            await asyncio.sleep(delay)
            try:
                self.workspace_diagnostic_refresh(None)
            except Exception:
                log.exception("workspace/diagnostic/refresh failed")

        self._refresh = asyncio.ensure_future(refresh())

    def _changed_from_worker(self, paths: set[str] | None) -> None:
        """Files a verdict read changed on disk (seen by the worker): re-lint the documents they concern."""
        if self.loop is None:
            return

        self.loop.call_soon_threadsafe(lambda: self.relint(self.lints.mark_stale(paths)))

    def clear(self, uri: str) -> None:
        task = self._tasks.pop(uri, None)
        if task is not None:
            task.cancel()
        self._logged.pop(uri, None)
        if not self.pull:
            self.text_document_publish_diagnostics(t.PublishDiagnosticsParams(uri=uri, diagnostics=[]))

    # -- telling the user ---------------------------------------------------------------------------
    def tell(self, lint: Lint) -> None:
        """A configuration problem is shown once; an internal error is logged to the client when it appears."""
        if lint.problem and lint.problem not in self._told:
            self._told.add(lint.problem)
            self.window_show_message(t.ShowMessageParams(
                type=t.MessageType.Error, message=f"errlint: cannot load the configuration: {lint.problem}"))
        if lint.internal and self._logged.get(lint.uri) != lint.internal:
            self._logged[lint.uri] = lint.internal
            self.window_log_message(t.LogMessageParams(type=t.MessageType.Error, message=f"errlint: {lint.uri}: {lint.internal}"))
        elif not lint.internal:
            self._logged.pop(lint.uri, None)

    # -- the end -----------------------------------------------------------------------------------------
    def stop_work(self) -> None:
        self.shutting_down = True
        for task in self._tasks.values():
            task.cancel()
        self._tasks.clear()
        if self._refresh is not None:
            self._refresh.cancel()
        self.lints.shutdown()

    async def watch_parent(self, pid: int, every: float = 1.0) -> None:
        """LSP: a server exits when the process that started it (``processId``) is gone. pygls does not watch."""
        if os.name == "nt":  # pragma: no cover - os.kill(pid, 0) is not a probe on Windows
            return
        while True:
            await asyncio.sleep(every)
            try:
                os.kill(pid, 0)
            except ProcessLookupError:
                log.warning("the editor (process %d) is gone: exiting", pid)
                logging.shutdown()
                os._exit(1)
            except PermissionError:
                pass  # it exists, as another user
