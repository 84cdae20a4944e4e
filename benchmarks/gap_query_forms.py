"""Time the two ways of writing a gap query, MINUS and FILTER NOT EXISTS, on rdflib and Oxigraph.

The query is ``queries/gaps/strong-without-cooperation.rq`` (MINUS) and the same text with
``MINUS`` replaced by ``FILTER NOT EXISTS``. The graph is the shipped one, then K disjoint
copies of it (every ``nkgid:`` IRI renamed per copy), so the shape stays the report's.
Prints one line per engine, form and size; a run longer than the limit prints ``> LIMIT s``.

Run: ``.venv/bin/python benchmarks/gap_query_forms.py [--limit 60] [--copies 1 2 4]``
"""

from __future__ import annotations

import argparse
import time

import pyoxigraph as ox
from rdflib import Graph, URIRef

import natokg
from natokg.queries import QueryTimeoutError, get_query
from natokg.store import MemoryStore, union_graph

NKGID = "https://w3id.org/natokg/id/"


def copies(graph: Graph, count: int) -> Graph:
    """Return `count` disjoint copies of `graph`, its individuals renamed per copy."""
    out = Graph()
    for k in range(count):

        def rename(term: object, k: int = k) -> object:
            if isinstance(term, URIRef) and str(term).startswith(NKGID) and k:
                return URIRef(f"{term}-copy{k}")
            return term

        for s, p, o in graph:
            out.add((rename(s), p, rename(o)))  # type: ignore[arg-type]
    return out


def main() -> None:
    """Print the timings."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--limit", type=float, default=60.0, help="seconds before a run is stopped")
    parser.add_argument("--copies", type=int, nargs="+", default=[1, 2, 4, 8])
    args = parser.parse_args()
    minus = get_query("strong-without-cooperation").text
    forms = {"MINUS": minus, "FILTER NOT EXISTS": minus.replace("  MINUS {", "  FILTER NOT EXISTS {")}
    base = union_graph(natokg.open_graph())
    print(f"{'engine':<9} {'form':<18} {'copies':>6} {'triples':>8} {'rows':>5} {'seconds':>9}")
    for count in args.copies:
        graph = copies(base, count)
        store = MemoryStore()
        store.add_graph(graph)
        oxigraph = ox.Store()
        oxigraph.load(graph.serialize(format="nt", encoding="utf-8"), format=ox.RdfFormat.N_TRIPLES)
        for name, text in forms.items():
            started = time.perf_counter()
            try:
                rows = len(natokg.run_query(store, _named(text), timeout=args.limit))
                took = f"{time.perf_counter() - started:9.3f}"
            except QueryTimeoutError:
                rows, took = -1, f"> {args.limit:g}"
            print(f"{'rdflib':<9} {name:<18} {count:>6} {len(graph):>8} {rows:>5} {took:>9}", flush=True)
            started = time.perf_counter()
            found = len(list(oxigraph.query(text.replace("?min_weight", "0.8"))))
            took = f"{time.perf_counter() - started:9.3f}"
            print(f"{'oxigraph':<9} {name:<18} {count:>6} {len(graph):>8} {found:>5} {took:>9}", flush=True)


def _named(text: str) -> natokg.NamedQuery:
    query = get_query("strong-without-cooperation")
    return natokg.NamedQuery(query.id, query.path, query.kind, query.summary, query.tags, query.params, text)


if __name__ == "__main__":
    main()
