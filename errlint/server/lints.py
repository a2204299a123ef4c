"""The lints of the open documents: one :class:`errlint.run.Session`, one worker thread, the latest verdicts.

Every document is linted through :meth:`Session.lint_source` from its unsaved
text, under its path: the configuration found for that path, its packs, rules
and per-file-ignores, exactly as the command line and flake8 lint the file; the
configuration's excludes apply as with ``--force-exclude`` (as pre-commit runs
errlint). ``--fix`` is :meth:`Session.fix_source`. The open documents'
texts are the session's overlay, so a verdict that reads another project module
reads the editor's buffer where one is open.

The work runs on one worker thread (linting is CPU-bound: more threads buy
nothing, and it must not share pygls' pool, which reads the client's
messages). A job for a version the editor has moved past is skipped when the
worker reaches it; a running lint cannot be interrupted (a Python thread
cannot be stopped safely), its result is dropped if the document changed
meanwhile.

Files a verdict read from disk (project modules, the configuration, user packs,
declared dependencies) are stat-ed before each lint: one that changed is read
again (a module) or makes the session start over (the rest), so an edit of
pyproject.toml or a pack is seen without a restart, and without the client's
file watching too.
"""
from __future__ import annotations

import asyncio
import itertools
import logging
import os
import traceback
from collections.abc import Callable, Iterable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field

from ..diagnostics import INTERNAL_ERROR, PARSE_ERROR, Diagnostic
from ..fixes import FixError, verify
from ..packs import PackError
from ..paths import real_path
from ..project.deps import DEPENDS_PREFIX
from ..run import Session
from ..workspace.config import ConfigError
from ..workspace.selection import SelectionError
from .documents import PYTHON, Document, Documents
from .text import from_bytes, to_bytes

log = logging.getLogger("errlint.server")


@dataclass
class Lint:
    """A document's verdict for one version of its text."""

    uri: str
    version: int | None
    source: str  # the text linted (compared by identity with the document's)
    diagnostics: list[Diagnostic]  # what the command line would report for these bytes
    serial: int  # a result id (pull diagnostics)
    unsafe: bool = False  # unsafe-fixes is configured
    depends: frozenset[str] = frozenset()  # real paths of the other files the verdict read
    problem: str | None = None  # a configuration that cannot be loaded
    internal: str | None = None  # an internal error (ERR999)
    lsp: dict = field(default_factory=dict, repr=False)  # its LSP diagnostics, made once


@dataclass(frozen=True)
class _Snapshot:
    uri: str
    path: str
    language: str | None
    version: int | None
    source: str
    on_disk: bool


def _stat(path: str) -> tuple[int, int] | None:
    try:
        st = os.stat(path)
    except (OSError, ValueError):
        return None
    return st.st_mtime_ns, st.st_size


class Lints:
    def __init__(self, documents: Documents) -> None:
        self.documents = documents
        self.session = Session(say=lambda message: log.warning("%s", message))
        self.stats = {"lints": 0, "superseded": 0, "invalidations": 0}
        self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="errlint-server")
        self._latest: dict[str, Lint] = {}  # uri -> the newest verdict (loop thread)
        self._running: dict[tuple, asyncio.Future] = {}  # (uri, version, text id, mark) -> the job's future
        self._marks: dict[str, int] = {}  # uri -> how often the files its verdict read changed (loop thread)
        self._stamps: dict[str, tuple[tuple[int, int] | None, bool]] = {}  # path -> (stat, whole) (worker)
        self._serial = itertools.count(1)
        self.changed: Callable[[set[str] | None], None] = lambda paths: None  # files changed under the verdicts

    # -- documents -----------------------------------------------------------------------------
    def opened(self, doc: Document) -> list[str]:
        """The document's text is the overlay's; the URIs of the open documents whose verdict read another
        version of it (from disk)."""
        data = doc.data()[0]
        self.session.overlay[doc.key] = data
        try:
            with open(doc.key, "rb") as fh:
                if fh.read() == data:
                    return []
        except OSError:
            pass
        return self.edited(doc)

    def edited(self, doc: Document) -> list[str]:
        """The document's new text is the overlay's; the URIs of the open documents whose verdict read it."""
        key = doc.key
        self.session.overlay[key] = doc.data()[0]
        return self.mark_stale({key}, but=doc.uri)

    def closed(self, doc: Document) -> list[str]:
        key = doc.key
        self.session.overlay.pop(key, None)
        self._latest.pop(doc.uri, None)
        self._submit(self.session.invalidate, [key])  # the disk's content stands for it again
        return self.mark_stale({key})

    def files_changed(self, paths: Iterable[str], whole: bool) -> list[str]:
        """Files changed on disk (the client's file watching): the URIs whose verdict is now stale."""
        keys = {real_path(os.path.abspath(p)) for p in paths}
        if whole:
            self._submit(self._start_over)
            return self.mark_stale(None)
        self._submit(self.session.invalidate, sorted(keys))
        return self.mark_stale(keys)

    def mark_stale(self, keys: set[str] | None, but: str | None = None) -> list[str]:
        """The open documents whose verdict read one of ``keys`` (None: any file), or whose lint is under
        way (it may read the old version): their verdicts are dropped, and one under way is not kept."""
        running = {uri for uri, _, _, _ in self._running}
        stale = [
            d.uri for d in self.documents
            if d.uri != but and d.language is not None and (
                keys is None or d.uri in running
                or (d.uri in self._latest and keys & self._latest[d.uri].depends))
        ]
        for uri in stale:
            self._latest.pop(uri, None)
            self._marks[uri] = self._marks.get(uri, 0) + 1
        return stale

    def current(self, doc: Document) -> Lint | None:
        lint = self._latest.get(doc.uri)
        if lint is not None and lint.version == doc.version and lint.source is doc.source:
            return lint
        return None

    # -- linting -------------------------------------------------------------------------------
    async def lint(self, doc: Document) -> Lint | None:
        """The verdict on the document's current text (None: it changed before its turn came)."""
        found = self.current(doc)
        if found is not None:
            return found
        snap = _Snapshot(doc.uri, doc.path, doc.language, doc.version, doc.source, doc.on_disk)
        mark = self._marks.get(doc.uri, 0)
        key = (doc.uri, doc.version, id(doc.source), mark)
        future = self._running.get(key)
        if future is None:
            future = self._running[key] = asyncio.wrap_future(self._submit(self._job, snap))
            future.add_done_callback(lambda _: self._running.pop(key, None))
        lint = await asyncio.shield(future)  # an awaiter cancelled leaves the job to the others
        if self._marks.get(doc.uri, 0) != mark:
            return None  # a file it read changed while it ran: the re-lint under way will say
        now = self.documents.get(doc.uri)
        if lint is not None and now is not None and now.version == lint.version and now.source is lint.source:
            self._latest[doc.uri] = lint
        return lint

    def _job(self, snap: _Snapshot) -> Lint | None:
        now = self.documents.get(snap.uri)
        if now is None or now.version != snap.version or now.source is not snap.source:
            self.stats["superseded"] += 1
            return None  # the editor has a newer version (or closed it): that one is linted instead
        self._check_stamps()
        self.stats["lints"] += 1
        serial = next(self._serial)
        try:
            return self._lint(snap, serial)
        except (ConfigError, PackError, SelectionError) as exc:
            d = Diagnostic(snap.path, 1, 1, PARSE_ERROR, f"cannot load errlint configuration: {exc}", rule="parse-error")
            return Lint(snap.uri, snap.version, snap.source, [d], serial, problem=str(exc))
        except Exception as exc:  # a bug in errlint outside the checks: this document's ERR999, never a dead server
            where = traceback.extract_tb(exc.__traceback__)[-1] if exc.__traceback__ else None
            at = f" at {os.path.basename(where.filename)}:{where.lineno}" if where else ""
            message = f"internal error: {type(exc).__name__}: {exc}{at}"
            log.exception("linting %s failed", snap.path)
            d = Diagnostic(snap.path, 1, 1, INTERNAL_ERROR, message, rule="internal-error")
            return Lint(snap.uri, snap.version, snap.source, [d], serial, internal=message)

    def _lint(self, snap: _Snapshot, serial: int) -> Lint:
        session = self.session
        config = session.config_for(snap.path)
        self._stamp([config.path, *map(str, config.extend_packs)] if config.path else map(str, config.extend_packs), True)
        if snap.language is None or (snap.on_disk and config.is_excluded(snap.path)):
            return Lint(snap.uri, snap.version, snap.source, [], serial)
        data, _ = to_bytes(snap.source, snap.language == PYTHON)
        result, config = session.lint_source(snap.path, data, config)
        diagnostics = result.diagnostics
        if not session.reports_parse_errors(config):
            diagnostics = [d for d in diagnostics if d.code != PARSE_ERROR]
        depends: set[str] = set()
        for name, recorded in result.depends.items():
            where = recorded[0] if isinstance(recorded, list) and recorded else None
            if not where or where.startswith("<"):
                continue
            key = real_path(os.path.abspath(where))
            depends.add(key)
            if key not in session.overlay:
                self._stamp([key], name.startswith(DEPENDS_PREFIX))
        internal = next((d.message for d in diagnostics if d.code == INTERNAL_ERROR), None)
        return Lint(snap.uri, snap.version, snap.source, diagnostics, serial, bool(config.unsafe_fixes),
                    frozenset(depends), internal=internal)

    def _stamp(self, paths: Iterable[str], whole: bool) -> None:
        for path in paths:
            if path and path not in self._stamps:
                self._stamps[path] = (_stat(path), whole)

    def _check_stamps(self) -> None:
        """Files read from disk that changed since: read again (modules) or start over (the rest)."""
        for path in [p for p in self._stamps if p in self.session.overlay]:
            del self._stamps[path]  # open in the editor: its buffer is what verdicts read
        changed = {path: whole for path, (stat, whole) in self._stamps.items() if _stat(path) != stat}
        if not changed:
            return
        self.stats["invalidations"] += 1
        if any(changed.values()):
            self._start_over()
            self.changed(None)
            return
        self.session.invalidate(sorted(changed))
        for path in changed:
            del self._stamps[path]
        self.changed(set(changed))

    def _start_over(self) -> None:
        self.session.invalidate()
        self._stamps.clear()

    # -- fixes -----------------------------------------------------------------------------------
    async def fix_all(self, doc: Document) -> str | None:
        """The document's text with its safe fixes applied as ``--fix`` applies them; None if unchanged
        or the fixes would not compile (said in the log)."""
        snap = _Snapshot(doc.uri, doc.path, doc.language, doc.version, doc.source, doc.on_disk)
        return await asyncio.wrap_future(self._submit(self._fix_all, snap))

    def _fix_all(self, snap: _Snapshot) -> str | None:
        if snap.language is None:
            return None
        data, encoding = to_bytes(snap.source, snap.language == PYTHON)
        try:
            fixed, _, _ = self.session.fix_source(snap.path, data, unsafe=False)
        except FixError as exc:
            log.warning("fix all: %s", exc)
            return None
        except Exception:  # (a configuration problem is on the document already)
            log.exception("fix all failed for %s", snap.path)
            return None
        if fixed == data:
            return None
        text = from_bytes(fixed, encoding)
        return text if not snap.source.startswith("\ufeff") else "\ufeff" + text

    async def compiles(self, doc: Document, texts: list[str]) -> list[bool]:
        """Whether each of these versions of a Python document compiles (a quick fix must)."""
        if doc.language != PYTHON:
            return [True] * len(texts)
        original = to_bytes(doc.source, True)[0]

        def check() -> list[bool]:
            out = []
            for text in texts:
                try:
                    verify(to_bytes(text, True)[0], doc.path, original)
                    out.append(True)
                except FixError:
                    out.append(False)
            return out

        return await asyncio.wrap_future(self._submit(check))

    def _submit(self, fn, *args) -> Future:
        """``fn(*args)`` on the worker thread; after shutdown, a future cancelled at once."""
        try:
            return self._pool.submit(fn, *args)
        except RuntimeError:  # the pool is shut down: the server is ending
            future: Future = Future()
            future.cancel()
            return future

    def shutdown(self) -> None:
        self._pool.shutdown(wait=False, cancel_futures=True)

