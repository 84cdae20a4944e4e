"""Load on the SPARQL endpoint: throughput and latency (a script, not a test).

Starts ``natokg serve`` on a free loopback port (the shipped graph, in-memory store) and
measures, over real HTTP with keep-alive clients:

1. a simple named query (``/api/queries/quick-facts``) with 1, 8 and 32 concurrent clients:
   queries per second, p50 and p99 latency;
2. a fast query (``ASK``) alone, then while a slow one (a cross product that runs until the
   time limit kills it) occupies a worker: p50 and p99 of the fast one in both cases.

Usage::

    .venv/bin/python benchmarks/bench_server.py --requests 200 --workers 4 --timeout 20
"""

from __future__ import annotations

import argparse
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx

REPO = Path(__file__).resolve().parents[1]
NAMED = "/api/queries/quick-facts"
FAST = {"query": "ASK { ?s a ?type }"}
SLOW = {"query": "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"}


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def _load(base: str, clients: int, total: int) -> tuple[float, list[float]]:
    """Send `total` named-query requests from `clients` threads; return wall time and latencies."""
    latencies: list[float] = []
    lock = threading.Lock()
    per_client = [total // clients + (1 if i < total % clients else 0) for i in range(clients)]

    def client(count: int) -> None:
        with httpx.Client(base_url=base, timeout=120) as http:
            for _ in range(count):
                start = time.perf_counter()
                response = http.get(NAMED)
                elapsed = time.perf_counter() - start
                response.raise_for_status()
                with lock:
                    latencies.append(elapsed)

    start = time.perf_counter()
    with ThreadPoolExecutor(clients) as pool:
        list(pool.map(client, per_client))
    return time.perf_counter() - start, latencies


def _fast(base: str, count: int) -> list[float]:
    latencies = []
    with httpx.Client(base_url=base, timeout=120) as http:
        for _ in range(count):
            start = time.perf_counter()
            http.get("/sparql", params=FAST).raise_for_status()
            latencies.append(time.perf_counter() - start)
    return latencies


def main() -> None:
    """Start the server, run the loads, print the tables."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--requests", type=int, default=200, help="named-query requests per concurrency level"
    )
    parser.add_argument("--workers", type=int, default=4, help="natokg serve --workers")
    parser.add_argument(
        "--timeout", type=float, default=20.0, help="natokg serve --timeout (the slow query's life)"
    )
    args = parser.parse_args()

    port = _free_port()
    base = f"http://127.0.0.1:{port}"
    env = {**os.environ, "PYTHONPATH": str(REPO / "src")}
    command = [sys.executable, "-m", "natokg", "serve", "--port", str(port)]
    command += ["--workers", str(args.workers), "--timeout", str(args.timeout)]
    server = subprocess.Popen(command, cwd=REPO, env=env, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 120
        while True:
            try:
                httpx.get(base + "/sparql", params=FAST).raise_for_status()
                break
            except httpx.TransportError:
                if time.monotonic() > deadline:
                    raise SystemExit("the server did not start") from None
                time.sleep(0.2)
        _load(base, 2, 10)  # warm up every worker

        print(
            f"natokg serve --workers {args.workers}, {os.cpu_count()} CPUs; "
            f"{NAMED}, {args.requests} requests each"
        )
        print(f"{'clients':>8} {'queries/s':>10} {'p50 ms':>8} {'p99 ms':>8}")
        for clients in (1, 8, 32):
            wall, latencies = _load(base, clients, args.requests)
            p50, p99 = _percentile(latencies, 0.5) * 1000, _percentile(latencies, 0.99) * 1000
            print(f"{clients:>8} {len(latencies) / wall:>10.1f} {p50:>8.1f} {p99:>8.1f}")

        alone = _fast(base, 50)
        slow_status: list[int] = []
        slow = threading.Thread(
            target=lambda: slow_status.append(
                httpx.get(base + "/sparql", params=SLOW, timeout=300).status_code
            )
        )
        slow.start()
        time.sleep(1.0)  # let it get going
        beside = _fast(base, 50)
        running = slow.is_alive()
        slow.join()
        print()
        print(f"fast query ({FAST['query']}), 50 requests, one client")
        print(f"{'while':<28} {'p50 ms':>8} {'p99 ms':>8}")
        for label, values in (("alone", alone), ("a slow query runs", beside)):
            print(
                f"{label:<28} {_percentile(values, 0.5) * 1000:>8.1f}"
                f" {_percentile(values, 0.99) * 1000:>8.1f}"
            )
        print(
            f"(the slow query was still running after the fast ones: {running};"
            f" it ended with HTTP {slow_status[0]})"
        )
    finally:
        server.send_signal(signal.SIGINT)
        server.wait(60)


if __name__ == "__main__":
    main()
