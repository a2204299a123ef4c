"""The engine: one file's way through errlint.

One file (:meth:`Linter.lint_source`, on the big-stack thread of
:mod:`errlint.engine.bigstack`):

1. the enabled rules' triggers are looked for in the bytes; a file none of them
   can report on is not parsed by LibCST, CPython's parser alone checks its
   syntax (:mod:`errlint.source`);
2. CPython's verdict on the rest: bracket nesting it refuses, code it parses
   but does not compile (:mod:`errlint.source`; the tree CPython builds for
   step 3 is what it compiles, so the text is parsed once);
3. the Python front end (:mod:`errlint.python`): LibCST parses the bytes (so a
   BOM or a PEP 263 coding line is honoured) of the code that can hold a
   finding, chosen on CPython's tree (:mod:`errlint.python.partial`; the whole
   file when fixes will rewrite it), the shared name analysis reads the
   module's top-level bindings, and one traversal gathers the facts the
   enabled checks need (:mod:`errlint.facts`);
4. each check runs on the facts; its findings get their positions (computed
   only for files that report something) and its fix requests become fixes with
   text edits (:mod:`errlint.python.fixer`);
5. ``# noqa`` comments filter them (:mod:`errlint.source`).

Fixes are applied in passes (:meth:`Linter.fix_source`, :mod:`errlint.engine.fixloop`).
A run of many files (module names, the cache, worker processes) is :mod:`errlint.run`.

Classes a file imports from other project modules are read from disk on demand
(:mod:`errlint.project`), the same way for a whole tree, one file, flake8 and
standard input, so every front end gives a file the same verdict.

The front end is imported by the first file it parses: a run the cache answers
entirely never loads LibCST (see tests/test_lazy_imports.py).
"""
from __future__ import annotations

import sys
import traceback
from collections.abc import Callable, Mapping, Sequence
from dataclasses import replace
from pathlib import Path

from ..checks import ALL_CHECKS
from ..checks.base import Check
from ..diagnostics import INTERNAL_ERROR, PARSE_ERROR, Diagnostic
from ..hierarchy import ClassGraph
from ..packs import PackRegistry
from ..result import FileResult
from .bigstack import on_big_stack
from ..project.modules import module_name_for
from ..source import (
    compile_only_error, decode_lines, noqa_filter, parse_error, python_syntax_error, python_tree, too_deep_for_python,
)


class _Failed(Exception):
    """A file's checks could not finish: a diagnostic to report, or an internal error."""

    def __init__(self, diagnostic=None, check=None, exc=None) -> None:
        super().__init__()
        self.diagnostic, self.check, self.exc = diagnostic, check, exc

    def result(self, linter, result: FileResult) -> FileResult:
        if self.diagnostic is not None:
            result.diagnostics.append(self.diagnostic)
            return result
        return linter._internal_error(result, self.check, self.exc)


class Linter:
    """Lints files with the enabled checks against one pack registry."""

    def __init__(
        self, registry: PackRegistry | Callable[[], PackRegistry], checks: Sequence[type[Check]] | None = None,
        noqa: bool = True, src: Sequence[str] = (), overlay: Mapping[str, bytes] | None = None,
    ) -> None:
        """``registry``: the packs, or the function that loads them when a file is first linted
        (a run the cache answers whole never loads them; :meth:`load` loads them now);
        ``src``: extra roots where project modules are searched (``[tool.errlint] src``);
        ``overlay``: real path -> bytes read instead of the disk's for other project modules
        (an editor's unsaved buffers; its owner changes it)."""
        from ..project import ProjectIndex

        self._registry = registry
        self.overlay: Mapping[str, bytes] = overlay if overlay is not None else {}
        self.project_index = ProjectIndex(src, self.overlay)
        self.noqa = noqa  # False: leave ``# noqa`` to the host (flake8 applies its own)
        self._triggers: dict[type[Check], tuple] = {}
        self._tested: tuple[bytes | None, dict] = (None, {})  # the triggers tested on the last file, and their answers
        self._tops: frozenset[str] | None = None  # top modules of the packs with API generations
        self.declared = None  # the projects' declared dependencies (errlint.project.deps), made on first use
        self.npm_declared = None  # the npm projects' (errlint.project.npm_deps), made on first use
        self.checks = tuple(checks if checks is not None else ALL_CHECKS)
        # LibCST parses only the code that can hold a finding (python/partial.py); a run that keeps
        # the module (fixes rewrite it) parses all of it, as does a linter with this set to False
        # (tests compare the two)
        self.partial = True
        # LibCST visits recursively; deeply nested (generated) code needs room.
        sys.setrecursionlimit(max(sys.getrecursionlimit(), 5000))

    @property
    def registry(self) -> PackRegistry:
        if not isinstance(self._registry, PackRegistry):
            self._registry = self._registry()
        return self._registry

    def load(self) -> None:
        """Load the packs now if they are loaded on first use: where loading fails (a pack or a
        configuration error) is then the caller's, not a file's."""
        self.registry  # noqa: B018 - the property loads them

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
        """Lint one file; runs on a thread with a large stack (see :mod:`errlint.engine.bigstack`).

        ``keep_module``: keep the parsed module in the result (fixes need it;
        a plain run drops it so memory stays flat however many files it lints).
        """
        # -- TypeScript / JavaScript (issue 16): the one place a file goes to the other front end --------
        from ..typescript import is_typescript

        if is_typescript(path):
            from ..typescript import lint_file as lint_typescript  # imported by the first such file

            def typescript() -> FileResult:
                ts = lint_typescript(
                    path, source, self.registry, self.checks, module_name, noqa=self.noqa, overlay=self.overlay,
                    generations=lambda used, packs: self._ts_generations(path, used, packs),
                )
                # the other modules it read, under names no Python module has: a cached result is re-linted
                depends = {f"<typescript> {p}": [p, d] for p, d in ts.reads.items()}
                depends.update(ts.depends)  # the npm project's declarations it read (errlint.project.npm_deps)
                return FileResult(path, ts.diagnostics, module_name or "", ts.error, depends=depends)

            return on_big_stack(typescript)
        # -- (end of the TypeScript dispatch) -------------------------------------------------------------
        return on_big_stack(self._lint_compiled, path, source, module_name, is_package, project, keep_module)

    def _lint_compiled(self, path: str, source: bytes, module_name, is_package, project, keep_module=False) -> FileResult:
        """:meth:`_lint_source`, and CPython's compile-only errors (see :func:`errlint.source.compile_only_error`).

        A file CPython parses but cannot compile gets that error as ERR000 and
        is linted all the same, without fixes (CPython cannot check what a fix
        would write).
        """
        enabled = [cls for cls in self.checks if self._triggered(cls, source)]
        # a file LibCST will read gets CPython's tree (it chooses what LibCST parses): compiled, it
        # is also the verdict, so the text is parsed by CPython once
        late = compile_only_error(path, source, parse=bool(enabled) or project is not None)
        rest = (module_name, is_package, project, keep_module, enabled)
        if late is None:
            return self._lint_source(path, source, *rest)
        from ..python.parse import lenient_try

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
        enabled: list[type[Check]] | None = None,
    ) -> FileResult:
        if module_name is None:
            module_name, is_package = module_name_for(path)
        result = FileResult(path=path, module_name=module_name)
        if enabled is None:
            enabled = [cls for cls in self.checks if self._triggered(cls, source)]
        if not enabled and project is None:
            # No enabled rule can report here: skip LibCST (the expensive part). CPython's
            # parser still checks the syntax, so an unparseable file is reported all the same;
            # the file's classes are read later if another file needs them (see run()).
            result.skipped = True
            bad = python_syntax_error(path, source)
            if bad is not None:
                result.diagnostics.append(bad)
                result.skipped = False
            return result
        too_deep = too_deep_for_python(path, source)  # only files LibCST is about to see
        if too_deep is not None:
            result.diagnostics.append(too_deep)
            return result
        # The Python front end (LibCST) is imported by the first file it parses: a run the
        # cache answers, or whose files no enabled rule can report on, never loads it.
        from ..python.parse import parse_module

        needs = frozenset().union(*(cls.needs for cls in enabled))
        try:  # only the code that can hold a finding, unless the module is kept (fixes rewrite it)
            module, whole = parse_module(source, python_tree(source) if self.partial else None, needs, keep_module)
        except Exception as exc:  # ParserSyntaxError, CSTValidationError, decoding errors, RecursionError
            result.diagnostics.append(parse_error(path, source, exc))
            return result
        registry, choices, depends = self.registry, [], {}
        if project is None:  # the API generation of each SDK the file uses (errlint.project.deps)
            registry, choices, depends = self._generations(path, source)
        try:
            diagnostics, layer = self._check(path, module, source, module_name, is_package, registry, project, enabled)
        except _Failed as failed:
            return failed.result(self, result)
        for choice in choices:
            if choice.by == "default" and diagnostics:
                diagnostics = self._assumed(choice, diagnostics, path, module, source, module_name, is_package, enabled, depends)
        if self.noqa and diagnostics:
            diagnostics = noqa_filter(decode_lines(source, module.encoding), diagnostics)
        result.diagnostics.extend(diagnostics)
        if keep_module and whole:
            result.module = module
        else:
            for d in result.diagnostics:
                if d.fix is not None:
                    d.fix.replacements = ()  # the text edits stay; the nodes would keep the tree alive
        if layer is not None:
            result.depends = {**layer.depends, **depends}
        return result

    def _check(self, path, module, source, module_name, is_package, registry, project, enabled):
        """The findings of the ``enabled`` checks on a parsed file, with ``registry``'s packs, and the
        layer of project modules read (None when ``project`` was given); raises :class:`_Failed`."""
        from ..python.build import gather
        from ..python.context import FileContext

        layer = None
        if project is None:  # the project modules this file imports, read on demand (errlint.project)
            project = layer = self.project_index.layer(registry.graph, path, module_name, is_package)
        ctx = FileContext(path, module, module_name, is_package, registry, project)
        ctx.source = source
        checks = [cls(ctx) for cls in enabled]
        try:
            gather(ctx, frozenset().union(*(type(c).needs for c in checks)))
        except RecursionError:
            raise _Failed(Diagnostic(path, 1, 1, PARSE_ERROR, "cannot parse: too deeply nested for errlint's traversal (recursion limit); file skipped", rule="parse-error")) from None
        except Exception as exc:
            raise _Failed(None, None, exc) from None
        for check in checks:
            try:
                check.run()
            except Exception as exc:
                raise _Failed(None, check, exc) from None
        try:
            return ctx.diagnostics({c.code: c.name for c in self.checks}), layer
        except Exception as exc:
            raise _Failed(None, None, exc) from None

    # -- API generations (errlint.packs.generations, errlint.project.deps) -------------------------
    def _generations(self, path: str, source: bytes):
        """The registry with the generations this file's SDKs are linted with, the choices, and the
        declarations read (for the cache)."""
        from ..project.deps import DeclaredIndex, choose_generations, generation_tops

        if self._tops is None:
            self._tops = generation_tops(self.registry)
            self.declared = DeclaredIndex()
        if not self._tops:
            return self.registry, [], {}
        from ..python.evidence import used_names

        used = used_names(source, self._tops)
        if not used:
            return self.registry, [], {}
        registry, choices, read = choose_generations(self.registry, used, lambda: self.declared.for_path(path))
        return registry, choices, (self.declared.depends(path) if read else {})

    def _ts_generations(self, path: str, used: frozenset[str], packs: set[str]):
        """TypeScript: the registry with the npm generation of each SDK the file imports, the choices, and the
        npm project declarations read (for the cache)."""
        from ..project.npm_deps import NpmDeclaredIndex, choose_ts_generations

        if self.npm_declared is None:
            self.npm_declared = NpmDeclaredIndex()
        registry, choices, read = choose_ts_generations(self.registry, used, packs, lambda: self.npm_declared.for_path(path))
        return registry, choices, (self.npm_declared.depends(path) if read else {})

    def _assumed(self, choice, diagnostics, path, module, source, module_name, is_package, enabled, depends):
        """Findings that hold only with the pack's current generation, which nothing decided:
        their messages say so (each other generation is linted to find out; the project modules
        those runs read join ``depends``)."""
        pack = self.registry.pack_named(choice.pack)
        chosen = [(choice.pack, choice.generation.name)]
        for other in pack.generations_in(choice.generation.language):
            if other is choice.generation:
                continue
            variant = self.registry.with_generations([(c, g) for c, g in chosen if c != choice.pack] + [(choice.pack, other.name)])
            try:
                found, layer = self._check(path, module, source, module_name, is_package, variant, None, enabled)
            except _Failed:
                continue
            for name, recorded in layer.depends.items():
                depends.setdefault(name, recorded)
            there = {(d.code, d.line, d.column) for d in found}
            diagnostics = [
                d if (d.code, d.line, d.column) in there or d.code == PARSE_ERROR else replace(d, message=choice.assumed(d.message, other))
                for d in diagnostics
            ]
        return diagnostics

    def _triggered(self, check: type[Check], source: bytes) -> bool:
        triggers = self._triggers.get(check)
        if triggers is None:
            from .triggers import triggers_of

            triggers = self._triggers[check] = triggers_of(check, self.registry)
        if not triggers:
            return True
        # each distinct trigger is tested once per file, whichever checks name it (the SDK words)
        if self._tested[0] is not source:
            self._tested = (source, {})
        tested = self._tested[1]
        for t in triggers:
            hit = tested.get(t)
            if hit is None:
                hit = tested[t] = (t in source) if isinstance(t, bytes) else t(source) if callable(t) else (t.search(source) is not None)
            if hit:
                return True
        return False

    def _internal_error(self, result: FileResult, check: Check | None, exc: BaseException) -> FileResult:
        where = f"{type(check).name} ({type(check).code})" if check is not None else "engine"
        frame = traceback.extract_tb(exc.__traceback__)[-1] if exc.__traceback__ else None
        at = f" at {Path(frame.filename).name}:{frame.lineno}" if frame else ""
        result.diagnostics.append(
            Diagnostic(result.path, 1, 1, INTERNAL_ERROR, f"internal error in {where}: {type(exc).__name__}: {exc}{at}", rule="internal-error")
        )
        result.error = True
        return result

    def still_valid(self, path: str, module: tuple[str, bool], deps: dict) -> bool:
        """Are the project modules and declarations a cached result of ``path`` read unchanged?"""
        from ..project.deps import DEPENDS_PREFIX, DeclaredIndex
        from ..project.npm_deps import NPM_DEPENDS_PREFIX, NpmDeclaredIndex

        declared = {k: v for k, v in deps.items() if k.startswith(DEPENDS_PREFIX)}
        if declared:
            if self.declared is None:
                self.declared = DeclaredIndex()
            if not self.declared.still_valid(path, declared):
                return False
        npm = {k: v for k, v in deps.items() if k.startswith(NPM_DEPENDS_PREFIX)}
        if npm:
            if self.npm_declared is None:
                self.npm_declared = NpmDeclaredIndex()
            if not self.npm_declared.still_valid(path, npm):
                return False
        modules = {k: v for k, v in deps.items() if not k.startswith((DEPENDS_PREFIX, NPM_DEPENDS_PREFIX))}
        return self.project_index.still_valid(path, *module, modules)

    # -- fixes -----------------------------------------------------------------------
    def fix_source(
        self, path: str, source: bytes, unsafe: bool = False, project: ClassGraph | None = None,
        ignored: Sequence[str] = (),
    ) -> tuple[bytes, list[Diagnostic], FileResult]:
        """Apply fixes in passes until none applies; (fixed source, fixed findings, final result).

        ``ignored``: codes or prefixes whose findings are not fixed (per-file-ignores).
        See :mod:`errlint.engine.fixloop`.
        """
        from .fixloop import fix_source

        return fix_source(lambda code: self.lint_source(path, code, project=project, keep_module=True), path, source, unsafe, ignored)
