"""The engine: parse each file once, run every enabled check in one traversal.

Per file: the bytes are parsed by LibCST's native parser (so a BOM or a PEP 263
coding line is honoured), the shared name analysis reads the module's top-level
bindings, and one traversal calls the analysis and every enabled check.  Node
positions are computed only for files that report something.

Classes a file imports from other project modules are read from disk on demand
(:mod:`errlint.project`), the same way for a whole tree, one file, flake8 and
standard input, so every front end gives a file the same verdict.
"""
from __future__ import annotations

import io
import os
import re
import sys
import tokenize
import traceback
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path

import libcst as cst

from .python.build import FactsBuilder
from .python.context import FileContext
from .python.fixer import fix_for
from .python.edits import _text_edits
from .python.prefilter import python_tree
from .python.walker import _Walker
from .fixes import quiet_compile as _quiet_compile
from .checks import ALL_CHECKS
from .checks.base import Check
from .compile_errors import compile_only_error, compiles, lenient_try
from .diagnostics import INTERNAL_ERROR, PARSE_ERROR, Diagnostic
from .files import real_path
from .hierarchy import ClassGraph
from .packs import PackRegistry

_NOQA = re.compile(
    r"#\s*noqa(?::[\s]?(?P<codes>[A-Z]+[0-9]*(?:[,\s]+[A-Z]+[0-9]*)*))?",
    re.IGNORECASE,
)
_CODE_SPLIT = re.compile(r"[,\s]+")


@dataclass
class FileResult:
    path: str
    diagnostics: list[Diagnostic] = field(default_factory=list)
    module_name: str = ""
    error: bool = False  # ERR999: an internal error (exit code 2)
    module: cst.Module | None = field(default=None, repr=False)  # the parsed file, for fixes
    skipped: bool = False  # not parsed: no enabled rule could report on it
    # project modules the verdict read (see errlint.project): name -> [path or None, digest or None]
    depends: dict[str, list] = field(default_factory=dict)


def _values_in_scope(values, evidence):
    """A trigger: the file holds one of a module-less pack's values and, unless the pack
    applies everywhere, a trace of its scope evidence (python/scope.py)."""

    def trigger(source: bytes) -> bool:
        if values.search(source) is None:
            return False
        return evidence is None or any(e.search(source) is not None for e in evidence)

    return trigger


# LibCST's native parser recurses on the machine stack: nesting a few thousand
# brackets deep, or a very long operator chain, overflows an 8 MB main-thread
# stack and kills the process. Every file is therefore linted on a worker
# thread with this much stack, where those inputs parse (slowly) or raise.
BIG_STACK = 512 * 1024 * 1024
_MAX_PYTHON_NESTING = 200  # CPython's tokenizer refuses deeper bracket nesting


class _BigStackThread:
    """One long-lived worker thread with a :data:`BIG_STACK` stack per process.

    Starting a thread with a 512 MB stack costs a few milliseconds (the
    mapping), which over thousands of files adds up; one thread per process
    takes the work from a queue instead. A forked child starts its own.
    """

    def __init__(self) -> None:
        self._pid: int | None = None
        self._thread = None
        self._lock = None

    def _start(self) -> None:
        import queue
        import threading

        self._inbox: queue.SimpleQueue = queue.SimpleQueue()
        self._outbox: queue.SimpleQueue = queue.SimpleQueue()
        self._lock = threading.Lock()
        previous = threading.stack_size()
        try:
            threading.stack_size(BIG_STACK)
            self._thread = threading.Thread(target=self._serve, name="errlint-lint", daemon=True)
            self._thread.start()
        finally:
            threading.stack_size(previous)
        self._pid = os.getpid()

    def _serve(self) -> None:
        while True:
            fn, args = self._inbox.get()
            try:
                self._outbox.put((True, fn(*args)))
            except BaseException as exc:  # noqa: BLE001 - handed back to the caller
                self._outbox.put((False, exc))

    def call(self, fn, *args):
        import threading

        if self._thread is threading.current_thread():
            return fn(*args)  # already on the big stack
        if self._pid != os.getpid():
            self._start()
        with self._lock:  # one call at a time: the queues pair each request with its answer
            self._inbox.put((fn, args))
            ok, value = self._outbox.get()
        if not ok:
            raise value
        return value


_BIG_STACK_THREAD = _BigStackThread()


def on_big_stack(fn, *args):
    """Run ``fn(*args)`` on the process's :data:`BIG_STACK` thread; return or re-raise its outcome."""
    return _BIG_STACK_THREAD.call(fn, *args)


_BRACKETS = re.compile(rb"[\[\](){}]")


_WORKER_LINTER: Linter | None = None


def _lint_in_worker(item: tuple[str, bytes, tuple[str, bool]]) -> FileResult:
    path, source, (module_name, is_package) = item
    assert _WORKER_LINTER is not None
    return _WORKER_LINTER.lint_source(path, source, module_name, is_package)


def _python_syntax_error(path: str, source: bytes) -> Diagnostic | None:
    """ERR000 for a file CPython's parser rejects (used for files LibCST is not asked to parse)."""
    if compiles(source) or python_tree(source) is not None:  # compiling builds no AST: cheaper when it passes
        return None
    return parse_error(path, source, SyntaxError("CPython rejects this file"))


def _too_deep_for_python(path: str, source: bytes) -> Diagnostic | None:
    """ERR000 with CPython's reason for bracket nesting CPython itself rejects, before LibCST sees it."""
    if source.count(b"(") + source.count(b"[") + source.count(b"{") <= _MAX_PYTHON_NESTING:
        return None
    depth = deepest = 0
    for match in _BRACKETS.finditer(source):
        if match.group() in b"([{":
            depth += 1
            if depth > deepest:
                deepest = depth
        else:
            depth = max(depth - 1, 0)
    if deepest <= _MAX_PYTHON_NESTING:
        return None  # (brackets inside strings only make this an over-estimate)
    return _cpython_error(path, source)


def _cpython_error(path: str, source: bytes) -> Diagnostic | None:
    """ERR000 with CPython's own reason when CPython cannot compile ``source``, else None."""
    try:
        _quiet_compile(source, path, "exec", dont_inherit=True)
    except SyntaxError as err:
        line, col = err.lineno or 1, err.offset or 1
        return Diagnostic(path, line, col, PARSE_ERROR, f"cannot parse: {err.msg} ({line}:{col})", rule="parse-error")
    except (ValueError, RecursionError, MemoryError) as err:
        return Diagnostic(path, 1, 1, PARSE_ERROR, f"cannot parse: {type(err).__name__}: {err}", rule="parse-error")
    return None


class _Spans:
    """Disjoint spans ``(start, end)`` (end exclusive), kept in order: adding one costs a bisection,
    not a look at every span taken (a pass over thousands of fixes)."""

    def __init__(self) -> None:
        self._starts: list = []
        self._ends: list = []

    def add(self, span) -> bool:
        """Take ``span`` unless it overlaps one already taken; whether it was taken."""
        from bisect import bisect_left

        start, end = span
        i = bisect_left(self._starts, start)
        # the spans are disjoint and in order: only the neighbours can overlap
        if i > 0 and start < self._ends[i - 1] and self._starts[i - 1] < end:
            return False
        if i < len(self._starts) and start < self._ends[i] and self._starts[i] < end:
            return False
        self._starts.insert(i, start)
        self._ends.insert(i, end)
        return True


def _fix_span(d: Diagnostic) -> tuple[tuple[int, int], tuple[int, int]]:
    edits = d.fix.edits if d.fix is not None else []
    if not edits:
        return (d.line, d.column), (d.end_line or d.line, d.end_column or d.column)
    start = min((e["location"]["row"], e["location"]["column"]) for e in edits)
    end = max((e["end_location"]["row"], e["end_location"]["column"]) for e in edits)
    return start, end


def module_name_for(path: Path | str, memo: dict | None = None) -> tuple[str, bool]:
    """The dotted module name of ``path``, walking up through ``__init__.py`` packages.

    ``memo`` (a dict kept for one run) remembers each directory's package, so
    thousands of files in a few directories cost a few lookups each.
    """
    memo = {} if memo is None else memo
    p = os.fspath(path)
    real = real_path(p) if os.path.lexists(p) else p
    stem = os.path.splitext(os.path.basename(real))[0]
    is_package = stem == "__init__"
    parts = _package_parts(os.path.dirname(real), memo)
    if not is_package:
        parts = (*parts, stem)
    if not parts:
        parts = (os.path.basename(os.path.dirname(real)) or "__main__",)
    return ".".join(parts), is_package


def _package_parts(directory: str, memo: dict) -> tuple[str, ...]:
    key = ("package", directory)
    parts = memo.get(key)
    if parts is None:
        if os.path.exists(os.path.join(directory, "__init__.py")):
            parent = os.path.dirname(directory)
            above = () if parent == directory else _package_parts(parent, memo)
            parts = (*above, os.path.basename(directory))
        else:
            parts = ()
        memo[key] = parts
    return parts


def parse_error(path: str, source: bytes, exc: BaseException) -> Diagnostic:
    """ERR000 for a file LibCST cannot parse, with CPython's reason when it has one."""
    libcst_reason = str(exc).strip().splitlines()
    libcst_reason = next((line for line in libcst_reason if "error" in line.lower()), libcst_reason[0] if libcst_reason else type(exc).__name__)
    decoding = _decoding_error(path, source)
    if decoding is not None:
        return decoding
    cpython = _cpython_error(path, source)
    if cpython is not None:
        return cpython
    where = re.search(r"@ (\d+):(\d+)", str(exc))
    line, col = (int(where.group(1)), int(where.group(2))) if where else (1, 1)
    return Diagnostic(
        path, line, col, PARSE_ERROR,
        "cannot parse: LibCST's parser rejects this file although Python compiles it "
        f"({libcst_reason.rstrip('.')}); file skipped",
        rule="parse-error",
    )


def _decoding_error(path: str, source: bytes) -> Diagnostic | None:
    """ERR000 for bytes that are not in the file's declared (or default UTF-8) encoding."""
    try:
        encoding, cookie = tokenize.detect_encoding(io.BytesIO(source).readline)
    except SyntaxError as err:
        if "invalid or missing encoding" not in str(err):  # unknown or inconsistent coding cookie
            return Diagnostic(path, 1, 1, PARSE_ERROR, f"cannot parse: {err}", rule="parse-error")
        encoding, cookie = "utf-8", []  # undecodable bytes on the first lines, no cookie
    try:
        source.decode(encoding)
    except LookupError:
        return Diagnostic(path, 1, 1, PARSE_ERROR, f"cannot parse: unknown encoding {encoding!r}", rule="parse-error")
    except UnicodeDecodeError as err:
        line = source.count(b"\n", 0, err.start) + 1
        col = err.start - (source.rfind(b"\n", 0, err.start) + 1) + 1
        why = (
            f"is not valid {encoding}, the encoding its coding line declares"
            if cookie
            else "is not valid UTF-8 and the file has no PEP 263 coding line"
        )
        return Diagnostic(path, line, col, PARSE_ERROR, f"cannot parse: byte 0x{source[err.start]:02x} at {line}:{col} {why}", rule="parse-error")
    return None


def noqa_filter(source_lines: Sequence[str], diagnostics: Iterable[Diagnostic]) -> list[Diagnostic]:
    out = []
    for d in diagnostics:
        line = source_lines[d.line - 1] if 0 < d.line <= len(source_lines) else ""
        if "noqa" in line.lower():
            match = _NOQA.search(line)
            if match:
                codes = match.group("codes")
                if not codes:
                    continue  # blanket noqa
                if any(d.code.upper().startswith(c.upper()) for c in _CODE_SPLIT.split(codes.strip()) if c):
                    continue
        out.append(d)
    return out


def decode_lines(source: bytes, encoding: str) -> list[str]:
    try:
        return source.decode(encoding, errors="replace").splitlines()
    except LookupError:
        return source.decode("utf-8", errors="replace").splitlines()


class Linter:
    """Lints files with the enabled checks against one pack registry."""

    def __init__(
        self, registry: PackRegistry, checks: Sequence[type[Check]] | None = None, noqa: bool = True,
        src: Sequence[str] = (),
    ) -> None:
        """``src``: extra roots where project modules are searched (``[tool.errlint] src``)."""
        from .project import ProjectIndex

        self.registry = registry
        self.project_index = ProjectIndex(src)
        self.noqa = noqa  # False: leave ``# noqa`` to the host (flake8 applies its own)
        self._triggers: dict[type[Check], tuple] = {}
        self.checks = tuple(checks if checks is not None else ALL_CHECKS)
        # LibCST visits recursively; deeply nested (generated) code needs room.
        sys.setrecursionlimit(max(sys.getrecursionlimit(), 5000))

    # -- one file ----------------------------------------------------------------
    def lint_source(
        self,
        path: str,
        source: bytes,
        module_name: str | None = None,
        is_package: bool = False,
        project: ClassGraph | None = None,
        keep_module: bool = False,
    ) -> FileResult:
        """Lint one file; runs on a thread with a large stack (see :func:`on_big_stack`).

        ``keep_module``: keep the parsed module in the result (fixes need it;
        a plain run drops it so memory stays flat however many files it lints).
        """
        # -- TypeScript / JavaScript (issue 16): the one place a file goes to the other front end --------
        from .typescript import is_typescript, lint_file as lint_typescript

        if is_typescript(path):
            def typescript() -> FileResult:
                ts = lint_typescript(path, source, self.registry, self.checks, module_name, noqa=self.noqa)
                # the other modules it read, under names no Python module has: a cached result is re-linted
                depends = {f"<typescript> {p}": [p, d] for p, d in ts.reads.items()}
                return FileResult(path, ts.diagnostics, module_name or "", ts.error, depends=depends)

            return on_big_stack(typescript)
        # -- (end of the TypeScript dispatch) -------------------------------------------------------------
        return on_big_stack(self._lint_compiled, path, source, module_name, is_package, project, keep_module)

    def _lint_compiled(self, path: str, source: bytes, *rest) -> FileResult:
        """:meth:`_lint_source`, and CPython's compile-only errors (see :mod:`errlint.compile_errors`).

        A file CPython parses but cannot compile gets that error as ERR000 and
        is linted all the same, without fixes (CPython cannot check what a fix
        would write).
        """
        late = compile_only_error(path, source)
        if late is None:
            return self._lint_source(path, source, *rest)
        with lenient_try():
            result = self._lint_source(path, source, *rest)
        if not any(d.code == PARSE_ERROR for d in result.diagnostics):
            result.diagnostics = [replace(d, fix=None) for d in result.diagnostics]
            result.diagnostics.insert(0, late)
        return result

    def _lint_source(
        self,
        path: str,
        source: bytes,
        module_name: str | None,
        is_package: bool,
        project: ClassGraph | None,
        keep_module: bool = False,
    ) -> FileResult:
        if module_name is None:
            module_name, is_package = module_name_for(path)
        result = FileResult(path=path, module_name=module_name)
        enabled = [cls for cls in self.checks if self._triggered(cls, source)]
        if not enabled and project is None:
            # No enabled rule can report here: skip LibCST (the expensive part). CPython's
            # parser still checks the syntax, so an unparseable file is reported all the same;
            # the file's classes are read later if another file needs them (see run()).
            result.skipped = True
            bad = _python_syntax_error(path, source)
            if bad is not None:
                result.diagnostics.append(bad)
                result.skipped = False
            return result
        too_deep = _too_deep_for_python(path, source)  # only files LibCST is about to see
        if too_deep is not None:
            result.diagnostics.append(too_deep)
            return result
        try:
            module = cst.parse_module(source)
        except Exception as exc:  # ParserSyntaxError, CSTValidationError, decoding errors, RecursionError
            result.diagnostics.append(parse_error(path, source, exc))
            return result
        layer = None
        if project is None:  # the project modules this file imports, read on demand (errlint.project)
            project = layer = self.project_index.layer(self.registry.graph, path, module_name, is_package)
        ctx = FileContext(path, module, module_name, is_package, self.registry, project)
        ctx.source = source
        checks = [cls(ctx) for cls in enabled]
        needs = frozenset().union(*(type(c).needs for c in checks))
        visitors: list = [FactsBuilder(ctx, needs)] if needs else []
        visitors += [c for c in checks if not type(c).needs]
        dispatcher = _Walker(ctx, visitors)
        try:
            dispatcher.walk(module)
        except RecursionError:
            result.diagnostics.append(
                Diagnostic(path, 1, 1, PARSE_ERROR, "cannot parse: too deeply nested for errlint's traversal (recursion limit); file skipped", rule="parse-error")
            )
            return result
        except Exception as exc:
            current = dispatcher.current
            return self._internal_error(result, current if isinstance(current, Check) else None, exc)
        for check in checks:
            if type(check).needs:
                try:
                    check.run()
                except Exception as exc:
                    return self._internal_error(result, check, exc)
        try:
            diagnostics = [self._diagnostic(ctx, *r) for r in ctx.reports]
            diagnostics += [self._found(ctx, *r) for r in ctx.found]
        except Exception as exc:
            return self._internal_error(result, None, exc)
        if self.noqa and diagnostics:
            diagnostics = noqa_filter(decode_lines(source, module.encoding), diagnostics)
        result.diagnostics.extend(diagnostics)
        if keep_module:
            result.module = module
        else:
            for d in result.diagnostics:
                if d.fix is not None:
                    d.fix.replacements = ()  # the text edits stay; the nodes would keep the tree alive
        if layer is not None:
            result.depends = layer.depends
        return result

    def _triggered(self, check: type[Check], source: bytes) -> bool:
        triggers = self._triggers.get(check)
        if triggers is None:
            from .python.prefilter import literal_pattern
            from .checks.base import SDK_MODULES, SEVERAL_HANDLERS, PackValues

            words: list = []
            for t in check.triggers:
                if t == SEVERAL_HANDLERS:
                    from .python.prefilter import several_handlers_possible

                    words.append(several_handlers_possible)
                elif t == SDK_MODULES:
                    words.extend(m.encode() for m in sorted({m.split(".")[0] for p in self.registry.packs if not p.is_language for m in p.modules}))
                elif isinstance(t, PackValues):
                    from .python.scope import evidence_pattern

                    for pack in self.registry.packs:
                        values = [
                            value
                            for table in (pack.codes, pack.statuses)
                            for value, policy in table.items() if policy.retry == t.retry
                        ]
                        if pack.modules or not values:
                            continue
                        words.append(_values_in_scope(literal_pattern(values), None if pack.everywhere else evidence_pattern(pack)))
                elif isinstance(t, str):
                    words.append(t.encode())
                else:
                    words.append(t)  # a compiled bytes regex
            triggers = self._triggers[check] = tuple(words)
        return not triggers or any(
            (t in source) if isinstance(t, bytes) else t(source) if callable(t) else (t.search(source) is not None)
            for t in triggers
        )

    def _diagnostic(self, ctx: FileContext, code, node, message, fix, end) -> Diagnostic:
        start = ctx.position(node).start
        stop = ctx.position(end if end is not None else node).end
        if fix is not None:
            fix.edits = _text_edits(ctx.places, fix)
        rule = next((c.name for c in self.checks if c.code == code), "")
        return Diagnostic(
            ctx.path, start.line, start.column + 1, code, message,
            end_line=stop.line, end_column=stop.column + 1, rule=rule, fix=fix,
        )

    def _found(self, ctx: FileContext, code: str, at, message: str, request) -> Diagnostic:
        """The diagnostic of a finding of a check that reads facts; its fix request made into edits."""
        fix = fix_for(ctx, request)
        if fix is not None:
            fix.edits = _text_edits(ctx.places, fix)
        rule = next((c.name for c in self.checks if c.code == code), "")
        return Diagnostic(
            ctx.path, at.line, at.column, code, message,
            end_line=at.end_line, end_column=at.end_column, rule=rule, fix=fix,
        )

    def _internal_error(self, result: FileResult, check: Check | None, exc: BaseException) -> FileResult:
        where = f"{type(check).name} ({type(check).code})" if check is not None else "engine"
        frame = traceback.extract_tb(exc.__traceback__)[-1] if exc.__traceback__ else None
        at = f" at {Path(frame.filename).name}:{frame.lineno}" if frame else ""
        result.diagnostics.append(
            Diagnostic(result.path, 1, 1, INTERNAL_ERROR, f"internal error in {where}: {type(exc).__name__}: {exc}{at}", rule="internal-error")
        )
        result.error = True
        return result

    # -- fixes -----------------------------------------------------------------------
    def fix_source(
        self, path: str, source: bytes, unsafe: bool = False, project: ClassGraph | None = None,
        ignored: Sequence[str] = (),
    ) -> tuple[bytes, list[Diagnostic], FileResult]:
        """Apply fixes in passes until none applies; (fixed source, fixed findings, final result).

        ``ignored``: codes or prefixes whose findings are not fixed (per-file-ignores).
        """
        from .fixes import MAX_PASSES, apply_replacements, verify

        fixed: list[Diagnostic] = []
        original = source
        result = self.lint_source(path, source, project=project, keep_module=True)
        for _ in range(MAX_PASSES):
            if result.module is None or result.error:
                break
            chosen: list[Diagnostic] = []
            taken = _Spans()
            candidates = [
                d for d in result.diagnostics
                if d.fix is not None and d.fix.applies(unsafe) and not any(d.code.startswith(c.upper()) for c in ignored)
            ]
            # safe fixes first: an unsafe fix may not be needed once they are in
            for d in sorted(candidates, key=lambda d: (d.fix.applicability != "safe", _fix_span(d)[0])):
                span = _fix_span(d)
                if not taken.add(span):
                    continue  # overlaps a fix taken in this pass: it comes back in the next one
                chosen.append(d)
            if not chosen:
                break
            new_source = apply_replacements(result.module, [d.fix for d in chosen]).bytes
            if new_source == source:
                break
            # this pass's tree is done with: the fixed findings keep their text edits, not its nodes
            # (on a big file each tree is hundreds of MB, and the next pass parses another)
            for d in result.diagnostics:
                if d.fix is not None:
                    d.fix.replacements = ()
            result.module = None
            verify(new_source, path, original)
            fixed.extend(chosen)
            source = new_source
            result = self.lint_source(path, source, project=project, keep_module=True)
        return source, fixed, result

    def _lint_all(
        self, files: Sequence[tuple[str, bytes, tuple[str, bool]]], jobs: int, on_done=None,
    ) -> list[FileResult]:
        """Lint ``(path, source, (module name, is package))`` items, in ``jobs`` processes.

        ``on_done(result)`` is called as each file's result arrives, in order.
        """
        import multiprocessing

        done: list[FileResult] = []

        def arrived(result: FileResult) -> None:
            done.append(result)
            if on_done is not None:
                on_done(result)

        if jobs <= 1 or len(files) < 2 * jobs or "fork" not in multiprocessing.get_all_start_methods():
            for path, source, module in files:
                arrived(self.lint_source(path, source, *module))
            return done
        global _WORKER_LINTER
        _WORKER_LINTER = self  # inherited by the forked workers: no registry to rebuild or pickle
        from concurrent.futures import ProcessPoolExecutor
        from concurrent.futures.process import BrokenProcessPool

        try:
            with ProcessPoolExecutor(max_workers=jobs, mp_context=multiprocessing.get_context("fork")) as pool:
                for result in pool.map(_lint_in_worker, files, chunksize=max(1, len(files) // (jobs * 8))):
                    arrived(result)
                return done
        except BrokenProcessPool:
            # a worker died (a crash below Python): lint here, where it shows which file
            counted = len(done)
            results = []
            for i, (path, source, module) in enumerate(files):
                results.append(self.lint_source(path, source, *module))
                if on_done is not None and i >= counted:
                    on_done(results[-1])
            return results
        finally:
            _WORKER_LINTER = None

    # -- a run -----------------------------------------------------------------------
    def run(self, files: Sequence[tuple[str, bytes]], jobs: int = 1, cache=None, progress=None) -> list[FileResult]:
        """Lint ``(path, source)`` pairs; each file's verdict is the one it gets alone.

        A file's imports of project modules are resolved from disk on demand
        (:mod:`errlint.project`), the files of the run answering from memory, so
        a whole-tree run reports for each file what linting it alone reports.
        ``jobs`` > 1 lints in that many forked processes (where ``fork`` exists).
        ``cache`` (an :class:`errlint.cache.Cache` for this linter's rules and
        packs) answers for files whose bytes, module name and imported project
        modules it has seen, and learns the rest. ``progress`` (an
        :class:`errlint.progress.Progress`) is told of each file done.
        """
        self.project_index.seed(files)
        memo: dict = {}
        modules = [module_name_for(path, memo) for path, _ in files]  # once per file, for the lint and the cache
        digests: list[str] = []
        results: list[FileResult | None] = [None] * len(files)
        todo = list(range(len(files)))
        if cache is not None:
            from .cache import digest

            digests = [digest(source) for _, source in files]
            results = [
                cache.get(path, digests[i], modules[i], lambda deps, i=i: self.project_index.still_valid(files[i][0], *modules[i], deps))
                for i, (path, _) in enumerate(files)
            ]
            todo = [i for i, r in enumerate(results) if r is None]
        on_done = None
        if progress is not None:
            hits = [r for r in results if r is not None]
            progress.advance(len(hits), sum(len(r.diagnostics) for r in hits))
            on_done = lambda result: progress.advance(1, len(result.diagnostics))  # noqa: E731

        for i, result in zip(todo, self._lint_all([(*files[i], modules[i]) for i in todo], jobs, on_done)):
            results[i] = result
            if cache is not None:
                cache.put(result.path, digests[i], modules[i], result)
        return results  # type: ignore[return-value]
