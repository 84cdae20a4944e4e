"""``Store.triples()``: each distinct triple once, whatever its graphs, on every local store."""

from __future__ import annotations

from pathlib import Path

import pytest
from rdflib import BNode, Dataset, Literal, URIRef

from natokg.store import MemoryStore, union_graph

EX = "urn:ex:"


def sample() -> Dataset:
    """A triple in two named graphs and the default graph, a blank node, a typed and a tagged literal."""
    data = Dataset()
    shared = (
        URIRef(EX + "a"),
        URIRef(EX + "p"),
        Literal("4.0", datatype=URIRef("http://www.w3.org/2001/XMLSchema#decimal")),
    )
    node = BNode()
    data.graph(URIRef(EX + "g1")).add(shared)
    data.graph(URIRef(EX + "g2")).add(shared)
    data.default_graph.add(shared)
    data.graph(URIRef(EX + "g1")).add((URIRef(EX + "a"), URIRef(EX + "q"), node))
    data.default_graph.add((node, URIRef(EX + "r"), Literal("chat", lang="fr")))
    return data


@pytest.mark.parametrize("kind", ["memory", "oxigraph"])
def test_triples_are_the_distinct_triples_of_the_union(kind: str, tmp_path: Path) -> None:
    """Yields the union's triples, each once, as the Dataset copy holds them."""
    if kind == "memory":
        store = MemoryStore()
    else:
        from natokg.store_oxigraph import OxigraphStore

        store = OxigraphStore(tmp_path / "store")  # type: ignore[assignment]
    store.add_graph(sample())
    read = list(store.triples())
    assert len(read) == len(set(read)) == 3
    assert set(read) == set(union_graph(store))
