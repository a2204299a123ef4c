"""The one run API every front end calls: files → configuration → cache → lint → fixes → results.

A :class:`Session` holds what a front end's process keeps between files: the
configuration of each file (found as the CLI finds it), the pack registries
and a :class:`~errlint.engine.Linter` per configuration. Two ways in:

- :meth:`Session.run` lints the paths of a command line (or standard input):
  it finds the files, groups them by configuration, asks the cache, lints the
  rest (in worker processes with ``jobs`` > 1), computes the fixes and writes
  them where asked, and returns a :class:`RunReport` for a front end to render;
- :meth:`Session.lint_source` lints one buffer under a path (flake8, an
  editor): the same configuration, packs, rules and per-file-ignores;
  :meth:`Session.fix_source` applies its fixes as ``--fix`` does.

A long-lived host (the language server) keeps its unsaved buffers in
:attr:`Session.overlay` (real path -> bytes), which the project modules a
verdict reads are taken from before the disk, and calls
:meth:`Session.invalidate` when files changed under it.

Problems that do not stop the run (a path that does not exist, a cache that
cannot be written, a fix that would not compile, a file that cannot be
written) are handed to ``say`` as one line each, as they happen, and counted
in :attr:`RunReport.errors`. Warnings are said too, and not counted: a path that
is not a regular file (a FIFO, a device: skipped, never opened) and a directory
that cannot be read (:mod:`errlint.run.inputs`).

``--fix`` writes a file only over the bytes its fixes were computed from: a file
changed (or removed) since it was read, or read-only, is left alone, said
("changed since it was read; not fixed") and counted, and its findings stand.
"""
from __future__ import annotations

import os
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from ..checks import ALL_CHECKS
from ..diagnostics import INTERNAL_ERROR, PARSE_ERROR, Diagnostic
from ..engine import Linter
from ..fixes import FixError, NotFixed, remove_stale_temporaries, write_atomically
from ..result import FileResult
from ..workspace.config import Config, find_config, project_packs_digest, project_registry, with_excludes
from ..workspace.files import PathError, discover
from ..workspace.gitignore import GitIgnore
from ..workspace.selection import Selection, select_rules
from .inputs import display_path, read_input, read_standard_input
from .jobs import fewer_collections
from .lint import lint_files


def config_layer(config: Config) -> list[Selection]:
    """The rule selectors of a configuration alone (flake8, an editor without overrides)."""
    return [Selection(config.select, config.extend_select, config.ignore)]


@dataclass
class RunOptions:
    """What a front end asks of a run (the command line's options, as data)."""

    paths: Sequence[str] = (".",)
    stdin: Callable[[], bytes] | None = None  # reads the buffer named "-" (standard input)
    stdin_filename: str = "-"
    respect_gitignore: bool | None = None  # None: as configured
    force_exclude: bool = False  # judge the paths named too, not only what is found under them
    exclude: Sequence[str] | None = None  # --exclude: replaces each configuration's exclude (None: as configured)
    extend_exclude: Sequence[str] = ()  # --extend-exclude: added to each configuration's
    list_files: bool = False  # --show-files: find the files, lint nothing
    jobs: int = 1
    cache: bool = True
    cache_dir: str | None = None
    fix: bool = False  # compute fixes (--fix, --diff)
    write: bool = False  # apply them (--fix): files are written, standard input's fixed text is returned
    unsafe_fixes: bool | None = None  # None: as configured
    add_noqa: bool = False  # write a noqa comment on the line of each finding (--add-noqa)
    progress: Callable[[int], object] | None = None  # makes the progress display for this many files


@dataclass
class FixedFile:
    """A file the fixes changed: written (``--fix``), to be shown (``--diff``) or returned (standard input)."""

    path: str
    original: bytes
    fixed: bytes
    findings: int  # how many findings the fixes fixed


@dataclass
class RunReport:
    diagnostics: list[Diagnostic] = field(default_factory=list)  # sorted; per-file-ignores applied
    fixable: set[int] = field(default_factory=set)  # id() of the findings --fix would fix
    hidden: int = 0  # findings only --unsafe-fixes would fix
    hint: bool = True  # the user chose neither way on unsafe fixes: mention the hidden ones
    errors: int = 0  # problems said along the way
    files: int = 0  # the files found to lint (or to list), standard input included
    noqa_added: int = 0  # --add-noqa: the lines given a noqa comment
    internal: bool = False  # an ERR999
    listed: list[str] = field(default_factory=list)  # --show-files
    changed: list[FixedFile] = field(default_factory=list)  # every file the fixes change (--diff shows them)
    applied: list[FixedFile] = field(default_factory=list)  # the changes written (--fix), standard input's included
    stdin: bytes | None = None  # standard input as read
    stdin_fixed: bytes | None = None  # standard input with its fixes applied (--fix), None if nothing changed
    progress: object | None = None  # the progress display the run drew on (a front end clears it)
    cache_problem: str | None = None  # what was wrong with a cache the run read (said once)


class _Group:
    """Files that share one configuration (and so one set of packs and rules)."""

    def __init__(self, config: Config) -> None:
        self.config = config
        self.excluding = config  # the configuration with the command line's excludes
        self.files: list[tuple[str, bytes]] = []


class Session:
    """The configurations, pack registries and linters of one front end's process.

    ``config``: one configuration for every file (``--config``), else each file's
    own. ``layers``: the rule selectors for a configuration, weakest first
    (the command line adds its own to the configuration's). ``extend_packs``,
    ``disable_packs``, ``enable_packs``: packs the front end adds to every
    configuration's (flake8's options). ``noqa``: False leaves ``# noqa`` to the host.
    """

    def __init__(
        self, config: Config | None = None, layers: Callable[[Config], list[Selection]] = config_layer,
        extend_packs: Sequence[str] = (), disable_packs: Sequence[str] = (), enable_packs: Sequence[str] = (),
        noqa: bool = True, say: Callable[[str], None] | None = None,
    ) -> None:
        self.override = config
        self.layers = layers
        self.extra = (tuple(extend_packs), tuple(disable_packs), tuple(enable_packs))
        self.noqa = noqa
        self.say = say or (lambda message: print(f"errlint: {message}", file=sys.stderr))
        self.overlay: dict[str, bytes] = {}  # real path -> content newer than the disk's (an editor's buffers)
        self._registries: dict[tuple, object] = {}
        self._linters: dict[str | None, tuple[Linter, bool]] = {}
        self._run_configs: dict | None = None  # during run(): directory -> its configuration

    def invalidate(self, paths: Sequence[str] | None = None) -> None:
        """Files changed under a long-lived session. ``paths``: project modules whose disk content may
        differ from what was read (read again when next asked); None: anything may have changed (a
        configuration, a pack, a declared dependency, a module created or deleted): the pack registries
        and linters are built again."""
        if paths is None:
            self._registries.clear()
            self._linters.clear()
            return
        for linter, _ in self._linters.values():
            linter.project_index.forget(paths)

    # -- configuration, packs, rules ----------------------------------------------------------
    def config_for(self, path: str) -> Config:
        """The configuration of ``path``: found again each time, except during :meth:`run`, whose
        files share the search by directory (a long-lived session sees a configuration appear)."""
        return self.override or find_config(path if path != "-" else ".", self._run_configs)

    def registry(self, config: Config, cache_dir: str | None = None):
        """The packs of ``config``; ``cache_dir``: where the pack files' parsed TOML is kept between runs."""
        key = (tuple(map(str, config.extend_packs)), tuple(config.disable_packs), tuple(config.enable_packs))
        if key not in self._registries:
            store = None
            if cache_dir is not None:
                from .packcache import PackDataCache

                store = PackDataCache(cache_dir)
            self._registries[key] = project_registry(config, *self.extra, store=store)
            if store is not None:
                store.save()
        return self._registries[key]

    def selection(self, config: Config):
        """The checks that run under ``config`` and whether ERR000 is reported."""
        return select_rules(ALL_CHECKS, self.layers(config))

    def linter(self, config: Config, cache_dir: str | None = None, lazy: bool = False) -> Linter:
        """The linter of a configuration; raises ConfigError, PackError or SelectionError (``lazy``:
        the packs are loaded when a file is first linted, or by ``Linter.registry``)."""
        found = self._linters.get(config.path)
        if found is None:
            checks, report_parse_errors = self.selection(config)
            packs = (lambda: self.registry(config, cache_dir)) if lazy else self.registry(config, cache_dir)
            found = self._linters[config.path] = (
                Linter(packs, checks, noqa=self.noqa, src=config.src_roots, overlay=self.overlay),
                report_parse_errors,
            )
        return found[0]

    def reports_parse_errors(self, config: Config) -> bool:
        """Whether ERR000 is selected under ``config`` (a run leaves it out otherwise)."""
        self.linter(config)
        return self._linters[config.path][1]

    # -- one buffer ----------------------------------------------------------------------------
    def lint_source(self, path: str, source: bytes, config: Config | None = None) -> tuple[FileResult, Config]:
        """Lint one buffer under ``path`` (flake8, an editor): its configuration's packs and rules;
        the findings per-file-ignores disables are left out."""
        config = config or self.config_for(path)
        result = self.linter(config).lint_source(path, source)
        ignored = tuple(c.upper() for c in config.ignored_for(path))
        if ignored:
            result.diagnostics = [d for d in result.diagnostics if d.code == INTERNAL_ERROR or not d.code.startswith(ignored)]
        return result, config

    def fix_source(self, path: str, source: bytes, unsafe: bool | None = None, config: Config | None = None) -> tuple[bytes, list[Diagnostic], FileResult]:
        """``--fix`` on one buffer under ``path``: its fixes applied in passes as a run applies them
        (per-file-ignores respected; unsafe ones only if ``unsafe``, None: as configured). Returns
        (fixed source, fixed findings, the final result); raises FixError if the result would not compile."""
        config = config or self.config_for(path)
        unsafe = config.unsafe_fixes if unsafe is None else unsafe
        return self.linter(config).fix_source(path, source, bool(unsafe), None, config.ignored_for(path))

    # -- a run of a command line ---------------------------------------------------------------
    def run(self, options: RunOptions) -> RunReport:
        report = RunReport(hint=options.unsafe_fixes is None)
        self._run_configs = {}
        try:
            groups = self._collect(options, report)
        finally:
            self._run_configs = None
        if options.list_files:
            return report
        if options.progress is not None:
            report.progress = options.progress(sum(len(g.files) for g in groups.values()))
        with fewer_collections():
            for group in groups.values():
                self._run_group(group, options, report)
        report.diagnostics.sort()
        return report

    def _collect(self, options: RunOptions, report: RunReport) -> dict[str | None, _Group]:
        """The files of the run, read and grouped by configuration (--show-files: listed instead)."""
        groups: dict[str | None, _Group] = {}

        def group_for(path: str) -> _Group:
            config = self.config_for(path)
            if config.path not in groups:
                groups[config.path] = _Group(config)
                groups[config.path].excluding = with_excludes(config, options.exclude, options.extend_exclude)
            return groups[config.path]

        gitignore = GitIgnore()
        listed: set[str] = set()
        for raw in options.paths:
            if raw == "-":
                group = group_for(options.stdin_filename if options.stdin_filename != "-" else ".")
                report.files += 1
                data = options.stdin() if options.stdin is not None else read_standard_input(
                    sys.stdin.buffer, options.stdin_filename, group.config.max_file_size)
                if isinstance(data, Diagnostic):  # too large
                    report.diagnostics.append(data)
                    continue
                report.stdin = data
                group.files.append((options.stdin_filename, data))
                continue
            base_config = with_excludes(self.config_for(raw), options.exclude, options.extend_exclude)
            respect = base_config.respect_gitignore if options.respect_gitignore is None else options.respect_gitignore
            try:
                found = list(discover([raw], base_config.excludes, gitignore if respect else None, self._unreadable_directory))
            except PathError as exc:
                self.say(f"error: {exc}")
                report.errors += 1
                continue
            for path in found:
                group = group_for(path)
                # as in ruff, a path named is linted even if excluded; --force-exclude judges it too
                if group.excluding.is_excluded(path, None if options.force_exclude else raw):
                    continue
                report.files += 1
                display = display_path(path)
                if options.list_files:
                    listed.add(display)
                    continue
                data = read_input(path, display, group.config.max_file_size, self.say)  # regular files only (run/inputs.py)
                if isinstance(data, bytes):
                    group.files.append((display, data))
                elif data is not None:
                    report.diagnostics.append(data)
        report.listed = sorted(listed)
        return groups

    def _unreadable_directory(self, exc: OSError) -> None:
        """A directory the walk cannot list: one warning line, the run goes on."""
        where = display_path(exc.filename) if isinstance(exc.filename, str) else "a directory"
        self.say(f"warning: {where}: cannot read the directory: {exc.strerror or exc}; its files are not linted")

    def _run_group(self, group: _Group, options: RunOptions, report: RunReport) -> None:
        config = group.config
        unsafe = config.unsafe_fixes if options.unsafe_fixes is None else options.unsafe_fixes
        report.hint = report.hint and config.unsafe_fixes is None
        directory = None
        if options.cache and "-" not in options.paths:  # standard input (an editor's buffer) is not cached
            directory = options.cache_dir or os.environ.get("ERRLINT_CACHE_DIR") or config.cache_directory
        # with a cache, the packs are loaded only if a file is linted (lint_files loads them first)
        linter = self.linter(config, directory, lazy=directory is not None)
        report_parse_errors = self._linters[config.path][1]
        cache = None
        if directory is not None:
            from .cache import Cache, run_key

            packs = project_packs_digest(config, *self.extra)  # the same choices as self.registry's
            if packs is None:  # a pack file that cannot be read: loading it says why (if it reads now, no cache)
                linter.load()
            else:
                cache = Cache(directory, run_key((c.code for c in linter.checks), packs))
        results = lint_files(linter, group.files, jobs=max(1, options.jobs), cache=cache, progress=report.progress)
        if cache is not None:
            if cache.problem and report.cache_problem is None:  # a corrupted cache: said once a run
                report.cache_problem = cache.problem
                self.say(f"warning: {cache.problem}")
            problem = cache.save([path for path, _ in group.files])
            if problem:
                self.say(f"warning: {problem}")
        if options.fix:
            self._fix_group(group, results, bool(unsafe), options, report)
        first = len(report.diagnostics)
        for result in results:
            ignored = config.ignored_for(result.path)
            for d in result.diagnostics:
                if ignored and d.code not in (INTERNAL_ERROR,) and any(d.code.startswith(c.upper()) for c in ignored):
                    continue
                if d.code == PARSE_ERROR and not report_parse_errors:
                    continue
                report.diagnostics.append(d)
                if d.fix is not None and d.fix.applies(bool(unsafe)):  # --fix would fix it
                    report.fixable.add(id(d))
                report.hidden += d.fix is not None and not unsafe and d.fix.applicability == "unsafe"  # only with --unsafe-fixes
            report.internal = report.internal or result.error
        if options.add_noqa:
            self._add_noqa(dict(group.files), report.diagnostics[first:], report)

    def _add_noqa(self, sources: dict[str, bytes], diagnostics: list[Diagnostic], report: RunReport) -> None:
        """--add-noqa: a noqa comment on the line of each finding (errlint.engine.addnoqa), written atomically."""
        from ..engine.addnoqa import add_noqa

        by_file: dict[str, list[Diagnostic]] = {}
        for d in diagnostics:
            by_file.setdefault(d.path, []).append(d)
        for path, found in by_file.items():
            new_source, added, refused = add_noqa(path, sources[path], found)
            for line in refused:
                self.say(f"warning: {path}:{line}: no noqa comment added: the line does not end in code "
                         "(a string, a template literal, JSX text or a line continuation goes on past it)")
            if added:
                try:  # as --fix: only over the bytes the comments were placed in
                    write_atomically(path, new_source, expected=sources[path])
                except (NotFixed, OSError) as exc:
                    why = str(exc) if isinstance(exc, NotFixed) else f"cannot write: {exc.strerror or exc}"
                    self.say(f"error: {path}: {why}; no noqa comment added")
                    report.errors += 1
                    continue
                report.noqa_added += added

    def _fix_group(self, group: _Group, results: list[FileResult], unsafe: bool, options: RunOptions, report: RunReport) -> None:
        """Fix the files of a group whose findings have a fix that applies; ``results`` become the fixed files'."""
        config = group.config
        sources = dict(group.files)
        if options.write:  # the temporary files of a write that was killed (errlint.fixes)
            stdin = options.stdin_filename if "-" in options.paths else None  # standard input writes no file
            for directory in sorted({os.path.dirname(os.path.abspath(path)) for path, _ in group.files if path not in ("-", stdin)}):
                remove_stale_temporaries(directory)
        for i, result in enumerate(results):
            ignored = config.ignored_for(result.path)
            if not any(
                d.fix is not None and d.fix.applies(unsafe) and not any(d.code.startswith(c.upper()) for c in ignored)
                for d in result.diagnostics
            ):
                continue
            original, as_read = sources[result.path], result
            try:
                new_source, fixed, results[i] = self.fix_source(result.path, original, unsafe, config)
            except FixError as exc:
                self.say(f"error: {exc}")
                report.errors += 1
                continue
            if new_source == original:
                continue
            change = FixedFile(result.path, original, new_source, len(fixed))
            report.changed.append(change)
            if not options.write:
                continue
            if result.path == options.stdin_filename and "-" in options.paths:
                report.stdin_fixed = new_source
            else:
                try:  # only over the bytes the fix was computed from (another program may have written since)
                    write_atomically(result.path, new_source, expected=original)
                except (NotFixed, OSError) as exc:
                    why = str(exc) if isinstance(exc, NotFixed) else f"cannot write: {exc.strerror or exc}"
                    self.say(f"error: {result.path}: {why}; not fixed")
                    report.errors += 1
                    results[i] = as_read  # its findings stand, as read
                    continue
            report.applied.append(change)
