"""Many files: linted here, or in a pool of forked processes.

With ``--jobs`` N > 1 (and ``fork`` available), the files are shared out to N
forked workers, which inherit the linter (no registry to rebuild or pickle) and
send back each file's :class:`~errlint.result.FileResult`. A worker that dies
(a crash below Python) breaks the pool: the files are then linted here, where
the crash shows which file it was.
"""
from __future__ import annotations

from collections.abc import Callable, Sequence

from ..result import FileResult

_WORKER_LINT: Callable[..., FileResult] | None = None


def _lint_in_worker(item: tuple[str, bytes, tuple[str, bool]]) -> FileResult:
    path, source, (module_name, is_package) = item
    assert _WORKER_LINT is not None
    return _WORKER_LINT(path, source, module_name, is_package)


def lint_all(
    lint: Callable[..., FileResult], files: Sequence[tuple[str, bytes, tuple[str, bool]]], jobs: int, on_done=None,
) -> list[FileResult]:
    """Lint ``(path, source, (module name, is package))`` items, in ``jobs`` processes.

    ``lint(path, source, module_name, is_package)`` lints one file (a linter's
    ``lint_source``). ``on_done(result)`` is called as each file's result
    arrives, in order.
    """
    import multiprocessing

    done: list[FileResult] = []

    def arrived(result: FileResult) -> None:
        done.append(result)
        if on_done is not None:
            on_done(result)

    if jobs <= 1 or len(files) < 2 * jobs or "fork" not in multiprocessing.get_all_start_methods():
        for path, source, module in files:
            arrived(lint(path, source, *module))
        return done
    global _WORKER_LINT
    _WORKER_LINT = lint  # inherited by the forked workers: no registry to rebuild or pickle
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
            results.append(lint(path, source, *module))
            if on_done is not None and i >= counted:
                on_done(results[-1])
        return results
    finally:
        _WORKER_LINT = None
