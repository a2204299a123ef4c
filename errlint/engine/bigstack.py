"""The big-stack thread: every file is linted on a thread with room to recurse."""
from __future__ import annotations

import os

# LibCST's native parser recurses on the machine stack: nesting a few thousand
# brackets deep, or a very long operator chain, overflows an 8 MB main-thread
# stack and kills the process. Every file is therefore linted on a worker
# thread with this much stack, where those inputs parse (slowly) or raise.
BIG_STACK = 512 * 1024 * 1024


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
            try:
                ok, value = self._outbox.get()
            except BaseException:
                # interrupted (SIGINT, SIGTERM) while the thread works: its answer would pair with
                # the next request, so the next call starts a fresh thread (this one is a daemon)
                self._pid = None
                raise
        if not ok:
            raise value
        return value


_BIG_STACK_THREAD = _BigStackThread()


def on_big_stack(fn, *args):
    """Run ``fn(*args)`` on the process's :data:`BIG_STACK` thread; return or re-raise its outcome."""
    return _BIG_STACK_THREAD.call(fn, *args)
