"""natokg on each store next to the same engine used directly (a script, not a test).

For each size (default 10k, 100k and 1M triples), the data are the shipped ontology and
graph plus a seeded synthetic graph (benchmarks/synthetic.py) written as N-Triples. Each
backend runs in a fresh process (so that its peak memory is its own) and measures:

* load: natokg's load against the engine's own (rdflib ``Dataset.parse``; pyoxigraph
  ``bulk_load`` into an on-disk store of the same kind), in triples per second (Oxigraph:
  the median of up to three loads each, alternating, the files already in the page cache);
* every named query of the library (parameters bound, as `natokg query` runs them, with
  its time limit): the median latency of ``natokg.run_query`` against the same query text
  (the VALUES block natokg joins included) sent to the engine directly, results read in full;
* the projection onto NetworkX against the engine answering the projection's six queries;
* the gap analysis: projection plus technology gaps (the median of up to three runs);
* the peak resident memory of the process.

The ratio columns are natokg's time over the engine's (queries, projection: at most 2 is
the target) and natokg's load throughput over the engine's (at least 0.7 is the target).
A Virtuoso column is added when ``NATOKG_VIRTUOSO_URL`` and ``NATOKG_VIRTUOSO_PASSWORD`` name
a running Virtuoso (``eval "$(.ci/virtuoso start DIR)"`` sets them): natokg's push from an
Oxigraph store (its triples written as N-Triples batches to the Graph Store endpoint) against
the files posted as they are; natokg's SPARQL store reading the pushed graph against plain
HTTP requests of the same query text; the server's peak memory beside the client's.

Usage::

    .venv/bin/python benchmarks/bench_stores.py                       # 10k, 100k, 1M
    .venv/bin/python benchmarks/bench_stores.py 10000 --runs 3        # one size, 3 runs each
    .venv/bin/python benchmarks/bench_stores.py 1000000 --memory-max 1000000   # memory at 1M too
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path[:0] = [str(HERE), str(HERE.parent / "src")]

#: Parameters of the queries that need one (the shipped graph's entities, by label).
PARAMS: dict[str, dict[str, object]] = {
    "activities-by-partner": {"partner": "ROK"},
    "activities-by-technology": {"technology": "cyber"},
    "claim-sources": {"entity": "STO-EOP"},
    "entity-relations": {"entity": "JAXA"},
    "framework-members": {"framework": "IPCP"},
    "indicator-ranking": {"indicator": "IFR robot density"},
    "paragraph-claims": {"paragraph": 53},
    "partner-strengths": {"partner": "Japan"},
    "search": {"text": "korea"},
    "technology-holders": {"technology": "robotics"},
}


def peak_mb() -> float:
    """Return the process's peak resident set size so far, in MB (Linux reports KB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


class Native:
    """A forked process that runs the engine directly, warm from one query to the next.

    natokg answers from a long-lived worker too, so both sides run warm; a query that
    passes the limit kills this process, and the next one forks a fresh one.
    """

    def __init__(self, make: Callable[[str, dict[str, Any]], Callable[[], Any]]) -> None:
        self.make = make
        self.process: Any = None

    def _start(self) -> None:
        context: Any = multiprocessing.get_context("fork")
        self.conn, child = context.Pipe()
        self.process = context.Process(target=self._serve, args=(child,), daemon=True)
        self.process.start()
        child.close()

    def _serve(self, conn: Any) -> None:
        while True:
            text, bindings = conn.recv()
            work = self.make(text, bindings)
            started = time.perf_counter()
            work()
            conn.send(time.perf_counter() - started)

    def time(self, text: str, bindings: dict[str, Any], limit: float) -> float | None:
        """Return the seconds one run took, or None past `limit`."""
        if self.process is None or not self.process.is_alive():
            self._start()
        self.conn.send((text, bindings))
        if self.conn.poll(limit):
            return float(self.conn.recv())
        self.process.kill()
        self.process.join()
        self.process = None
        return None


def median_of(measure: Callable[[], float | None], runs: int, slow: float = 5) -> float | None:
    """Return the median of `runs` measures; one run only when it is slow (> `slow` s) or timed out."""
    times = []
    for _ in range(runs):
        took = measure()
        if took is None:
            return None
        times.append(took)
        if took > slow:
            break
    return statistics.median(times)


def timed(work: Callable[[], Any]) -> float:
    """Return the seconds `work` takes here."""
    started = time.perf_counter()
    work()
    return time.perf_counter() - started


# ---------------------------------------------------------------------------
# One backend, one size (runs in its own process)
# ---------------------------------------------------------------------------


def one(backend: str, data: Path, runs: int, limit: float) -> dict[str, Any]:
    """Measure `backend` on the shipped files plus `data`; return the figures as JSON-ready data."""
    from natokg import resources

    files = [*resources.ontology_files(), *resources.graph_files(), data]
    folder = Path(tempfile.mkdtemp(prefix=f"bench-{backend}-"))
    try:
        if backend == "memory":
            return _memory(files, runs, limit)
        if backend == "oxigraph":
            return _oxigraph(files, folder, runs, limit)
        return _virtuoso(files, folder, runs, limit)
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def _memory(files: list[Path], runs: int, limit: float) -> dict[str, Any]:
    from rdflib import Dataset

    from natokg.load import load_files
    from natokg.store import MemoryStore

    store = MemoryStore()
    took = timed(lambda: load_files(store, files))
    triples = len(store)

    def native_load() -> None:
        dataset = Dataset()
        for file in files:
            dataset.parse(file)

    native = timed(native_load)

    def native_query(text: str, bindings: dict[str, Any]) -> Callable[[], Any]:
        from natokg.store import prepare_local_query

        return lambda: list(store._ds.query(prepare_local_query(text), initBindings=bindings))

    return _common("memory", store, triples, took, native, native_query, None, runs, limit)


def _oxigraph(files: list[Path], folder: Path, runs: int, limit: float) -> dict[str, Any]:
    import pyoxigraph as ox

    from natokg.load import check_file
    from natokg.store_oxigraph import OxigraphStore

    formats = {"turtle": ox.RdfFormat.TURTLE, "nt": ox.RdfFormat.N_TRIPLES}
    for file in files:
        file.read_bytes()  # both loads read the files from the page cache

    def native_load(engine: Any) -> None:
        for file in files:
            engine.bulk_load(path=file, format=formats[check_file(file)], base_iri=file.resolve().as_uri())
        engine.flush()

    # Loads alternate (natokg, native, natokg, ...) into new folders; the medians are compared.
    ours_times, native_times = [], []
    for attempt in range(min(runs, 3)):
        store = OxigraphStore(folder / f"natokg-{attempt}")
        ours_times.append(timed(lambda store=store: store.bulk_load(files)))
        engine = ox.Store(str(folder / f"native-{attempt}"))
        native_times.append(timed(lambda engine=engine: native_load(engine)))
    took, native = statistics.median(ours_times), statistics.median(native_times)
    triples = len(store)

    def native_query(text: str, bindings: dict[str, Any]) -> Callable[[], Any]:
        from natokg.store import bind_values

        bound = bind_values(text, bindings)

        def run() -> Any:
            answer = engine.query(bound, use_default_graph_as_union=True)
            if isinstance(answer, ox.QueryBoolean):
                return bool(answer)
            return [tuple(item) for item in answer]

        return run

    return _common("oxigraph", store, triples, took, native, native_query, engine, runs, limit)


def _virtuoso(files: list[Path], folder: Path, runs: int, limit: float) -> dict[str, Any]:
    import httpx

    from natokg.load import check_file
    from natokg.push import push
    from natokg.sparql_text import with_default_graph
    from natokg.store import bind_values
    from natokg.store_oxigraph import OxigraphStore
    from natokg.store_sparql import SparqlStore, make_auth

    url = os.environ["NATOKG_VIRTUOSO_URL"]
    auth = make_auth(os.environ.get("NATOKG_VIRTUOSO_USER", "dba"), os.environ["NATOKG_VIRTUOSO_PASSWORD"])
    writer = SparqlStore(f"{url}/sparql-auth", f"{url}/sparql-auth", auth=auth)
    graph_store = f"{url}/sparql-graph-crud-auth"
    ours_graph = f"https://w3id.org/natokg/bench/{uuid.uuid4()}"
    native_graph = f"https://w3id.org/natokg/bench/{uuid.uuid4()}"

    # What `natokg push --store oxigraph:PATH --graph-store URL` does: read the triples of a
    # store that `natokg load` filled (untimed: the Oxigraph column times it), send batches.
    source = OxigraphStore(folder / "source")
    source.bulk_load(files)

    def ours_load() -> int:
        return push(source, writer, ours_graph, graph_store=graph_store).triples

    types = {"turtle": "text/turtle", "nt": "application/n-triples"}

    def native_load() -> None:  # the files as they are, posted to Virtuoso's Graph Store endpoint
        with httpx.Client(auth=auth, timeout=3600) as client:
            for file in files:
                response = client.post(
                    graph_store,
                    params={"graph": native_graph},
                    content=file.read_bytes(),
                    headers={"Content-Type": types[check_file(file)]},
                )
                response.raise_for_status()

    try:
        took = timed(ours_load)
        native = timed(native_load)
        store = SparqlStore(f"{url}/sparql", graph=ours_graph)

        def native_query(text: str, bindings: dict[str, Any]) -> Callable[[], Any]:
            sent = with_default_graph(bind_values(text, bindings), ours_graph)
            client = httpx.Client(timeout=limit)

            def run() -> Any:
                response = client.post(
                    f"{url}/sparql",
                    data={"query": sent},
                    headers={"Accept": "application/sparql-results+json"},
                )
                response.raise_for_status()
                return response.json()

            return run

        figures = _common("virtuoso", store, len(store), took, native, native_query, None, runs, limit)
        figures["server_peak_mb"] = _server_peak_mb()
        return figures
    finally:
        for graph in (ours_graph, native_graph):
            writer.update(f"DROP SILENT GRAPH <{graph}>")


def _server_peak_mb() -> float | None:
    """Return the Virtuoso server's peak resident memory (MB), when its PID is known."""
    pid = os.environ.get("NATOKG_VIRTUOSO_PID")
    try:
        status = Path(f"/proc/{pid}/status").read_text() if pid else ""
    except OSError:
        return None
    for line in status.splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return None


def _common(
    name: str,
    store: Any,
    triples: int,
    load_time: float,
    native_load_time: float | None,
    native_query: Callable[[str, dict[str, Any]], Callable[[], Any]],
    engine: Any,
    runs: int,
    limit: float,
) -> dict[str, Any]:
    """Measure the named queries, the projection and the gaps on a loaded `store`."""
    import natokg
    from natokg.analysis.gaps import technology_gaps
    from natokg.analysis.project import QUERIES, project, read_query
    from natokg.queries import bind_params, list_queries

    native = Native(native_query)
    queries: dict[str, Any] = {}
    for query in list_queries():
        bindings = bind_params(store, query, PARAMS.get(query.id, {}))  # labels resolved once, untimed

        def ours(query: Any = query, bindings: dict[str, Any] = bindings) -> float | None:
            try:
                return timed(lambda: natokg.run_query(store, query, bindings, timeout=limit))
            except natokg.QueryTimeoutError:
                return None

        try:
            rows = len(natokg.run_query(store, query, bindings, timeout=limit))
        except natokg.QueryTimeoutError:
            rows = -1
        except natokg.QueryError as exc:  # the engine refused it: shown in the table, not timed
            print(f"{name}: {query.id}: {str(exc)[:300]}", file=sys.stderr)
            queries[query.id] = {"natokg": None, "native": None, "rows": "error"}
            continue
        queries[query.id] = {
            "natokg": median_of(ours, runs),
            "native": median_of(lambda query=query, b=bindings: native.time(query.text, b, limit), runs),
            "rows": rows,
        }
    projection = median_of(lambda: timed(lambda: project(store)), min(runs, 3))

    def native_projection_once() -> float | None:
        times = [native.time(read_query(f"projection-{n}"), {}, 600) for n in QUERIES]
        return None if None in times else sum(t for t in times if t is not None)

    native_projection = median_of(native_projection_once, min(runs, 3))
    found: dict[str, Any] = {}

    def analyse() -> None:
        found["graph"] = project(store)
        found["gaps"] = technology_gaps(found["graph"])

    analysis = median_of(lambda: timed(analyse), min(runs, 3), slow=300)
    G, gaps = found["graph"], found["gaps"]
    return {
        "backend": name,
        "triples": triples,
        "load": load_time,
        "native_load": native_load_time,
        "queries": queries,
        "projection": projection,
        "native_projection": native_projection,
        "analysis": analysis,
        "gaps": len(gaps),
        "nodes": G.number_of_nodes(),
        "peak_mb": peak_mb(),
    }


# ---------------------------------------------------------------------------
# The table
# ---------------------------------------------------------------------------


def ratio(ours: float | None, theirs: float | None) -> str:
    """Return ours / theirs, or "-" when either is missing."""
    if ours is None or theirs is None or theirs <= 0:
        return "-"
    return f"{ours / theirs:.2f}"


def seconds(value: float | None, scale: float = 1.0, limit: float | None = None) -> str:
    """Return a time (scaled, e.g. to ms), or the limit it ran past."""
    if value is None:
        return f"> {limit:g} s" if limit else "-"
    return f"{value * scale:,.1f}" if value * scale >= 10 else f"{value * scale:,.2f}"


def table(results: dict[str, dict[str, Any]], limit: float) -> None:
    """Print one table for one size: natokg and the engine side by side, per backend."""
    backends = [b for b in ("memory", "oxigraph", "virtuoso") if b in results]
    natives = {"memory": "rdflib", "oxigraph": "pyoxigraph", "virtuoso": "http"}
    header = f"{'':<44}" + "".join(f"{b:>11}{natives[b]:>11}{'ratio':>7}" for b in backends)
    print(header)
    print("-" * len(header))

    def line(label: str, cells: list[tuple[str, str, str]]) -> None:
        print(f"{label:<44}" + "".join(f"{a:>11}{b:>11}{c:>7}" for a, b, c in cells))

    def load_cells(b: str) -> tuple[str, str, str]:
        r = results[b]
        ours = r["triples"] / r["load"] / 1000
        theirs = r["triples"] / r["native_load"] / 1000 if r["native_load"] else None
        return (f"{ours:,.1f}", f"{theirs:,.1f}" if theirs else "-", ratio(ours, theirs))

    line("load (k triples/s; ratio = ours / theirs)", [load_cells(b) for b in backends])
    ids = sorted(results[backends[0]]["queries"])
    for qid in ids:
        cells = []
        for b in backends:
            q = results[b]["queries"][qid]
            if q["rows"] == "error":
                cells.append(("error", "", ""))
                continue
            cells.append(
                (
                    seconds(q["natokg"], 1000, limit),
                    seconds(q["native"], 1000, limit),
                    ratio(q["natokg"], q["native"]),
                )
            )
        rows = results[backends[0]]["queries"][qid]["rows"]
        line(f"query {qid} (ms, {rows} rows)"[:44], cells)
    line(
        "projection (s)",
        [
            (
                seconds(results[b]["projection"]),
                seconds(results[b]["native_projection"]),
                ratio(results[b]["projection"], results[b]["native_projection"]),
            )
            for b in backends
        ],
    )
    line("gap analysis: projection + gaps (s)", [(seconds(results[b]["analysis"]), "", "") for b in backends])
    line("peak memory of the process (MB)", [(f"{results[b]['peak_mb']:,.0f}", "", "") for b in backends])
    server = results.get("virtuoso", {}).get("server_peak_mb")
    if server:
        line(
            "peak memory of the Virtuoso server (MB)",
            [("", "", "")] * (len(backends) - 1) + [(f"{server:,.0f}", "", "")],
        )


def main() -> None:
    """Generate the data, run each backend in its own process, print the tables."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("sizes", nargs="*", type=int, default=[10_000, 100_000, 1_000_000])
    parser.add_argument("--runs", type=int, default=5, help="runs per measure (the median is shown)")
    parser.add_argument("--limit", type=float, default=60.0, help="seconds before a query is stopped")
    parser.add_argument(
        "--memory-max", type=int, default=100_000, help="largest size run on the memory store"
    )
    parser.add_argument("--one", nargs=2, metavar=("BACKEND", "DATA"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.one:
        print(json.dumps(one(args.one[0], Path(args.one[1]), args.runs, args.limit)))
        return
    from synthetic import generate

    work = Path(tempfile.mkdtemp(prefix="bench-stores-"))
    try:
        for size in args.sizes:
            data = work / f"synthetic-{size}.nt"
            generate(size).serialize(data, format="nt", encoding="utf-8")
            backends = ["memory"] if size <= args.memory_max else []
            backends.append("oxigraph")
            if os.environ.get("NATOKG_VIRTUOSO_URL") and os.environ.get("NATOKG_VIRTUOSO_PASSWORD"):
                backends.append("virtuoso")
            results = {}
            for backend in backends:
                command = [sys.executable, __file__, "--one", backend, str(data)]
                command += ["--runs", str(args.runs), "--limit", str(args.limit)]
                done = subprocess.run(command, stdout=subprocess.PIPE, text=True, check=False)
                if done.returncode != 0:
                    print(f"{backend} at {size:,}: failed (see above)", file=sys.stderr)
                    continue
                results[backend] = json.loads(done.stdout.strip().splitlines()[-1])
            if not results:
                continue
            first = next(iter(results.values()))
            skipped = (
                ""
                if "memory" in results
                else f"; memory store skipped above --memory-max {args.memory_max:,}"
            )
            print(
                f"\n== {first['triples']:,} triples (synthetic {size:,} + the shipped graph): "
                f"{first['nodes']:,} nodes, {first['gaps']:,} gaps{skipped}\n"
            )
            table(results, args.limit)
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
