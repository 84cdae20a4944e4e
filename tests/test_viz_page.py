"""The network page: what it draws, its views, the cap on large graphs, escaping and offline assets."""

from __future__ import annotations

import doctest
import importlib
import json
import re
import subprocess
import sys
from pathlib import Path

import networkx as nx
import pytest

from natokg import load_graph
from natokg.analysis._index import Index
from natokg.analysis.gaps import technology_gaps
from natokg.analysis.project import KG, project, project_graphs
from natokg.load import parse_file
from natokg.store import Store
from natokg.viz import network_html, network_page, notebook_iframe, write_network
from support import FIXTURES, REPO, clean_env
from viz_support import expected_edges, expected_gaps, page_data, parse

ID = "https://w3id.org/natokg/id/"
HOSTILE = FIXTURES / "viz" / "hostile.ttl"
PAYLOADS = [
    "<script>window.__xss=1</script>",
    "</script><script>window.__xss=1</script>",
    '"\'><img src=x onerror="window.__xss=1">',
    "<img src=x onerror=window.__xss=1> leads",
    '<a href="javascript:window.__xss=1">href=ally</a>',
    "Body ' \" & <!-- <svg onload=window.__xss=1>",
]
#: The tags the page's template writes; data must never add one.
TEMPLATE_TAGS = {
    *("html", "head", "meta", "title", "style", "body", "header", "h1", "h2", "span", "p", "aside"),
    *("section", "label", "input", "select", "option", "button", "ul", "li", "svg", "line", "main"),
    *("div", "script"),
}


@pytest.fixture(scope="module")
def store() -> Store:
    return load_graph().store


@pytest.fixture(scope="module")
def kg(store: Store) -> KG:
    return project(store)


@pytest.fixture(scope="module")
def hostile() -> Store:
    return load_graph([HOSTILE]).store


def drawn(html: str) -> tuple[set[str], set[tuple[str, str, str, str]], set[tuple[str, str]]]:
    """Return the nodes, claim edges (with their tooltips' kind) and gaps a page draws."""
    data = page_data(html)
    nodes = {node["id"] for node in data["nodes"]}
    gaps = {(e["from"], e["to"]) for e in data["edges"] if e.get("gap")}
    edges = {(e["from"], e["to"], e["id"], e["styleKey"]) for e in data["edges"] if not e.get("gap")}
    return nodes, edges, gaps


def test_the_whole_graph_draws_every_node_every_relation_and_every_gap(kg: KG) -> None:
    """Draws each node once, one edge per relation between two nodes, and each gap as its own edge."""
    html = network_html(kg)
    nodes, edges, gaps = drawn(html)
    assert nodes == set(kg.nodes)
    assert len(edges) == len(expected_edges(kg, nodes))
    assert gaps == expected_gaps(kg, nodes)
    assert len(gaps) > 10


def test_every_drawn_edge_joins_two_drawn_nodes_and_carries_its_claims(kg: KG) -> None:
    """Gives every edge a tooltip that names its claims, paragraphs and a quote where the claim has one."""
    data = page_data(network_html(kg))
    ids = {node["id"] for node in data["nodes"]}
    claims = kg.graph["claims"]
    robotics = None
    for edge in data["edges"]:
        assert {edge["from"], edge["to"]} <= ids
        texts = [text for _, text in edge["tip"]]
        if edge["from"] == ID + "japan" and edge["to"] == ID + "robotics" and not edge.get("gap"):
            robotics = texts
    assert robotics is not None
    claim = next(
        c
        for c, r in claims.items()
        if r["kind"] == "CapabilityClaim"
        and ID + "robotics" in r.get("technology", [])
        and ID + "japan" in r.get("holder", [])
    )
    assert claims[claim]["label"] in robotics
    assert any(text.startswith("paragraph") for text in robotics)
    assert any(claims[claim]["quotes"][0] in text for text in robotics)


def test_a_gap_tooltip_shows_score_coverage_and_evidence(kg: KG) -> None:
    """Explains each gap edge with its score formula, the coverage found and the strength's quote."""
    data = page_data(network_html(kg))
    (gap,) = [
        e for e in data["edges"] if e.get("gap") and (e["from"], e["to"]) == (ID + "japan", ID + "robotics")
    ]
    texts = [text for _, text in gap["tip"]]
    assert texts[0] == "Gap: Japan \u2192 robotics"
    assert "score 0.90 = strength 1.00 x priority 0.90 x (1 - coverage 0.00)" in texts
    assert "Coverage: none found" in texts
    assert any(style == "q" for style, _ in gap["tip"])


def test_nodes_are_styled_by_kind_and_sized_by_their_links(kg: KG) -> None:
    """Colours nations by their standing towards NATO and sizes nodes by their number of neighbours."""
    data = page_data(network_html(kg))
    by_id = {node["id"]: node for node in data["nodes"]}
    assert by_id[ID + "japan"]["kindKey"] == "partner"
    assert by_id[ID + "china"]["kindKey"] == "competitor"
    assert by_id[ID + "nato"]["kindKey"] == "nato_body"
    assert by_id[ID + "atla"]["kindKey"] == "agency"
    assert by_id[ID + "robotics"]["kindKey"] == "technology"
    japan = len(set(nx.all_neighbors(kg, ID + "japan")))
    assert by_id[ID + "japan"]["value"] == japan
    assert by_id[ID + "japan"]["color"]["background"] != by_id[ID + "china"]["color"]["background"]


def test_focus_shows_the_neighbourhood_within_depth(kg: KG) -> None:
    """Draws exactly the nodes within --depth links of the focus, found by its acronym."""
    for depth in (1, 2):
        nodes, _, _ = drawn(network_html(kg, focus="ATLA", depth=depth))
        ego = nx.ego_graph(kg, ID + "atla", radius=depth, undirected=True)
        assert nodes == set(ego.nodes)
    nodes, edges, _ = drawn(network_html(kg, focus="ATLA", depth=0))
    assert nodes == {ID + "atla"}
    assert edges == set()


def test_partner_and_technology_views_narrow_together(kg: KG) -> None:
    """Shows a partner's actors and their links, a technology's family and links, and their overlap."""
    index = Index(kg)
    rok, _, _ = drawn(network_html(kg, partner="ROK"))
    actors = index.actors_of(ID + "rok")
    assert actors <= rok
    assert rok == set(nx.node_boundary(kg.to_undirected(as_view=True), actors)) | actors
    tech, _, _ = drawn(network_html(kg, technology="semiconductors"))
    assert {ID + "semiconductors", ID + "memory-chips"} <= tech
    both, _, gaps = drawn(network_html(kg, partner="ROK", technology="semiconductors"))
    assert both == rok & tech
    assert (ID + "rok", ID + "semiconductors") in gaps


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"focus": "Atlantis"}, "no entity named 'Atlantis'"),
        ({"partner": "robotics"}, "no partner named 'robotics'"),
        ({"technology": "Japan"}, "no technology named 'Japan'"),
        ({"depth": -1}, "depth must be 0 or more"),
        ({"max_nodes": 0}, "max_nodes must be 1 or more"),
        ({"scenario": "rok-joins-sto-eop"}, "a scenario needs the store"),
    ],
)
def test_bad_options_raise_a_clear_error(kg: KG, options: dict[str, object], message: str) -> None:
    """Raises ValueError naming the bad option instead of drawing an empty or wrong page."""
    with pytest.raises(ValueError, match=re.escape(message)):
        network_html(kg, **options)  # type: ignore[arg-type]


def test_a_scenario_draws_its_assumed_claims_and_the_gaps_it_closes(store: Store) -> None:
    """Marks the overlay's claims as assumed and draws the gap it closes apart from the open ones."""
    page = network_page(store, scenario="nato-japan-space-cooperation")
    data = page_data(page.html)
    styles = {e["styleKey"] for e in data["edges"]}
    assumed = [e for e in data["edges"] if e["styleKey"] == "assumed"]
    assert {"assumed", "gap_closed"} <= styles
    assert all(any("[assumed in the scenario, not a fact]" in t for _, t in e["tip"]) for e in assumed)
    before = {(g.partner, g.technology) for g in technology_gaps(project(store))}
    closed = {(e["from"], e["to"]) for e in data["edges"] if e["styleKey"] == "gap_closed"}
    opened = {(e["from"], e["to"]) for e in data["edges"] if e["styleKey"] == "gap"}
    assert closed
    assert closed <= before
    assert not closed & opened
    assert "What-if:" in page.html
    assert "what-if" in page.title


def test_a_large_graph_is_cut_to_its_best_linked_nodes_and_says_so() -> None:
    """Keeps the max_nodes nodes with the most neighbours, at most five edges per node, and tells why."""
    sys.path.insert(0, str(REPO / "benchmarks"))
    from synthetic import generate

    from natokg import resources

    G = project_graphs([*(parse_file(p) for p in resources.ontology_files()), generate(20_000)])
    assert G.number_of_nodes() > 600
    page = network_page(G, max_nodes=300)
    nodes, edges, gaps = drawn(page.html)
    assert page.nodes == len(nodes) == 300
    assert page.matched == G.number_of_nodes()
    assert page.edges == len(edges) + len(gaps) <= 5 * 300
    degree = {n: len(set(nx.all_neighbors(G, n))) for n in G}
    assert min(degree[n] for n in nodes) >= max(degree[n] for n in set(G) - nodes)
    assert page.note is not None
    assert "300" in page.note
    assert "--focus" in page.note
    assert re.search(r'<p class="note" id="natokg-note" role="status">This view holds', page.html)


@pytest.mark.slow
def test_the_default_cap_applies_past_1500_nodes() -> None:
    """Draws 1,500 of a synthetic graph's 2,000-odd nodes by default, and at most 7,500 edges."""
    sys.path.insert(0, str(REPO / "benchmarks"))
    from synthetic import generate

    from natokg import resources

    G = project_graphs([*(parse_file(p) for p in resources.ontology_files()), generate(60_000)])
    assert G.number_of_nodes() > 1500
    page = network_page(G)
    assert page.nodes == 1500
    assert page.edges <= 7500
    assert page.note is not None


def test_a_focus_within_a_large_graph_keeps_the_focus() -> None:
    """Keeps the node asked about even when the cap would drop it for its few links."""
    sys.path.insert(0, str(REPO / "benchmarks"))
    from synthetic import generate

    from natokg import resources

    G = project_graphs([*(parse_file(p) for p in resources.ontology_files()), generate(20_000)])
    degree = {n: len(set(nx.all_neighbors(G, n))) for n in G}
    U = nx.Graph(G)
    reach = {n for n in U if degree[n] and len(nx.single_source_shortest_path_length(U, n, cutoff=3)) > 40}
    quiet = min(reach, key=lambda n: (degree[n], n))
    nodes, _, _ = drawn(network_html(G, focus=quiet, depth=3, max_nodes=20))
    assert quiet in nodes
    assert len(nodes) == 20
    assert degree[quiet] < min(degree[n] for n in nodes - {quiet})


def test_the_page_loads_nothing_from_the_network(store: Store, kg: KG) -> None:
    """Holds no http(s) URL in any src or href, no external stylesheet or script, only data: URLs in CSS."""
    pages = [network_html(kg), network_html(kg, focus="ATLA"), network_html(kg, partner="Japan")]
    pages.append(network_html(store, scenario="rok-joins-sto-eop"))
    for html in pages:
        tags = parse(html).tags
        links = [value or "" for _, attrs in tags for name, value in attrs.items() if name in {"src", "href"}]
        assert not [link for link in links if re.match(r"\s*(https?:)?//", link, re.I)]
        assert not [tag for tag, attrs in tags if tag in {"link", "iframe", "img", "object", "embed"}]
        assert all(not attrs.get("src") for tag, attrs in tags if tag == "script")
        for url in re.findall(r"url\(\s*['\"]?([^'\")]*)", html):
            assert url.startswith("data:"), url
        assert "@import" not in html
        assert "default-src 'none'" in html  # and the browser is told to refuse anything else


def test_hostile_labels_titles_and_ids_stay_text(hostile: Store) -> None:
    """Renders <script>, <img onerror>, </script>, quotes and href= from the data as text, never as markup."""
    page = network_page(hostile)
    html = page.html
    parsed = parse(html)
    assert {tag for tag, _ in parsed.tags} <= TEMPLATE_TAGS
    assert [attrs.get("id") for attrs, _ in parsed.scripts] == ["natokg-data", None, None]
    assert not [name for _, attrs in parsed.tags for name in attrs if name.startswith("on")]
    # Outside the JSON, data appears only escaped; inside it, <, > and ' are \u-escaped.
    (data_text,) = [text for attrs, text in parsed.scripts if attrs.get("id") == "natokg-data"]
    assert not re.search(r"[<>']", data_text)
    rest = html.replace(data_text, "")
    for payload in PAYLOADS:
        assert payload not in rest
    data = json.loads(data_text)
    texts = json.dumps(data, ensure_ascii=False)
    for payload in PAYLOADS:
        assert json.dumps(payload, ensure_ascii=False)[1:-1] in texts  # the text itself survives
    labels = [option for tag, option in parsed.tags if tag == "option"]
    assert len(labels) >= 3
    assert "&lt;script&gt;window.__xss=1&lt;/script&gt; report" in html  # the report's title, escaped


def test_hostile_node_ids_stay_text(hostile: Store) -> None:
    """Escapes node IRIs that hold </script>, quotes and ampersands (a projection may come from anywhere)."""
    G = project(hostile)
    evil = "urn:x:</script><script>window.__xss=1</script>\"'&"
    G = nx.relabel_nodes(G, {ID + "x-partner": evil})
    html = network_html(G)
    parsed = parse(html)
    assert [attrs.get("id") for attrs, _ in parsed.scripts] == ["natokg-data", None, None]
    assert evil not in html
    assert evil in {node["id"] for node in page_data(html)["nodes"]}


@pytest.mark.parametrize("name", ["natokg.viz", "natokg.charts", "natokg.info"])
def test_docstring_examples_run(name: str) -> None:
    """Runs every docstring example of the visualisation modules without a failure."""
    module = importlib.import_module(name)
    result = doctest.testmod(module, optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE)
    assert result.failed == 0
    assert result.attempted > 0


def test_the_page_is_the_same_for_the_same_input(kg: KG) -> None:
    """Renders byte-identical pages for the same graph and options."""
    assert network_html(kg, partner="Japan") == network_html(kg, partner="Japan")


def test_write_network_replaces_the_file_atomically(kg: KG, tmp_path: Path) -> None:
    """Writes the page through a temporary file and leaves nothing else in the folder."""
    target = tmp_path / "out" / "network.html"
    target.parent.mkdir()
    target.write_text("old", encoding="utf-8")
    page = write_network(target, kg, focus="DAPA", depth=1)
    assert target.read_text(encoding="utf-8") == page.html
    assert [p.name for p in target.parent.iterdir()] == ["network.html"]


def test_notebook_iframe_escapes_the_page_as_an_attribute() -> None:
    """Wraps a page in one sandboxed iframe whose srcdoc gives back the page exactly."""
    html = '<!DOCTYPE html><p title="a&amp;b" data-x=\'y\'>"quoted" &lt;tag&gt;</p>'
    html += '<script>x="</iframe>"</script>'
    snippet = notebook_iframe(html, height=300)
    tags = parse(snippet).tags
    assert [tag for tag, _ in tags] == ["iframe"]
    (_, attrs), *_ = tags
    assert attrs["srcdoc"] == html
    assert attrs["sandbox"] == "allow-scripts"
    assert "300px" in (attrs["style"] or "")
    with pytest.raises(ValueError, match="height"):
        notebook_iframe(html, height=0)


@pytest.mark.slow
def test_making_a_page_and_charts_opens_no_connection(tmp_path: Path) -> None:
    """Renders the page and every chart with no socket, DNS or URL event (audit hook)."""
    script = r"""
import json, sys
events = []
sys.addaudithook(lambda e, a: events.append(e) if e.startswith(("socket.", "urllib.", "http.")) else None)
import natokg
from natokg.viz import write_network
from natokg.charts import heatmap, indicators_chart, top_gaps_chart
store = natokg.load_graph().store
write_network(sys.argv[1] + "/n.html", store, scenario="rok-joins-sto-eop")
heatmap(store, sys.argv[1] + "/h.svg"); indicators_chart(store, sys.argv[1] + "/i.png")
top_gaps_chart(store, sys.argv[1] + "/g.png")
print(json.dumps(events))
"""
    done = subprocess.run(
        [sys.executable, "-c", script, str(tmp_path)],
        capture_output=True,
        text=True,
        env=clean_env(),
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout) == []
    assert sorted(p.name for p in tmp_path.iterdir()) == ["g.png", "h.svg", "i.png", "n.html"]
