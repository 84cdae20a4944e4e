"""Long-lived query worker processes for stores whose content cannot change (private).

Every query runs under a time limit in a child process that is killed when the limit
passes (`natokg.queries`). Forking a child per query costs 10 to 30 ms, more than many
queries take on Oxigraph. A store that names an immutable snapshot of its content (its
``snapshot`` attribute: the Oxigraph store's published generation) gets one worker, forked
once and then fed query after query through a pipe; a worker that runs out of time is
killed and the next query forks a fresh one. A store without a snapshot (the memory store
can change at any time) keeps one child per query.
"""

from __future__ import annotations

import multiprocessing
import threading
from collections.abc import Callable, Hashable, Mapping
from typing import Any

__all__ = ["MAX_WORKERS", "Worker", "stop_all", "worker_for"]

#: Workers kept at once (one per snapshot); the oldest is stopped beyond this.
MAX_WORKERS = 4

Evaluate = Callable[[Any, str, Mapping[str, Any]], tuple[str, Any]]

_workers: dict[Hashable, Worker] = {}
_registry = threading.Lock()


class Worker:
    """A forked process that answers queries on one store snapshot, one at a time."""

    def __init__(self, store: Any, evaluate: Evaluate) -> None:
        context: Any = multiprocessing.get_context("fork")
        self._conn, child = context.Pipe()
        self._process = context.Process(target=_serve, args=(child, store, evaluate), daemon=True)
        self._process.start()
        child.close()
        self.busy = threading.Lock()

    @property
    def alive(self) -> bool:
        """Whether the process still runs."""
        return bool(self._process.is_alive())

    def run(self, text: str, bindings: Mapping[str, Any], timeout: float) -> tuple[str, Any] | None:
        """Return the worker's outcome for one query, or None when `timeout` passed (it is then stopped)."""
        try:
            self._conn.send((text, dict(bindings)))
            if not self._conn.poll(timeout):
                self.stop()
                return None
            outcome: tuple[str, Any] = self._conn.recv()
        except (EOFError, OSError):
            self.stop()
            code = self._process.exitcode
            return ("error", f"the query process ended without an answer (exit code {code})")
        return outcome

    def stop(self) -> None:
        """Kill the process and forget the worker."""
        with _registry:
            for key, worker in list(_workers.items()):
                if worker is self:
                    del _workers[key]
        if self._process.is_alive():
            self._process.kill()
        self._process.join()
        self._conn.close()


def worker_for(store: Any, evaluate: Evaluate, *, wait: float | None = None) -> Worker | None:
    """Return the worker for `store`'s snapshot, locked for the caller; None without one.

    None when the store has no ``snapshot`` (or only ``fork`` is missing). When another
    thread's query holds the worker, wait for it up to `wait` seconds (None: no limit) and
    return None if it stays busy: forking a one-off child of a process whose other threads
    are inside the store (RocksDB's own threads too) could leave the child deadlocked on a
    lock copied in its held state. The caller releases ``worker.busy`` when done.
    """
    snapshot = getattr(store, "snapshot", None)
    if snapshot is None or "fork" not in multiprocessing.get_all_start_methods():
        return None
    with _registry:
        worker = _workers.get(snapshot)
        if worker is not None and not worker.alive:
            del _workers[snapshot]
            worker = None
        if worker is None:
            idle = [key for key, other in _workers.items() if not other.busy.locked()]
            for key in idle[: max(0, len(_workers) + 1 - MAX_WORKERS)]:  # the oldest idle ones
                threading.Thread(target=_workers.pop(key).stop, daemon=True).start()
            worker = _workers[snapshot] = Worker(store, evaluate)
    acquired = worker.busy.acquire(timeout=-1 if wait is None else max(wait, 0.0))
    return worker if acquired else None


def stop_all() -> None:
    """Stop every worker (they also stop when the process exits)."""
    with _registry:
        workers = list(_workers.values())
    for worker in workers:
        worker.stop()


def _serve(conn: Any, store: Any, evaluate: Evaluate) -> None:
    """Answer queries from `conn` until the parent closes it."""
    while True:
        try:
            text, bindings = conn.recv()
        except (EOFError, OSError):
            return
        conn.send(evaluate(store, text, bindings))
