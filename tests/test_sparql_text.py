"""RDF terms written as SPARQL text, parameters bound as a VALUES block and a default graph added, safely."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st
from rdflib import XSD, BNode, Graph, Literal, URIRef, Variable
from rdflib.compare import isomorphic
from rdflib.plugins.sparql.algebra import translateQuery
from rdflib.plugins.sparql.parser import parseQuery

from natokg.push import batches
from natokg.queries import list_queries
from natokg.sparql_text import SparqlTextError, check_iri, ntriples, sparql_term, with_default_graph
from natokg.store import MemoryStore, bind_values

A = URIRef("urn:ex:a")
P = URIRef("urn:ex:p")

# Text that tries to leave a string literal and append its own SPARQL.
ESCAPES = ['x") } } DROP ALL #', "a\\", 'q"""', "line\nbreak\r", "\\u0022", "tab\tand '"]


def values_of(text: str) -> list[dict[Variable, object]]:
    """Return every VALUES row of a query, as rdflib parses it."""
    found: list[dict[Variable, object]] = []

    def walk(node: object) -> None:
        if isinstance(node, dict):
            if getattr(node, "name", "") == "values":
                found.extend(dict(row) for row in node["res"])
            for child in node.values():
                walk(child)
        elif isinstance(node, list | tuple):
            for child in node:
                walk(child)

    walk(translateQuery(parseQuery(text)).algebra)
    return found


@pytest.mark.parametrize("text", ESCAPES)
def test_literal_text_stays_one_literal(text: str) -> None:
    """Binds text that tries to close its string as exactly that one literal."""
    bound = bind_values("SELECT ?o WHERE { ?s ?p ?o }", {"o": Literal(text)})
    assert values_of(bound) == [{Variable("o"): Literal(text)}]


@given(st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=40))
def test_any_text_round_trips_through_a_values_block(text: str) -> None:
    """Parses back every bound string, whatever its characters, to the same literal."""
    bound = bind_values("SELECT ?o WHERE { ?s ?p ?o }", {"o": Literal(text, lang="en")})
    assert values_of(bound) == [{Variable("o"): Literal(text, lang="en")}]


@pytest.mark.parametrize(
    "term",
    [
        URIRef("urn:ex:a> } DROP ALL #"),
        URIRef("http://example.org/a b"),
        URIRef("relative/iri"),
        Literal("x", datatype=URIRef("urn:dt> .")),
        BNode(),
        Variable("x"),
    ],
    ids=["iri-closing-bracket", "iri-space", "relative-iri", "bad-datatype", "blank-node", "variable"],
)
def test_unwritable_terms_are_refused(term: object) -> None:
    """Refuses IRIs that could end early, relative IRIs, blank nodes and variables."""
    with pytest.raises(SparqlTextError):
        sparql_term(term)  # type: ignore[arg-type]


def test_typed_and_tagged_literals_keep_their_kind() -> None:
    """Writes datatypes and language tags so that rdflib reads the same terms back."""
    terms = [Literal("2019-11", datatype=XSD.gYearMonth), Literal("Korea", lang="en-GB"), Literal(2.5)]
    names = {f"v{i}": term for i, term in enumerate(terms)}
    bound = bind_values("SELECT * WHERE { ?s ?p ?o }", names)
    assert values_of(bound) == [{Variable(name): term for name, term in names.items()}]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("SELECT * { ?x ?p ?o }", "SELECT * { VALUES (?x) { (<urn:ex:a>) }\n ?x ?p ?o }"),
        (
            "CONSTRUCT { ?x ?p ?o } WHERE { ?x ?p ?o }",
            "CONSTRUCT { ?x ?p ?o } WHERE { VALUES (?x) { (<urn:ex:a>) }\n ?x ?p ?o }",
        ),
        ("ASK { ?x ?p ?o }", "ASK { VALUES (?x) { (<urn:ex:a>) }\n ?x ?p ?o }"),
        (
            "PREFIX where: <urn:w#> SELECT (EXISTS { ?x ?p ?o } AS ?e) WHERE { ?x where:p ?o }",
            "PREFIX where: <urn:w#> SELECT (EXISTS { ?x ?p ?o } AS ?e) "
            "WHERE { VALUES (?x) { (<urn:ex:a>) }\n ?x where:p ?o }",
        ),
        (
            "SELECT ?x WHERE { # a { in a comment\n ?x ?p '}' }",
            "SELECT ?x WHERE { VALUES (?x) { (<urn:ex:a>) }\n # a { in a comment\n ?x ?p '}' }",
        ),
    ],
    ids=["select-without-where", "construct", "ask", "exists-in-projection", "braces-in-comment-and-string"],
)
def test_values_go_to_the_start_of_the_outer_where_group(query: str, expected: str) -> None:
    """Puts the VALUES block at the start of the outer WHERE group, whatever comes before it."""
    assert bind_values(query, {"x": A}) == expected
    assert values_of(expected) == [{Variable("x"): A}]


@pytest.mark.parametrize(
    ("query", "bindings", "message"),
    [
        ("DESCRIBE <urn:ex:a>", {"x": A}, "no WHERE group"),
        ("SELECT * WHERE { ?s ?p ?o }", {"not a name": A}, "not a variable name"),
        ("SELECT * WHERE { ?s ?p ?o }", {"x": URIRef("urn:ex:a> } DROP ALL #")}, "not an absolute IRI"),
    ],
    ids=["no-where-group", "bad-variable-name", "iri-closing-bracket"],
)
def test_unbindable_queries_are_refused(query: str, bindings: dict[str, URIRef], message: str) -> None:
    """Refuses a query without a WHERE group, a name that is no variable, and an IRI that could end early."""
    with pytest.raises(ValueError, match=message):
        bind_values(query, bindings)


def test_library_queries_give_the_same_rows_with_values_as_with_init_bindings() -> None:
    """Returns the same rows over rdflib with a VALUES block as with initBindings."""
    store = MemoryStore()
    store.add_graph(Graph().add((A, P, Literal("x"))).add((URIRef("urn:ex:b"), P, Literal("y"))))
    text = "SELECT ?s ?o WHERE { ?s <urn:ex:p> ?o } ORDER BY ?s"
    for value in (A, Literal("y")):
        name = "s" if isinstance(value, URIRef) else "o"
        assert list(store.query(bind_values(text, {name: value}))) == list(store.query(text, {name: value}))
    for query in list_queries():  # every library query takes a binding of each of its parameters
        bind_values(query.text, {p.name: Literal("1") for p in query.params} or {"unused": Literal(1)})


def test_default_graph_is_added_as_a_from_clause() -> None:
    """Adds FROM before the WHERE keyword, or before the group when the keyword is left out."""
    assert (
        with_default_graph("SELECT * WHERE { ?s ?p ?o }", "urn:g")
        == "SELECT * FROM <urn:g> WHERE { ?s ?p ?o }"
    )
    assert with_default_graph("ASK { ?s ?p ?o }", "urn:g") == "ASK FROM <urn:g> { ?s ?p ?o }"
    assert (
        with_default_graph("CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }", "urn:g")
        == "CONSTRUCT { ?s ?p ?o } FROM <urn:g> WHERE { ?s ?p ?o }"
    )


@pytest.mark.parametrize(
    ("query", "graph"),
    [("SELECT * FROM <urn:other> WHERE { ?s ?p ?o }", "urn:g"), ("SELECT * WHERE { ?s ?p ?o }", "urn:g> <x")],
    ids=["has-a-from-clause", "bad-graph-iri"],
)
def test_default_graph_refuses_a_second_dataset_or_a_bad_iri(query: str, graph: str) -> None:
    """Refuses a query that names its dataset already, and a graph IRI that could end early."""
    with pytest.raises(SparqlTextError):
        with_default_graph(query, graph)


def test_check_iri_names_what_it_checks() -> None:
    """Names the kind of IRI in its error."""
    with pytest.raises(SparqlTextError, match="graph IRI"):
        check_iri("no scheme", "graph IRI")


def test_ntriples_round_trip_with_blank_nodes() -> None:
    """Writes N-Triples that parse back to an isomorphic graph, blank nodes included."""
    node, other = BNode(), BNode()
    graph = Graph()
    graph.add((A, P, node)).add((node, P, other)).add((other, P, Literal('say "hi"\n', lang="en")))
    parsed = Graph().parse(data=ntriples(graph), format="nt")
    assert isomorphic(parsed, graph)


def test_batches_keep_triples_that_share_blank_nodes_together() -> None:
    """Puts every chain of blank nodes in one batch, and plain triples in batches of the size."""
    first, second, third = BNode(), BNode(), BNode()
    chain = [(A, P, first), (first, P, second), (second, P, third), (third, P, Literal("end"))]
    plain = [(URIRef(f"urn:ex:s{i}"), P, Literal(i)) for i in range(5)]
    found = batches([*plain[:2], *chain, *plain[2:]], 2)
    assert sorted(map(len, found)) == [1, 2, 2, 4]
    assert any(set(chain) == set(batch) for batch in found)
    assert sorted(t for batch in found for t in batch) == sorted([*chain, *plain])


def test_batches_need_a_positive_size() -> None:
    """Refuses a batch size below one."""
    with pytest.raises(ValueError, match="at least 1"):
        batches([], 0)
