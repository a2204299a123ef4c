"""Many files through one linter: the cache's answers first, the rest here or in forked workers."""
from __future__ import annotations

from collections.abc import Sequence

from ..engine import Linter
from ..project.modules import module_name_for
from ..result import FileResult
from .jobs import lint_all


def lint_files(
    linter: Linter, files: Sequence[tuple[str, bytes]], jobs: int = 1, cache=None, progress=None,
) -> list[FileResult]:
    """Lint ``(path, source)`` pairs; each file's verdict is the one it gets alone.

    A file's imports of project modules are resolved from disk on demand
    (:mod:`errlint.project`), the files of the run answering from memory, so
    a whole-tree run reports for each file what linting it alone reports.
    ``jobs`` > 1 lints in that many forked processes (where ``fork`` exists).
    ``cache`` (an :class:`errlint.run.cache.Cache` for this linter's rules and
    packs) answers for files whose bytes, module name and imported project
    modules it has seen, and learns the rest. ``progress`` (an
    :class:`errlint.output.progress.Progress`) is told of each file done.
    """
    linter.project_index.seed(files)
    memo: dict = {}
    modules = [module_name_for(path, memo) for path, _ in files]  # once per file, for the lint and the cache
    digests: list[str] = []
    results: list[FileResult | None] = [None] * len(files)
    todo = list(range(len(files)))
    if cache is not None:
        from .cache import digest

        digests = [digest(source) for _, source in files]
        results = [
            cache.get(path, digests[i], modules[i], lambda deps, i=i: linter.still_valid(files[i][0], modules[i], deps))
            for i, (path, _) in enumerate(files)
        ]
        todo = [i for i, r in enumerate(results) if r is None]
    if todo:
        linter.load()  # packs loaded on first use are loaded here, before any worker forks
    on_done = None
    if progress is not None:
        hits = [r for r in results if r is not None]
        progress.advance(len(hits), sum(len(r.diagnostics) for r in hits))
        on_done = lambda result: progress.advance(1, len(result.diagnostics))  # noqa: E731

    for i, result in zip(todo, lint_all(linter.lint_source, [(*files[i], modules[i]) for i in todo], jobs, on_done)):
        results[i] = result
        if cache is not None:
            cache.put(result.path, digests[i], modules[i], result)
    return results  # type: ignore[return-value]
