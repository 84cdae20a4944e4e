"""Every library query returns the same rows under rdflib and under Oxigraph.

Two independent engines agreeing, row for row and in order, shows the library is standard
SPARQL 1.1. Parameters are bound differently on each side on purpose: natokg pre-binds them
with ``initBindings`` (rdflib), while the Oxigraph side joins a ``VALUES`` block at the top of
the query's ``WHERE`` clause (plain SPARQL semantics). Equal rows also show that each query
uses its parameters where pre-binding and joining mean the same (triple patterns and
filters of the outer query, never sub-selects).
"""

from __future__ import annotations

import os
import re
from decimal import Decimal
from typing import Any

import pytest
from rdflib import BNode, Literal, URIRef
from rdflib.term import Node

import natokg
from natokg.queries import bind_params, get_query, list_queries
from natokg.store import union_graph

try:
    import pyoxigraph as ox
except ImportError:  # pragma: no cover - the dev extra installs it
    if os.environ.get("CI") == "true":
        raise
    pytest.skip("pyoxigraph is not installed (pip install -e '.[dev]')", allow_module_level=True)

#: Parameter values each query is run with, beside its defaults (required ones must be here).
EXAMPLES: dict[str, list[dict[str, object]]] = {
    "activities-by-channel": [{"channel": "SPS"}, {"channel": "nkgid:isaf"}, {"as_of": "2015"}],
    "activities-by-partner": [{"partner": "ROK"}, {"partner": "Japan", "status": "past", "as_of": "2019-11"}],
    "activities-by-technology": [
        {"technology": "cyber"},
        {"technology": "sensors", "status": "ongoing"},
        {"technology": "cyber-defence", "as_of": "2019-11"},
    ],
    "claim-sources": [{"entity": "STO-EOP"}, {"entity": "Japan"}],
    "competitor-capabilities": [{"competitor": "Russia"}],
    "competitor-invests-partner-strong": [{"min_weight": "1.0"}, {"min_weight": "0.3"}],
    "entity-relations": [{"entity": "JAXA"}, {"entity": "STO"}],
    "events": [{"as_of": "2019"}, {"as_of": "2019-11-30"}],
    "framework-gaps": [{"partner": "ROK"}],
    "framework-members": [
        {"framework": "STO-EOP"},
        {"framework": "IPCP", "as_of": "2013"},
        {"framework": "EOP"},
    ],
    "indicator-ranking": [
        {"indicator": "IFR robot density"},
        {"indicator": "Bloomberg Innovation Index rank"},
    ],
    "nato-partner-links": [{"partner": "Japan"}],
    "observations": [{"area": "ATLA"}, {"indicator": "market share"}],
    "organisations": [{"nation": "ROK"}],
    "paragraph-claims": [{"paragraph": 53}, {"paragraph": 17}],
    "partner-frameworks": [{"partner": "ROK", "as_of": "2016"}, {"as_of": "2021-01"}],
    "partner-strengths": [{"partner": "Japan"}, {"partner": "ROK", "min_weight": "1"}],
    "programmes": [{"kind": "nkg:PartnershipFramework"}],
    "recommendations": [{"partner": "ROK"}],
    "recommendations-without-activity": [{"partner": "Japan"}],
    "search": [{"text": "korea"}, {"text": "S&T"}],
    "strong-without-cooperation": [{"partner": "Japan", "min_weight": "1.0"}, {"min_weight": "0.5"}],
    "technology-holders": [{"technology": "robotics"}, {"technology": "semiconductors"}],
    "technology-taxonomy": [{"scheme": "nkgid:scheme-cis-priority-areas"}],
}


def cases() -> list[tuple[str, dict[str, object]]]:
    found = []
    for query in list_queries():
        if not any(p.required for p in query.params):
            found.append((query.id, {}))
        found += [(query.id, params) for params in EXAMPLES.get(query.id, [])]
    return found


CASES = cases()


@pytest.fixture(scope="module")
def store() -> natokg.Store:
    return natokg.open_graph()


@pytest.fixture(scope="module")
def oxigraph(store: natokg.Store) -> Any:
    engine = ox.Store()
    engine.load(union_graph(store).serialize(format="nt", encoding="utf-8"), format=ox.RdfFormat.N_TRIPLES)
    return engine


def canonical_rdflib(term: Node | None) -> tuple[Any, ...] | None:
    """Return a term in a form both engines can be compared in (numbers by value)."""
    if term is None:
        return None
    if isinstance(term, Literal):
        if isinstance(term.value, int | float | Decimal) and not isinstance(term.value, bool):
            return ("number", Decimal(str(term.value)).normalize())
        return ("literal", str(term), term.language, None if term.language else str(term.datatype or ""))
    if isinstance(term, BNode):
        return ("bnode",)
    assert isinstance(term, URIRef)
    return ("iri", str(term))


def canonical_oxigraph(term: Any) -> tuple[Any, ...] | None:
    if term is None:
        return None
    if isinstance(term, ox.Literal):
        datatype = term.datatype.value
        numeric = ("#integer", "#decimal", "#double", "#float", "#int", "#long")
        if datatype.endswith(numeric):
            return ("number", Decimal(term.value).normalize())
        language = term.language
        plain = datatype if not language else None
        if plain == "http://www.w3.org/2001/XMLSchema#string":
            plain = ""
        return ("literal", term.value, language, plain)
    if isinstance(term, ox.BlankNode):
        return ("bnode",)
    return ("iri", term.value)


def with_values(text: str, bindings: dict[str, Any]) -> str:
    """Join a VALUES block of the bound terms at the top of the outer WHERE clause."""
    if not bindings:
        return text
    names = sorted(bindings)
    block = (
        "VALUES ("
        + " ".join(f"?{n}" for n in names)
        + ") { ("
        + " ".join(bindings[n].n3() for n in names)
        + ") }"
    )
    match = re.search(r"\bWHERE\s*\{", text)
    assert match is not None
    return f"{text[: match.end()]}\n  {block}\n{text[match.end() :]}"


def test_every_query_with_a_required_parameter_has_examples() -> None:
    """Gives every query that needs a parameter at least one example to run with."""
    needing = {q.id for q in list_queries() if any(p.required for p in q.params)}
    assert needing <= set(EXAMPLES)
    assert set(EXAMPLES) <= {q.id for q in list_queries()}


@pytest.mark.parametrize(("query_id", "params"), CASES, ids=[f"{q}-{i}" for i, (q, _) in enumerate(CASES)])
def test_rdflib_and_oxigraph_return_the_same_rows(
    store: natokg.Store, oxigraph: Any, query_id: str, params: dict[str, object]
) -> None:
    """Returns the same rows, in the same order, from rdflib and from Oxigraph."""
    query = get_query(query_id)
    ours = natokg.run_query(store, query, params, timeout=None)
    bindings = bind_params(store, query, params)
    theirs = oxigraph.query(with_values(query.text, bindings))
    assert [str(v)[1:] for v in theirs.variables] == list(ours.columns)
    expected = [tuple(canonical_oxigraph(s[v]) for v in theirs.variables) for s in theirs]
    got = [tuple(canonical_rdflib(cell) for cell in row) for row in ours.rows]
    assert got == expected
