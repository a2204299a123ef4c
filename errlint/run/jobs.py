"""Many files: linted here, or in a pool of forked processes.

With ``--jobs`` N > 1 (and ``fork`` available), the files are shared out to N
forked workers, which inherit the linter (no registry to rebuild or pickle) and
send back each file's :class:`~errlint.result.FileResult`. A worker that dies
(a crash below Python) breaks the pool: the files are then linted here, where
the crash shows which file it was.

No worker outlives its run: each asks the kernel for SIGKILL when its parent
dies (``prctl(PR_SET_PDEATHSIG)`` on Linux; elsewhere a thread watches for the
parent to change), ignores SIGINT (a terminal's Ctrl-C reaches the whole
process group; the parent decides), and an interrupt of the parent kills the
workers before it propagates.
"""
from __future__ import annotations

import gc
import os
import signal
import sys
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager

from ..result import FileResult

_WORKER_LINT: Callable[..., FileResult] | None = None


def _lint_in_worker(item: tuple[str, bytes, tuple[str, bool]]) -> FileResult:
    path, source, (module_name, is_package) = item
    assert _WORKER_LINT is not None
    return _WORKER_LINT(path, source, module_name, is_package)


def _worker_setup(parent: int) -> None:
    """In each worker, first: die with the parent; leave SIGINT to the parent (a terminal sends
    Ctrl-C to the whole process group), which stops the workers itself."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    if not _death_signal():
        _watch(parent)
    if os.getppid() != parent:  # the parent died before the worker could ask
        os._exit(1)


def _death_signal() -> bool:
    """Linux: the kernel sends this worker SIGKILL when the process that forked it dies."""
    if not sys.platform.startswith("linux"):
        return False
    try:
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        return libc.prctl(1, int(signal.SIGKILL), 0, 0, 0) == 0  # PR_SET_PDEATHSIG
    except (OSError, AttributeError, TypeError):
        return False


def _watch(parent: int) -> None:
    """Elsewhere: a thread that ends the worker once it has been re-parented (its parent died)."""
    import threading
    import time

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(0.5)
        os._exit(1)

    threading.Thread(target=watch, name="errlint-parent-watch", daemon=True).start()


def _stop(pool) -> None:
    """Cancel what is queued and end the workers now (they may be mid-file or blocked on a pipe)."""
    processes = list(getattr(pool, "_processes", {}).values())
    pool.shutdown(wait=False, cancel_futures=True)
    for process in processes:
        try:
            process.kill()
        except (OSError, ValueError, AttributeError):
            pass
    for process in processes:
        try:
            process.join(5)
        except (OSError, ValueError, AssertionError, AttributeError):
            pass


# Parsing builds hundreds of thousands of short-lived nodes per file; CPython's default
# thresholds (a young-generation collection every 700 allocations) spend about a tenth of
# a cold run collecting them. The trees are freed by their reference counts when a file
# is done; cycles wait a little longer. Paired runs on the stdlib: 8-10% less CPU.
_RUN_THRESHOLDS = (100_000, 50, 1000)


@contextmanager
def fewer_collections() -> Iterator[None]:
    """The garbage collector's thresholds for a run of many files (restored after; inherited by
    the forked workers)."""
    previous = gc.get_threshold()
    gc.set_threshold(*_RUN_THRESHOLDS)
    try:
        yield
    finally:
        gc.set_threshold(*previous)


def _can_fork() -> bool:
    import multiprocessing

    return "fork" in multiprocessing.get_all_start_methods()


def lint_all(
    lint: Callable[..., FileResult], files: Sequence[tuple[str, bytes, tuple[str, bool]]], jobs: int, on_done=None,
) -> list[FileResult]:
    """Lint ``(path, source, (module name, is package))`` items, in ``jobs`` processes.

    ``lint(path, source, module_name, is_package)`` lints one file (a linter's
    ``lint_source``). ``on_done(result)`` is called as each file's result
    arrives, in order.
    """
    done: list[FileResult] = []

    def arrived(result: FileResult) -> None:
        done.append(result)
        if on_done is not None:
            on_done(result)

    if jobs <= 1 or len(files) < 2 * jobs or not _can_fork():  # multiprocessing is imported only to fork
        for path, source, module in files:
            arrived(lint(path, source, *module))
        return done
    global _WORKER_LINT
    _WORKER_LINT = lint  # inherited by the forked workers: no registry to rebuild or pickle
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor
    from concurrent.futures.process import BrokenProcessPool

    pool = ProcessPoolExecutor(
        max_workers=jobs, mp_context=multiprocessing.get_context("fork"), initializer=_worker_setup, initargs=(os.getpid(),)
    )
    try:
        for result in pool.map(_lint_in_worker, files, chunksize=max(1, len(files) // (jobs * 8))):
            arrived(result)
        pool.shutdown(wait=True)
        return done
    except BaseException as exc:
        _stop(pool)  # an interrupt (SIGINT, SIGTERM) or a broken pool: no worker outlives this call
        if not isinstance(exc, BrokenProcessPool):
            raise
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
