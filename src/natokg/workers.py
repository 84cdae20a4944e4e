"""A pool of worker processes that hold the store and are killed at a time limit.

A server answers many queries at once and must outlive a runaway one. `WorkerPool` keeps a
few long-lived processes, each a forked copy of the store; a call sends one job to an idle
worker and waits for the answer at most `timeout` seconds. A worker that runs out of time is
killed and a fresh one takes its place, so one slow query never blocks the others.

Forking a process that runs threads (a web server does) can deadlock the child, and
Python 3.12 warns about it. So the pool forks once, when it starts: a single-threaded
*zygote* that holds the store and forks every later worker on request, handing its socket
back over a Unix socket (``SCM_RIGHTS``). The zygote also kills and reaps the workers, so a
process id is never reused under the pool's feet.

`WorkerPool.promote` runs a job (an update) in a fresh copy that, on success, becomes the
new zygote: the change is all or nothing, killable at the time limit, and the workers of the
old copy finish what they are doing and retire.

Needs ``os.fork`` and Unix sockets (Linux, macOS).
"""

from __future__ import annotations

import contextlib
import os
import select
import signal
import socket
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from multiprocessing.connection import Connection
from typing import Any, NoReturn, TypeVar

from natokg.queries import QueryTimeoutError

__all__ = ["WorkerError", "WorkerPool"]

T = TypeVar("T")

# Server-side ends of every open pool; a new zygote closes the ones it inherited, so that
# closing one pool is seen (as end of file) by its own zygote and workers only.
_OPEN_FDS: set[int] = set()
_OPEN_FDS_LOCK = threading.Lock()


class WorkerError(Exception):
    """A job failed in its worker, or the worker ended without an answer."""


@dataclass(eq=False)
class _Zygote:
    """The server's handle on one zygote: its control socket, used by one thread at a time."""

    pid: int
    control: socket.socket
    own_child: bool
    lock: threading.Lock = field(default_factory=threading.Lock)

    def request(self, command: bytes, fds: int = 0) -> tuple[bytes, list[int]]:
        with self.lock:
            self.control.send(command)
            if not fds:
                return self.control.recv(64), []
            message, received, _, _ = socket.recv_fds(self.control, 64, fds)
            if not message:
                raise WorkerError("the worker pool has stopped")
            return message, received

    def kill(self, pid: int) -> None:
        with contextlib.suppress(OSError):
            self.request(b"K%d" % pid)

    def close(self, *, quit_only: bool = False) -> None:
        with contextlib.suppress(OSError):
            if quit_only:
                self.request(b"Q")
            else:
                _forget(self.control.fileno())
                self.control.close()
        if self.own_child and not quit_only:
            with contextlib.suppress(ChildProcessError):
                os.waitpid(self.pid, 0)


@dataclass(eq=False)
class _Worker:
    pid: int
    conn: Connection
    zygote: _Zygote


class WorkerPool:
    """Worker processes, each holding a copy of `store`, that run jobs under a time limit.

    Parameters
    ----------
    store
        Passed as the first argument to every job; each worker has its own (forked) copy.
    size
        How many jobs run at once; more wait for a free worker.

    Examples
    --------
    >>> with WorkerPool({"answer": 42}, size=1) as pool:
    ...     pool.call(dict.get, "answer", timeout=10)
    42
    """

    def __init__(self, store: Any, *, size: int = 2) -> None:
        if size < 1:
            raise ValueError(f"a pool needs at least one worker, got {size}")
        self._size = size
        self._idle: list[_Worker] = []
        self._count = 0  # live workers of the current zygote, idle or busy
        self._cond = threading.Condition()
        self._closed = False
        self._zygote = _start_zygote(store)
        self._retired: list[_Zygote] = []
        self._update_lock = threading.Lock()
        for _ in range(size):
            self._idle.append(self._spawn())
            self._count += 1

    @property
    def size(self) -> int:
        """How many jobs run at once."""
        return self._size

    def call(self, func: Callable[..., T], /, *args: Any, timeout: float) -> T:
        """Run ``func(store, *args)`` in a worker; wait at most `timeout` seconds for it.

        `func` must be a module-level function and `args` and its result picklable.

        Raises
        ------
        QueryTimeoutError
            If no worker was free within `timeout`, or the job ran longer (its worker is killed).
        WorkerError
            If `func` raised (the message names the exception) or the worker died.
        """
        worker = self._acquire(time.monotonic() + timeout)
        try:
            worker.conn.send((func, args))
            if not worker.conn.poll(timeout):
                self._discard(worker)
                raise QueryTimeoutError(
                    f"the query was stopped after {timeout:g} s (the time limit); narrow it"
                )
            status, payload = worker.conn.recv()
        except (EOFError, OSError):
            self._discard(worker)
            raise WorkerError("the worker process ended without an answer") from None
        self._release(worker)
        if status != "ok":
            raise WorkerError(payload)
        return payload  # type: ignore[no-any-return]

    def promote(self, func: Callable[..., T], /, *args: Any, timeout: float) -> T:
        """Run ``func(store, *args)`` in a fresh copy that then becomes the pool's store.

        Jobs already running finish on the old copy; later ones see the change. On any
        failure (an exception, the time limit) the copy is dropped and nothing changes.

        Raises
        ------
        QueryTimeoutError, WorkerError
            As `call`.
        """
        with self._update_lock:
            old = self._zygote
            message, fds = old.request(b"C", fds=2)
            pid = int(message)
            conn, control = Connection(fds[0]), socket.socket(fileno=fds[1])
            try:
                conn.send((func, args))
                if not conn.poll(timeout):
                    old.kill(pid)
                    raise QueryTimeoutError(f"the update was stopped after {timeout:g} s (the time limit)")
                status, payload = conn.recv()
            except (EOFError, OSError):
                old.kill(pid)
                control.close()
                raise WorkerError("the update process ended without an answer") from None
            except BaseException:
                control.close()
                raise
            finally:
                conn.close()
            if status != "ok":
                old.kill(pid)
                control.close()
                raise WorkerError(payload)
            _remember(control.fileno())
            with self._cond:
                self._zygote = _Zygote(pid, control, own_child=False)
                retired, self._idle, self._count = self._idle, [], 0
                self._cond.notify_all()
            for worker in retired:
                _close_conn(worker.conn)
            old.close(quit_only=True)  # it exits once its busy workers are done
            self._retired.append(old)
            return payload  # type: ignore[no-any-return]

    def close(self) -> None:
        """Stop every worker and the zygote; calls after this fail."""
        with self._cond:
            if self._closed:
                return
            self._closed = True
            idle, self._idle = self._idle, []
            self._cond.notify_all()
        for worker in idle:
            _close_conn(worker.conn)
        for zygote in [self._zygote, *self._retired]:
            zygote.close()

    def __enter__(self) -> WorkerPool:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- workers ------------------------------------------------------------

    def _spawn(self) -> _Worker:
        zygote = self._zygote
        message, fds = zygote.request(b"W", fds=1)
        _remember(fds[0])
        return _Worker(int(message), Connection(fds[0]), zygote)

    def _acquire(self, deadline: float) -> _Worker:
        with self._cond:
            while True:
                if self._closed:
                    raise WorkerError("the worker pool is closed")
                if self._idle:
                    return self._idle.pop()
                if self._count < self._size:
                    self._count += 1
                    break
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    raise QueryTimeoutError("no worker became free within the time limit; try again later")
                self._cond.wait(remaining)
        try:
            return self._spawn()
        except BaseException:
            with self._cond:
                self._count -= 1
                self._cond.notify()
            raise

    def _release(self, worker: _Worker) -> None:
        with self._cond:
            if not self._closed and worker.zygote is self._zygote:
                self._idle.append(worker)
                self._cond.notify()
                return
        _close_conn(worker.conn)  # from an older copy of the store, or the pool is closed

    def _discard(self, worker: _Worker) -> None:
        """Kill `worker` and put a fresh one in its place (the pool keeps its size ready)."""
        worker.zygote.kill(worker.pid)
        _close_conn(worker.conn)
        with self._cond:
            replace = worker.zygote is self._zygote and not self._closed
            if not replace:
                return
        try:
            fresh = self._spawn()
        except (OSError, WorkerError):
            with self._cond:
                self._count -= 1  # the next call that needs a worker forks one
                self._cond.notify()
            return
        self._release(fresh)


def _remember(fd: int) -> None:
    with _OPEN_FDS_LOCK:
        _OPEN_FDS.add(fd)


def _forget(fd: int) -> None:
    with _OPEN_FDS_LOCK:
        _OPEN_FDS.discard(fd)


def _close_conn(conn: Connection) -> None:
    with contextlib.suppress(OSError):
        _forget(conn.fileno())
    conn.close()


def _start_zygote(store: Any) -> _Zygote:
    ours, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_SEQPACKET)
    with _OPEN_FDS_LOCK:  # no other thread may open or close a pool's socket meanwhile
        inherited = set(_OPEN_FDS)
        pid = os.fork()
        if pid == 0:  # pragma: no cover - the zygote; coverage cannot follow a fork
            ours.close()
            for fd in inherited:
                with contextlib.suppress(OSError):
                    os.close(fd)
            _zygote_main(theirs, store)
        _OPEN_FDS.add(ours.fileno())
    theirs.close()
    return _Zygote(pid, ours, own_child=True)


def _zygote_main(control: socket.socket, store: Any) -> NoReturn:  # pragma: no cover - forked
    """Fork workers and update candidates on request; kill and reap them; exit at end of file."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is for the server, which closes us
    workers: set[int] = set()
    candidates: set[int] = set()
    quitting = False
    try:
        while True:
            _reap(workers | candidates, workers, candidates)
            if quitting and not workers:
                os._exit(0)
            ready, _, _ = select.select([control], [], [], 0.2 if quitting else None)
            if not ready:
                continue
            message = control.recv(64)
            if not message:
                break
            command, argument = message[:1], message[1:]
            if command == b"W":
                workers.add(_fork_worker(control, store))
            elif command == b"C":
                candidates.add(_fork_candidate(control, store))
            elif command == b"K":
                pid = int(argument)
                if pid in workers or pid in candidates:
                    with contextlib.suppress(ProcessLookupError):
                        os.kill(pid, signal.SIGKILL)
                    with contextlib.suppress(ChildProcessError):
                        os.waitpid(pid, 0)
                    workers.discard(pid)
                    candidates.discard(pid)
                control.send(b"k")
            elif command == b"Q":
                quitting = True
                candidates.clear()  # the promoted candidate lives on as the next zygote
                control.send(b"q")
    finally:
        for pid in workers | candidates:
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
        for pid in workers | candidates:
            with contextlib.suppress(ChildProcessError):
                os.waitpid(pid, 0)
    os._exit(0)


def _reap(pids: set[int], workers: set[int], candidates: set[int]) -> None:  # pragma: no cover
    for pid in pids:
        with contextlib.suppress(ChildProcessError):
            done, _ = os.waitpid(pid, os.WNOHANG)
            if done:
                workers.discard(pid)
                candidates.discard(pid)


def _fork_worker(control: socket.socket, store: Any) -> int:  # pragma: no cover - forked
    ours, theirs = socket.socketpair()
    pid = os.fork()
    if pid == 0:
        control.close()
        ours.close()
        _serve(Connection(theirs.detach()), store, forever=True)
        os._exit(0)
    socket.send_fds(control, [b"%d" % pid], [ours.fileno()])
    ours.close()
    theirs.close()
    return pid


def _fork_candidate(control: socket.socket, store: Any) -> int:  # pragma: no cover - forked
    job_ours, job_theirs = socket.socketpair()
    control_ours, control_theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_SEQPACKET)
    pid = os.fork()
    if pid == 0:
        control.close()
        job_ours.close()
        control_ours.close()
        if _serve(Connection(job_theirs.detach()), store, forever=False):
            _zygote_main(control_theirs, store)  # the changed copy serves from now on
        os._exit(0)
    socket.send_fds(control, [b"%d" % pid], [job_ours.fileno(), control_ours.fileno()])
    for sock in (job_ours, job_theirs, control_ours, control_theirs):
        sock.close()
    return pid


def _serve(conn: Connection, store: Any, *, forever: bool) -> bool:  # pragma: no cover - forked
    """Answer jobs on `conn`; return whether the last one succeeded."""
    while True:
        try:
            func, args = conn.recv()
        except (EOFError, OSError):
            os._exit(0)
        try:
            reply: tuple[str, Any] = ("ok", func(store, *args))
        except Exception as exc:  # a job's failure is reported, never kills the worker
            reply = ("error", f"{type(exc).__name__}: {exc}")
        try:
            conn.send(reply)
        except Exception as exc:  # an unpicklable result
            conn.send(("error", f"the result could not be sent: {type(exc).__name__}"))
            reply = ("error", "")
        if not forever:
            conn.close()
            return reply[0] == "ok"
