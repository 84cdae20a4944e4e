"""The worker pool: jobs in forked processes, killed at the time limit, updates all or nothing."""

from __future__ import annotations

import os
import threading
import time
from pathlib import Path
from typing import Any

import pytest

from natokg.queries import QueryTimeoutError
from natokg.workers import WorkerError, WorkerPool


def get(store: dict[str, Any], key: str) -> Any:
    return store.get(key)


def put(store: dict[str, Any], key: str, value: Any) -> int:
    store[key] = value
    return len(store)


def put_then_fail(store: dict[str, Any], key: str) -> None:
    store[key] = "half-done"
    raise ValueError("the update broke half-way")


def nap(store: dict[str, Any], seconds: float) -> int:
    time.sleep(seconds)
    return os.getpid()


def pid(store: dict[str, Any]) -> int:
    return os.getpid()


def boom(store: dict[str, Any]) -> None:
    raise KeyError("no such thing")


def die(store: dict[str, Any]) -> None:
    os._exit(3)


def _alive(process: int) -> bool:
    stat = Path(f"/proc/{process}/stat")
    try:
        return stat.read_text().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


def _children(parent: int) -> set[int]:
    found = set()
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == parent:
            found.add(int(stat.parent.name))
    return found


@pytest.fixture
def pool() -> Any:
    with WorkerPool({"answer": 42}, size=2) as running:
        yield running


def test_call_runs_the_job_in_another_process(pool: WorkerPool) -> None:
    """Runs a job on the worker's copy of the store, in a process other than the caller's."""
    assert pool.call(get, "answer", timeout=10) == 42
    assert pool.call(pid, timeout=10) != os.getpid()


def test_job_exception_is_reported_and_the_worker_survives(pool: WorkerPool) -> None:
    """Raises WorkerError naming the job's exception, and the same worker answers the next job."""
    first = pool.call(pid, timeout=10)
    with pytest.raises(WorkerError, match="KeyError"):
        pool.call(boom, timeout=10)
    assert pool.call(pid, timeout=10) == first


def test_worker_that_dies_is_replaced(pool: WorkerPool) -> None:
    """Raises WorkerError when a worker dies mid-job, and a new worker answers the next job."""
    with pytest.raises(WorkerError, match="ended without an answer"):
        pool.call(die, timeout=10)
    assert pool.call(get, "answer", timeout=10) == 42


def test_timeout_kills_the_worker_and_a_new_one_answers(pool: WorkerPool) -> None:
    """Raises QueryTimeoutError past the limit, kills that worker, and answers the next job."""
    before = _children(pool._zygote.pid)
    with pytest.raises(QueryTimeoutError, match="time limit"):
        pool.call(nap, 60, timeout=0.5)
    after = _children(pool._zygote.pid)
    assert len(before) == 2
    assert len(before - after) == 1  # killed, and reaped by the zygote
    assert pool.call(get, "answer", timeout=10) == 42
    assert len(_children(pool._zygote.pid)) == 2


def test_slow_job_does_not_block_others(pool: WorkerPool) -> None:
    """Answers a fast job while a slow one runs in the other worker."""
    slow = threading.Thread(target=lambda: pool.call(nap, 3, timeout=10))
    slow.start()
    time.sleep(0.2)
    answer = pool.call(get, "answer", timeout=10)
    still_running = slow.is_alive()
    slow.join()
    assert answer == 42
    assert still_running


def test_promote_changes_the_store_for_later_jobs(pool: WorkerPool) -> None:
    """Runs an update on a fresh copy that then serves every later job."""
    assert pool.promote(put, "more", 7, timeout=10) == 2
    assert {pool.call(get, "more", timeout=10) for _ in range(4)} == {7}
    assert pool.promote(put, "again", 8, timeout=10) == 3
    assert pool.call(get, "more", timeout=10) == 7


@pytest.mark.parametrize("failure", ["exception", "timeout"])
def test_failed_promote_changes_nothing(pool: WorkerPool, failure: str) -> None:
    """Keeps the store as it was when an update raises half-way or runs out of time."""
    if failure == "exception":
        with pytest.raises(WorkerError, match="half-way"):
            pool.promote(put_then_fail, "answer", timeout=10)
    else:
        with pytest.raises(QueryTimeoutError):
            pool.promote(nap, 60, timeout=0.5)
    assert pool.call(get, "answer", timeout=10) == 42


def test_close_stops_every_process() -> None:
    """Stops the zygote and its workers on close, and refuses calls afterwards."""
    pool = WorkerPool({}, size=2)
    workers = {pool.call(nap, 0.3, timeout=10) for _ in range(2)}
    zygote = pool._zygote.pid
    pool.close()
    deadline = time.monotonic() + 10
    while any(_alive(p) for p in [*workers, zygote]) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not any(_alive(p) for p in [*workers, zygote])
    with pytest.raises(WorkerError, match="closed"):
        pool.call(pid, timeout=10)


def test_pool_needs_a_worker() -> None:
    """Refuses a pool of no workers."""
    with pytest.raises(ValueError, match="at least one"):
        WorkerPool({}, size=0)
