"""Summarise a loaded graph: triples, entities per class, claims per kind, sources cited."""

from __future__ import annotations

from dataclasses import dataclass
from importlib.resources import files

from rdflib import Literal
from rdflib.query import ResultRow

from natokg.store import Store

__all__ = ["GraphSummary", "source_line", "summarize"]

NKG = "https://w3id.org/natokg/ontology#"


@dataclass(frozen=True)
class GraphSummary:
    """Counts that tell an analyst what a graph holds.

    Attributes
    ----------
    triples
        Statements in the store.
    entities
        ``(class, count)`` for each class of the natokg namespace, claim kinds excluded.
    claims
        ``(kind, count)`` for each subclass of ``nkg:Claim``, kinds without claims included.
    cited_sources, all_sources
        Sources cited by some claim's ``nkg:source``, and all ``nkg:Source`` instances.
    """

    triples: int
    entities: tuple[tuple[str, int], ...]
    claims: tuple[tuple[str, int], ...]
    cited_sources: int
    all_sources: int


def summarize(store: Store) -> GraphSummary:
    """Count what `store` holds.

    Parameters
    ----------
    store
        A loaded store.

    Returns
    -------
    GraphSummary
        Class and kind names are compact (``nkg:Nation``).
    """
    (sources,) = _rows(store, "sources-covered")
    return GraphSummary(
        triples=len(store),
        entities=_counts(store, "entities-per-class"),
        claims=_counts(store, "claims-per-kind"),
        cited_sources=_int(sources[0]),
        all_sources=_int(sources[1]),
    )


def source_line(store: Store) -> str:
    """Return the line that names where a chart or page comes from: the graph's reports.

    Examples
    --------
    >>> from natokg import load_graph
    >>> source_line(load_graph().store)[:40]
    'Source: NATO PA Science and Technology C'
    """
    titles = []
    for row in _rows(store, "reports"):
        date = f" ({row[2]})" if row[2] is not None and str(row[2]) not in str(row[1]) else ""
        titles.append(f"{row[1]}{date}")
    return "Source: " + ("; ".join(dict.fromkeys(titles)) or "the natokg graph") + "; natokg"


def _rows(store: Store, name: str) -> list[ResultRow]:
    text = (files("natokg") / "sparql" / f"{name}.rq").read_text(encoding="utf-8")
    return [row for row in store.query(text) if isinstance(row, ResultRow)]


def _counts(store: Store, name: str) -> tuple[tuple[str, int], ...]:
    return tuple((_compact(str(row[0])), _int(row[1])) for row in _rows(store, name))


def _compact(iri: str) -> str:
    return "nkg:" + iri.removeprefix(NKG) if iri.startswith(NKG) else iri


def _int(value: object) -> int:
    return int(value.toPython()) if isinstance(value, Literal) else 0
