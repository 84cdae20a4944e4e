"""RDF -> NetworkX: the typed, attributed projection that every analysis works on.

Our own code, on purpose: generic RDF-to-graph converters turn literals into nodes and
``rdf:type`` into edges, which would make ``"2021"`` and ``nkg:Nation`` the hubs of the
network. Here, a node is an entity of one of five kinds (nation, organisation, programme,
technology, cooperation area) keyed by its IRI; a claim (a capability, a cooperation
activity, a membership, a recommendation, a relation) becomes typed edges between the
entities it links, and every edge keeps the IRIs of the claims behind it. Literals stay
attributes. The claims' own text (label, sources, quotes) is kept once, in
``G.graph["claims"]``, so that every finding can show its evidence.

The SPARQL lives in ``projection-*.rq`` beside this module. Those queries have no
``ORDER BY``: the projection sorts the rows itself, and sorting text costs Oxigraph minutes
at a million triples where the unordered query takes seconds.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from decimal import Decimal
from functools import cache
from importlib.resources import files
from itertools import combinations
from typing import Any, TypeAlias

import networkx as nx
from rdflib import RDF, RDFS, Graph, Literal, URIRef
from rdflib.namespace import SKOS
from rdflib.query import ResultRow

from natokg._gc import paused
from natokg.analysis.config import NKG_PREFIX
from natokg.store import Store

__all__ = [
    "CLAIM_KINDS",
    "EDGE_KINDS",
    "KG",
    "NODE_KINDS",
    "QUERIES",
    "STRUCTURAL_EDGES",
    "UnknownNodeError",
    "claim_paragraphs",
    "counterpart",
    "find_node",
    "label",
    "local_name",
    "nations_of",
    "partners",
    "project",
    "project_graphs",
    "project_rows",
    "projection_rows",
    "read_query",
    "targets",
]

#: Node kinds, from the natokg class each node is an instance of (subclasses included).
NODE_KINDS = ("nation", "organisation", "programme", "technology", "area")

_KIND_OF_BASE = {
    NKG_PREFIX + "Nation": "nation",
    NKG_PREFIX + "Organisation": "organisation",
    NKG_PREFIX + "Programme": "programme",
    NKG_PREFIX + "Technology": "technology",
    NKG_PREFIX + "CooperationArea": "area",
}

#: Claim classes the projection reads, by local name.
CLAIM_KINDS = (
    "CapabilityClaim",
    "CooperationActivity",
    "Membership",
    "NonMembership",
    "Recommendation",
    "Relation",
)

#: Edges that come from the entities' own properties, not from claims.
STRUCTURAL_EDGES = {
    NKG_PREFIX + "country": "country",
    NKG_PREFIX + "subOrganisationOf": "sub_organisation_of",
    NKG_PREFIX + "partOf": "part_of",
    NKG_PREFIX + "runBy": "run_by",
    NKG_PREFIX + "replaces": "replaces",
    "http://www.w3.org/2004/02/skos/core#broader": "broader",
    "http://www.w3.org/2004/02/skos/core#closeMatch": "close_match",
}

#: Every edge kind, with what it links.
EDGE_KINDS = {
    "strong_in": "holder -> technology (capability claim; attributes level, claims)",
    "cooperates_with": "participant -> participant, IRIs in sorted order (cooperation activity)",
    "cooperates_on": "participant -> technology or area (cooperation activity)",
    "via": "participant -> channel programme or body (cooperation activity)",
    "member_of": "member -> framework (membership; role, start, renewed, end, date)",
    "not_member_of": "member -> framework (non-membership: a channel gap the report states)",
    "recommended_channel": "concerned actor -> proposed channel (recommendation)",
    "recommended_topic": "concerned actor -> technology or area (recommendation)",
    "relation": "subject -> object (relation; relation_kind, technologies)",
    **dict.fromkeys(STRUCTURAL_EDGES.values(), "structure (no claim)"),
}

_RDFS_LABEL = "http://www.w3.org/2000/01/rdf-schema#label"
_LABEL_PROPERTIES = (RDFS.label, SKOS.prefLabel, SKOS.altLabel)
_SKOS_PREF = "http://www.w3.org/2004/02/skos/core#prefLabel"
_SKOS_ALT = "http://www.w3.org/2004/02/skos/core#altLabel"


def local_name(iri: str) -> str:
    """Return the part of `iri` after its last ``#`` or ``/``.

    Examples
    --------
    >>> local_name("https://w3id.org/natokg/ontology#Leader")
    'Leader'
    """
    return iri.rsplit("#", 1)[-1].rsplit("/", 1)[-1]


@cache
def read_query(name: str) -> str:
    """Return the text of the analysis query ``natokg/analysis/<name>.rq``."""
    return (files("natokg.analysis") / f"{name}.rq").read_text(encoding="utf-8")


def _rows(store: Store, name: str) -> list[tuple[Any, ...]]:
    return [tuple(row) for row in store.query(read_query(name)) if isinstance(row, ResultRow)]


def _value(term: Any) -> Any:
    """Return an RDF term as plain data: an IRI as str, a literal as a number, bool or its text."""
    if isinstance(term, Literal):
        value = term.toPython()
        if isinstance(value, bool | int | float):
            return value
        if isinstance(value, Decimal):
            return float(value)
        return str(term)
    return str(term)


#: The projection's queries, in ``projection-<name>.rq``.
QUERIES = ("classes", "types", "labels", "properties", "sources", "claims")

_CLAIM_CLASSES = tuple(NKG_PREFIX + kind for kind in CLAIM_KINDS)
_CLAIM_PROPERTIES = (
    *(
        NKG_PREFIX + name
        for name in [
            *("holder", "technology", "area", "level", "wording"),
            *("participant", "channel", "status", "event"),
            *("member", "framework", "role", "startDate", "endDate", "renewedDate", "date"),
            *("concerns", "proposedChannel", "proposal"),
            *("relationKind", "relationSubject", "relationObject"),
            *("source", "quote", "citation", "assumedIn"),
        ]
    ),
)
_ENTITY_PROPERTIES = (
    *(
        NKG_PREFIX + name
        for name in [
            *("natoRelation", "edtCharacter", "natoPriority", "levelWeight", "mentionedIn"),
            *("country", "subOrganisationOf", "partOf", "runBy", "replaces"),
        ]
    ),
    "http://www.w3.org/2004/02/skos/core#broader",
    "http://www.w3.org/2004/02/skos/core#closeMatch",
)
_CLAIM_PROPERTY_SET = frozenset(_CLAIM_PROPERTIES)
#: Every predicate the projection reads.
_WANTED = frozenset(
    {
        str(RDF.type),
        str(RDFS.subClassOf),
        *(str(p) for p in _LABEL_PROPERTIES),
        *_ENTITY_PROPERTIES,
        *_CLAIM_PROPERTIES,
        NKG_PREFIX + "paragraphNumber",
        NKG_PREFIX + "afterParagraph",
    }
)
_CLAIM_CLASS_SET = frozenset(_CLAIM_CLASSES)
_CLASS_BASES = (*_KIND_OF_BASE, NKG_PREFIX + "NatoBody", NKG_PREFIX + "ParliamentaryBody")

Rows = Mapping[str, list[tuple[Any, ...]]]

#: The projection's type: a networkx multigraph keyed by IRI strings.
KG: TypeAlias = "nx.MultiDiGraph[str]"


def project(store: Store) -> KG:
    """Project a loaded natokg graph onto a typed NetworkX multigraph.

    The projection reads the store with the SPARQL queries ``projection-*.rq`` only, so
    it works on any `Store` (in memory, Oxigraph, a remote endpoint).

    Parameters
    ----------
    store
        A store holding the ontology and the data (``natokg.load_graph().store``), and
        possibly a scenario overlay.

    Returns
    -------
    networkx.MultiDiGraph
        Nodes are IRIs with ``kind`` (one of `NODE_KINDS`), ``label``, ``alt_labels``,
        ``types`` (natokg class names) and, where they apply, ``nato_relation``,
        ``nato_body``, ``parliamentary``, ``edt``, ``nato_priority`` and ``mentioned_in``
        (the sources naming the node). Edges have a
        ``kind`` (see `EDGE_KINDS`) and ``claims``, the sorted IRIs of the claims behind
        them (empty for structural edges); their key is ``"<kind>|<claim or ''>"``.
        ``G.graph["claims"]`` maps each claim IRI to its record (kind, label, statements,
        sources, quotes, ``assumed_in``); ``G.graph["sources"]`` maps each source to its
        label and paragraph; ``G.graph["level_weights"]`` holds the ontology's level weights.

    Examples
    --------
    >>> from natokg import load_graph
    >>> G = project(load_graph().store)
    >>> G.nodes["https://w3id.org/natokg/id/rok"]["kind"]
    'nation'
    """
    return _assemble(projection_rows(store))


def projection_rows(store: Store) -> dict[str, list[tuple[Any, ...]]]:
    """Return the rows of the projection's queries on `store`, by query name (`QUERIES`).

    With `project_rows`, a caller that projects the same store with several overlays
    (what-if scenarios) reads the store once. A store that reads triples by predicate
    (``triples(predicates)``, the Oxigraph store) answers by index scans instead of the six
    queries' joins: the same rows, in a third of the time at 1M triples.
    """
    with paused():
        read = getattr(store, "triples", None)
        if read is not None:
            return _rows_from_triples(read(_WANTED, distinct=False))
        return {name: _rows(store, f"projection-{name}") for name in QUERIES}


def project_rows(rows: Rows, graphs: Iterable[Graph] = ()) -> KG:
    """Return the projection of the store `rows` came from (`projection_rows`), plus `graphs`.

    Parameters
    ----------
    rows
        The store's projection rows.
    graphs
        Graphs projected together with the store, e.g. a scenario overlay. The overlay's
        claims must be whole in it (typed there, with their statements), as
        `natokg.analysis.scenarios.read_overlay` requires.

    Returns
    -------
    networkx.MultiDiGraph
        As `project`.
    """
    extra = _rows_from_graphs(graphs)
    merged = {name: list(dict.fromkeys([*rows.get(name, []), *extra[name]])) for name in QUERIES}
    return _assemble(merged)


def project_graphs(graphs: Iterable[Graph]) -> KG:
    """Return the same projection as `project`, computed from rdflib graphs without SPARQL.

    rdflib's SPARQL engine needs about half a second for the projection's queries on the
    shipped graph; reading the few triple patterns directly takes milliseconds. The command
    line uses this path (the union of the parsed files); ``tests/test_analysis_project.py``
    checks that both paths give the same projection.

    Parameters
    ----------
    graphs
        The parsed files (ontology and data); their union is projected.

    Returns
    -------
    networkx.MultiDiGraph
        As `project`.
    """
    with paused():
        return _assemble(_rows_from_graphs(graphs))


def _rows_from_graphs(graphs: Iterable[Graph]) -> dict[str, list[tuple[Any, ...]]]:
    """Evaluate the six projection queries over the union of `graphs` with triple patterns."""
    return _rows_from_triples(triple for graph in graphs for triple in graph.triples((None, None, None)))


def _rows_from_triples(triples: Iterable[tuple[Any, Any, Any]]) -> dict[str, list[tuple[Any, ...]]]:
    """Evaluate the six projection queries over `triples` (any repeated, any predicate)."""
    by_predicate: dict[str, set[tuple[Any, Any]]] = defaultdict(set)
    claim_statements: dict[Any, set[tuple[Any, Any]]] = defaultdict(set)
    wanted = _WANTED
    for subject, predicate, obj in triples:
        key = str(predicate)
        if key in wanted:
            by_predicate[key].add((subject, obj))
        if key in _CLAIM_PROPERTY_SET:
            claim_statements[subject].add((predicate, obj))

    children: dict[str, set[str]] = defaultdict(set)
    for sub, sup in by_predicate[str(RDFS.subClassOf)]:
        children[str(sup)].add(str(sub))
    classes: list[tuple[Any, ...]] = []
    for base in _CLASS_BASES:
        seen = {base}
        stack = [base]
        while stack:
            for child in children.get(stack.pop(), ()):
                if child not in seen:
                    seen.add(child)
                    stack.append(child)
        classes += [(URIRef(cls), URIRef(base)) for cls in seen]

    typed = by_predicate[str(RDF.type)]
    types = [(s, o) for s, o in typed if isinstance(s, URIRef) and str(o).startswith(NKG_PREFIX)]
    labels = [
        (s, prop, o)
        for prop in _LABEL_PROPERTIES
        for s, o in by_predicate[str(prop)]
        if isinstance(s, URIRef) and isinstance(o, Literal)
    ]
    properties = [
        (s, URIRef(prop), o)
        for prop in _ENTITY_PROPERTIES
        for s, o in by_predicate[prop]
        if isinstance(s, URIRef)
    ]
    sources = [(s, o, None) for s, o in by_predicate[NKG_PREFIX + "paragraphNumber"]]
    sources += [(s, None, o) for s, o in by_predicate[NKG_PREFIX + "afterParagraph"]]
    claims = [(s, p, v) for s, statements in claim_statements.items() for p, v in statements]
    return {
        "classes": classes,
        "types": types,
        "labels": labels,
        "properties": properties,
        "sources": sources,
        "claims": claims,
    }


def _assemble(rows: Rows) -> KG:
    """Build the projection from the rows of the six projection queries, in any order."""
    with paused():
        return _build(rows)


# Rows whose order shows in the projection (a later value overwrites, a list keeps the order)
# are sorted; the big ones (types, labels, claims) feed sets and sorted lists only.
_ORDERED = ("classes", "properties", "sources")


def _build(rows: Rows) -> KG:
    rows = {name: sorted(found, key=_row_key) if name in _ORDERED else found for name, found in rows.items()}
    bases: dict[str, set[str]] = defaultdict(set)
    for cls, base in rows["classes"]:
        bases[str(cls)].add(str(base))
    types: dict[str, set[str]] = defaultdict(set)
    for node, cls in rows["types"]:
        types[str(node)].add(str(cls))
    names: dict[str, dict[str, list[tuple[str, str]]]] = defaultdict(lambda: defaultdict(list))
    for node, prop, text in rows["labels"]:
        lang = text.language if isinstance(text, Literal) else None
        names[str(node)][str(prop)].append((lang or "", str(text)))

    G: KG = nx.MultiDiGraph()
    for node in sorted(types):
        node_bases = set().union(*(bases.get(cls, set()) for cls in types[node]))
        kind = next((_KIND_OF_BASE[b] for b in _KIND_OF_BASE if b in node_bases), None)
        if kind is None:
            continue
        G.add_node(
            node,
            kind=kind,
            label=_best_label(node, names.get(node, {})),
            alt_labels=sorted({text for _, text in names.get(node, {}).get(_SKOS_ALT, [])}),
            types=sorted(local_name(cls) for cls in types[node]),
            nato_body=NKG_PREFIX + "NatoBody" in node_bases,
            parliamentary=NKG_PREFIX + "ParliamentaryBody" in node_bases,
        )

    level_weights: dict[str, float] = {}
    for subject, prop, value in rows["properties"]:
        _add_property(G, str(subject), str(prop), _value(value), level_weights)
    G.graph["level_weights"] = dict(sorted(level_weights.items()))

    sources: dict[str, dict[str, Any]] = {}
    for source, number, after in rows["sources"]:
        record = sources.setdefault(
            str(source),
            {"label": _best_label(str(source), names.get(str(source), {})), "paragraph": None, "after": None},
        )
        if number is not None:
            record["paragraph"] = int(_value(number))
        if after is not None:
            record["after"] = int(_value(after))
    G.graph["sources"] = dict(sorted(sources.items()))

    kinds: dict[str, str] = {}
    for node, classes in types.items():
        for cls in classes & _CLAIM_CLASS_SET:
            kinds[node] = max(kinds.get(node, ""), cls)  # a claim of two kinds: the same one every time
    statements: dict[str, dict[str, list[Any]]] = defaultdict(lambda: defaultdict(list))
    short: dict[Any, str] = {}  # a few properties, hundreds of thousands of rows
    for claim, prop, value in rows["claims"]:
        key = str(claim)
        if key in kinds:
            name = short.get(prop) or short.setdefault(prop, local_name(str(prop)))
            statements[key][name].append(_value(value))
    for claim in kinds:
        labels = names.get(claim, {}).get(_RDFS_LABEL, [])
        if labels:
            statements[claim]["label"].extend(text for _, text in labels)
    claims: dict[str, dict[str, Any]] = {}
    for claim in sorted(statements):
        claims[claim] = _claim_record(claim, local_name(kinds[claim]), statements[claim])
        _add_claim_edges(G, claim, claims[claim])
    G.graph["claims"] = claims
    return G


def _row_key(row: tuple[Any, ...]) -> tuple[str, ...]:
    return tuple("" if term is None else str(term) for term in row)


def _best_label(node: str, found: Mapping[str, list[tuple[str, str]]]) -> str:
    for prop in (_RDFS_LABEL, _SKOS_PREF):
        texts = sorted(found.get(prop, []))
        english = [text for lang, text in texts if lang.startswith("en")]
        plain = [text for lang, text in texts if not lang]
        for choice in (english, plain, [text for _, text in texts]):
            if choice:
                return choice[0]
    return local_name(node)


def _add_property(G: KG, subject: str, prop: str, value: Any, level_weights: dict[str, float]) -> None:
    if prop == NKG_PREFIX + "levelWeight":
        level_weights[local_name(subject)] = float(value)
        return
    if subject not in G:
        return
    if prop == NKG_PREFIX + "natoRelation":
        G.nodes[subject]["nato_relation"] = local_name(str(value))
    elif prop == NKG_PREFIX + "edtCharacter":
        G.nodes[subject]["edt"] = local_name(str(value))
    elif prop == NKG_PREFIX + "mentionedIn":
        G.nodes[subject].setdefault("mentioned_in", []).append(str(value))
    elif prop == NKG_PREFIX + "natoPriority":
        G.nodes[subject]["nato_priority"] = value is True or str(value).lower() == "true"
    elif prop in STRUCTURAL_EDGES and isinstance(value, str) and value in G:
        kind = STRUCTURAL_EDGES[prop]
        G.add_edge(subject, value, key=f"{kind}|", kind=kind, claims=[])


def _claim_record(claim: str, kind: str, found: Mapping[str, list[Any]]) -> dict[str, Any]:
    texts = {"label", "quote", "citation", "source", "assumedIn", "wording", "proposal"}
    record: dict[str, Any] = {
        "kind": kind,
        "label": min((str(v) for v in found.get("label", [])), default=local_name(claim)),
        "sources": sorted({str(v) for v in found.get("source", [])}),
        "quotes": sorted({str(v) for v in found.get("quote", [])}),
        "citations": sorted({str(v) for v in found.get("citation", [])}),
        "assumed_in": min((str(v) for v in found.get("assumedIn", [])), default=None),
        "wording": min((str(v) for v in found.get("wording", [])), default=None),
        "proposal": min((str(v) for v in found.get("proposal", [])), default=None),
    }
    for prop, values in sorted(found.items()):
        if prop in texts:
            continue
        clean = sorted({str(v) if not isinstance(v, int | float | bool) else v for v in values}, key=str)
        record[prop] = [local_name(str(v)) if prop in {"level", "status", "role"} else v for v in clean]
    return record


def _edge(G: KG, u: str, v: str, kind: str, claim: str, **attrs: Any) -> None:
    if u not in G or v not in G or u == v:
        return
    G.add_edge(u, v, key=f"{kind}|{claim}", kind=kind, claims=[claim], **attrs)


def _add_claim_edges(G: KG, claim: str, record: Mapping[str, Any]) -> None:
    kind = record["kind"]
    topics = [*record.get("technology", []), *record.get("area", [])]
    if kind == "CapabilityClaim":
        level = (record.get("level") or [None])[0]
        for holder in record.get("holder", []):
            for tech in record.get("technology", []):
                _edge(G, holder, tech, "strong_in", claim, level=level)
    elif kind == "CooperationActivity":
        status = (record.get("status") or [None])[0]
        channels = list(record.get("channel", []))
        participants = sorted(record.get("participant", []))
        for u, v in combinations(participants, 2):
            _edge(G, u, v, "cooperates_with", claim, status=status, channels=channels, topics=topics)
        for participant in participants:
            for topic in topics:
                _edge(G, participant, topic, "cooperates_on", claim, status=status, channels=channels)
            for channel in channels:
                _edge(G, participant, channel, "via", claim, status=status)
    elif kind in {"Membership", "NonMembership"}:
        attrs = {
            "role": (record.get("role") or [None])[0],
            "start": (record.get("startDate") or [None])[0],
            "renewed": list(record.get("renewedDate", [])),
            "end": (record.get("endDate") or [None])[0],
            "date": (record.get("date") or [None])[0],
        }
        edge_kind = "member_of" if kind == "Membership" else "not_member_of"
        for member in record.get("member", []):
            for framework in record.get("framework", []):
                _edge(G, member, framework, edge_kind, claim, **attrs)
    elif kind == "Recommendation":
        for actor in record.get("concerns", []):
            for channel in record.get("proposedChannel", []):
                _edge(G, actor, channel, "recommended_channel", claim)
            for topic in topics:
                _edge(G, actor, topic, "recommended_topic", claim)
    elif kind == "Relation":
        relation_kind = (record.get("relationKind") or [None])[0]
        for subject in record.get("relationSubject", []):
            for obj in record.get("relationObject", []):
                _edge(
                    G,
                    subject,
                    obj,
                    "relation",
                    claim,
                    relation_kind=relation_kind,
                    technologies=list(record.get("technology", [])),
                )


# ---------------------------------------------------------------------------
# Small helpers the analyses share
# ---------------------------------------------------------------------------


class UnknownNodeError(ValueError):
    """A name matches no node of the wanted kinds, or several; the message says which."""


def find_node(G: KG, text: str, kinds: Sequence[str], what: str) -> str:
    """Return the node of `G` that `text` names: an IRI, ``nkgid:slug``, a slug or a label.

    Labels and alternative labels match without regard to case.

    Parameters
    ----------
    G
        A projection.
    text
        What the user typed.
    kinds
        The node kinds allowed (`NODE_KINDS`).
    what
        What the name stands for, for the message (``"partner"``).

    Raises
    ------
    UnknownNodeError
        If no node, or more than one, has that name; the message lists the candidates
        or the closest names.

    Examples
    --------
    >>> from natokg import load_graph
    >>> G = project(load_graph().store)
    >>> find_node(G, "ROK", ["nation"], "partner")
    'https://w3id.org/natokg/id/rok'
    """
    from difflib import get_close_matches

    from natokg.analysis.config import NKGID_PREFIX, expand_iri

    for candidate in (expand_iri(text), NKGID_PREFIX + text):
        if candidate in G and G.nodes[candidate].get("kind") in kinds:
            return candidate
    names: dict[str, set[str]] = {}
    for node, data in G.nodes(data=True):
        if data.get("kind") not in kinds:
            continue
        for name in (data.get("label", ""), *data.get("alt_labels", [])):
            names.setdefault(str(name).casefold(), set()).add(node)
    found = names.get(text.casefold(), set())
    if len(found) == 1:
        return next(iter(found))
    if len(found) > 1:
        raise UnknownNodeError(f"{what} {text!r} is ambiguous: {', '.join(sorted(found))}")
    close = get_close_matches(text.casefold(), list(names), n=3, cutoff=0.6)
    hint = f"; did you mean {', '.join(repr(c) for c in close)}?" if close else ""
    raise UnknownNodeError(f"no {what} named {text!r} in the graph{hint}")


def label(G: KG, node: str) -> str:
    """Return the label of `node`, or its local name if the projection does not hold it."""
    data = G.nodes.get(node)
    if data is not None and "label" in data:
        return str(data["label"])
    return local_name(node)


def partners(G: KG, relations: Iterable[str] = ("Partner", "InformalContact")) -> list[str]:
    """Return the nations whose standing towards NATO is one of `relations`, sorted by label.

    Parameters
    ----------
    G
        A projection.
    relations
        Local names of ``nkg:NatoRelation`` values.

    Returns
    -------
    list of str
        Node IRIs.
    """
    wanted = set(relations)
    found = [
        node
        for node, data in G.nodes(data=True)
        if data.get("kind") == "nation" and data.get("nato_relation") in wanted
    ]
    return sorted(found, key=lambda node: (label(G, node), node))


def nations_of(G: KG, node: str) -> set[str]:
    """Return the nations `node` belongs to: itself if a nation, else its ``nkg:country``.

    An organisation without a country takes its parents' (``nkg:subOrganisationOf``),
    so ATLA, part of Japan's Ministry of Defence, belongs to Japan.
    """
    seen: set[str] = set()
    stack = [node]
    nations: set[str] = set()
    while stack:
        current = stack.pop()
        if current in seen or current not in G:
            continue
        seen.add(current)
        if G.nodes[current].get("kind") == "nation":
            nations.add(current)
            continue
        own = targets(G, current, "country")
        if own:
            nations.update(own)
            continue
        stack.extend(targets(G, current, "sub_organisation_of"))
    return nations


def counterpart(G: KG, node: str) -> str | None:
    """Return which side of NATO `node` stands on, for coverage and brokerage.

    Returns
    -------
    str or None
        ``"nato"`` for a NATO body (or a programme run by one), ``"ally"`` for an Ally or
        an organisation of an Ally, ``"parliamentary"`` for a parliamentary body, else None.
    """
    return _counterpart(G, node, set())


def _counterpart(G: KG, node: str, seen: set[str]) -> str | None:
    if node not in G or node in seen:
        return None
    seen.add(node)
    data = G.nodes[node]
    if data.get("nato_body"):
        return "nato"
    if data.get("kind") == "programme":
        runners = targets(G, node, "run_by", "part_of")
        if any(_counterpart(G, runner, seen) == "nato" for runner in runners):
            return "nato"
        return None
    if data.get("parliamentary"):
        return "parliamentary"
    nations = nations_of(G, node)
    if any(G.nodes[n].get("nato_relation") == "Ally" for n in nations):
        return "ally"
    return None


def targets(G: KG, node: str, *kinds: str) -> list[str]:
    """Return the sorted targets of `node`'s out-edges of the given kinds.

    Examples
    --------
    >>> from natokg import load_graph
    >>> G = project(load_graph().store)
    >>> targets(G, "https://w3id.org/natokg/id/atla", "country")
    ['https://w3id.org/natokg/id/japan']
    """
    wanted = set(kinds)
    found: set[str] = set()
    for _, target, data in G.out_edges(node, data=True):
        if data.get("kind") in wanted:
            found.add(str(target))
    return sorted(found)


def claim_paragraphs(G: KG, claim: str) -> list[int]:
    """Return the paragraph numbers a claim cites (a box or table counts as the paragraph it follows)."""
    record = G.graph.get("claims", {}).get(claim)
    if record is None:
        return []
    found: set[int] = set()
    for source in record["sources"]:
        info = G.graph["sources"].get(source, {})
        number = info.get("paragraph") if info.get("paragraph") is not None else info.get("after")
        if number is not None:
            found.add(int(number))
    return sorted(found)
