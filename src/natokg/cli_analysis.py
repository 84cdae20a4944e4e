"""The gap analysis commands: gaps, channels, brokers, suggest, robustness, scenario, gap-report.

Every command loads the shipped ontology with the data files (default: the shipped graph),
optionally a what-if overlay (``--scenario``) and a weights file (``--config``), projects the
graph onto NetworkX and prints a table, JSON, CSV or Markdown. The analysis modules (and
networkx, scipy) are imported inside the commands, so other commands do not pay for them.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from natokg._cli_app import MEMORY, PathsArgument, StoreOption, app, chosen_store, console, fail

if TYPE_CHECKING:
    from rich.table import Table

    from natokg.analysis.config import Config
    from natokg.analysis.gaps import Gap
    from natokg.analysis.project import KG
    from natokg.analysis.scenarios import Overlay

__all__ = ["OutputFormat", "resolve"]


class OutputFormat(StrEnum):
    """What the analysis commands print."""

    table = "table"
    json = "json"
    csv = "csv"
    md = "md"


PartnerOption = Annotated[
    str | None,
    typer.Option("--partner", "-p", help='A partner: IRI, nkgid:slug, slug or label ("ROK", "Japan").'),
]
TechnologyOption = Annotated[
    str | None,
    typer.Option("--technology", "-t", help='A technology: IRI, nkgid:slug, slug or label ("AI", "5G").'),
]
ScenarioOption = Annotated[
    str | None,
    typer.Option(
        "--scenario",
        "-s",
        help="Apply a what-if overlay: a shipped scenario (see `natokg scenario`) or a .ttl file.",
    ),
]
ConfigOption = Annotated[
    Path | None,
    typer.Option("--config", help="TOML file overriding any weights of natokg/analysis/weights.toml."),
]
FormatOption = Annotated[OutputFormat, typer.Option("--format", "-f", help="Output format.")]
OutputOption = Annotated[
    Path | None, typer.Option("--output", "-o", help="File to write (atomically); default: stdout.")
]
TopOption = Annotated[int | None, typer.Option("--top", "-n", min=1, help="Show at most this many rows.")]


@dataclass
class _Session:
    kg: KG
    config: Config
    overlay: Overlay | None
    #: Projects the data with an overlay (or none): memory from the files (cached on disk),
    #: any other store from the rows its projection queries returned, read once.
    project: Callable[[Overlay | None], KG]


def _project_files(files: list[Path], overlay: Overlay | None) -> KG:
    """Return the projection of `files` (and `overlay`), from the cache when it has it."""
    from natokg.analysis.cache import cached_projection
    from natokg.analysis.project import project_graphs
    from natokg.load import LoadError, parse_file

    def build() -> KG:
        try:
            graphs = [parse_file(path) for path in files]
        except LoadError as exc:
            fail(str(exc))
        return project_graphs([*graphs, overlay.graph] if overlay else graphs)

    return cached_projection([*files, *([overlay.path] if overlay else [])], build)


def _session(
    paths: list[str] | None, scenario: str | None, config_file: Path | None, store: str = MEMORY
) -> _Session:
    """Load the data (and overlay) and the weights, or fail with a clear message.

    With the memory store the files are parsed and projected directly; any other store is
    read through the projection's SPARQL queries, once.
    """
    from natokg import resources
    from natokg.analysis.config import ConfigError, load_config
    from natokg.load import LoadError

    try:
        config = load_config(config_file)
    except ConfigError as exc:
        fail(str(exc))
    opened = chosen_store(store, paths)
    overlay = None
    if scenario:
        from natokg.analysis.scenarios import ScenarioError, read_overlay

        try:
            overlay = read_overlay(scenario)
        except (LoadError, ScenarioError) as exc:
            fail(str(exc))
    if opened is None:
        files = [*resources.ontology_files(), *(Path(p) for p in paths or resources.graph_files())]

        def project(extra: Overlay | None) -> KG:
            return _project_files(files, extra)

    else:
        from natokg.analysis.project import project_rows, projection_rows

        try:
            rows = projection_rows(opened)
        except Exception as exc:  # a store can fail in its own ways (I/O, HTTP); say which store
            fail(f"{store}: cannot read the graph: {exc}")

        def project(extra: Overlay | None) -> KG:
            return project_rows(rows, [extra.graph] if extra else [])

    return _Session(project(overlay), config, overlay, project)


def resolve(kg: KG, text: str, kinds: Sequence[str], what: str) -> str:
    """Return the node of `kg` that `text` names: an IRI, ``nkgid:slug``, a slug or a label.

    Labels and alternative labels match without regard to case. An unknown or ambiguous
    name is an error that lists the candidates (`natokg.analysis.project.find_node`).
    """
    from natokg.analysis.project import UnknownNodeError, find_node

    try:
        return find_node(kg, text, kinds, what)
    except UnknownNodeError as exc:
        fail(str(exc))


def _emit(text: str, output: Path | None) -> None:
    """Print `text`, or write it atomically to `output`."""
    from natokg.export import write_atomic

    if output is None:
        typer.echo(text, nl=False)
        return
    if output.is_dir():
        fail(f"{output}: is a directory; give a file name")
    try:
        write_atomic(output, text.encode("utf-8"))
    except OSError as exc:
        fail(f"{output}: cannot write: {exc.strerror}")
    console(stderr=True).print(f"wrote {output}", soft_wrap=True, markup=False)


def _table_text(*items: Any) -> str:
    """Render rich renderables (tables, text) to plain text."""
    from rich.console import Console

    buffer = io.StringIO()
    out = Console(file=buffer, width=160, no_color=True, color_system=None, highlight=False)
    for item in items:
        out.print(item)
    return buffer.getvalue()


def _show(fmt: OutputFormat, output: Path | None, *items: Any) -> None:
    """Print rich renderables on the terminal, or as plain text into `output`."""
    if output is not None:
        _emit(_table_text(*items), output)
        return
    out = console()
    for item in items:
        out.print(item)


def _json(data: Any) -> str:
    return json.dumps(data, indent=2, ensure_ascii=False) + "\n"


def _csv(header: Sequence[str], rows: Sequence[Sequence[Any]]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)
    return buffer.getvalue()


def _paragraphs(numbers: Sequence[int]) -> str:
    from natokg.analysis.report import paragraphs_text

    return paragraphs_text(numbers)


def _table(title: str, columns: Sequence[tuple[str, str]]) -> Table:
    from rich import box
    from rich.table import Table

    table = Table(title=title, box=box.SIMPLE, title_justify="left", pad_edge=False, collapse_padding=True)
    for name, justify in columns:
        table.add_column(name, justify="right" if justify == "r" else "left")
    return table


# ---------------------------------------------------------------------------
# natokg gaps
# ---------------------------------------------------------------------------


def _without_claims(kg: KG, config: Config) -> list[str]:
    from natokg.analysis._index import Index
    from natokg.analysis.project import partners

    index = Index(kg)
    return [
        p
        for p in partners(kg, config.texts("partners.relations"))
        if not index.claims_for("CapabilityClaim", index.actors_of(p))
    ]


@app.command()
def gaps(
    paths: PathsArgument = None,
    store: StoreOption = MEMORY,
    partner: PartnerOption = None,
    technology: TechnologyOption = None,
    top: TopOption = None,
    scenario: ScenarioOption = None,
    config_file: ConfigOption = None,
    fmt: FormatOption = OutputFormat.table,
    output: OutputOption = None,
    explain: Annotated[
        tuple[str, str] | None,
        typer.Option("--explain", metavar="PARTNER TECHNOLOGY", help="Show one gap with all its evidence."),
    ] = None,
) -> None:
    """Rank the technology gaps: score = S (strength) x W (priority) x (1 - C (coverage)).

    A gap is a technology on which a partner is strong (capability claims) while NATO has
    little or no cooperation with it (cooperation activities). JSON: {"gaps": [...], "params":
    {...}}, each gap with partner, technology, labels, score, strength, coverage, priority and
    evidence (claims, paragraphs, quotes).
    """
    from natokg.analysis.gaps import explain_gap, technology_gaps

    session = _session(paths, scenario, config_file, store)
    kg, config = session.kg, session.config
    if explain is not None:
        who = resolve(kg, explain[0], ["nation"], "partner")
        what = resolve(kg, explain[1], ["technology"], "technology")
        _print_explanation(explain_gap(kg, who, what, config), config, fmt, output)
        return
    chosen = resolve(kg, partner, ["nation"], "partner") if partner else None
    tech = resolve(kg, technology, ["technology"], "technology") if technology else None
    found = technology_gaps(kg, config, partner=chosen, technology=tech)
    shown = found[:top] if top else found
    missing = [p for p in _without_claims(kg, config) if chosen in (None, p)]
    missing_labels = [str(kg.nodes[p]["label"]) for p in missing]
    if fmt is OutputFormat.json:
        data = {
            "gaps": [gap.to_dict() for gap in shown],
            "params": config.as_dict(),
            "config": config.source,
            "scenario": session.overlay.scenario if session.overlay else None,
            "total": len(found),
            "partners_without_claims": missing,
        }
        _emit(_json(data), output)
    elif fmt is OutputFormat.csv:
        _emit(_gaps_csv(shown), output)
    elif fmt is OutputFormat.md:
        from natokg.analysis.report import gaps_markdown

        _emit(gaps_markdown(shown), output)
    else:
        _show(fmt, output, *_gaps_table(shown, len(found), missing_labels, session))


def _gaps_csv(found: Sequence[Gap]) -> str:
    rows = []
    for rank, gap in enumerate(found, start=1):
        rows.append(
            [
                rank,
                gap.partner,
                gap.partner_label,
                gap.technology,
                gap.technology_label,
                f"{gap.score:.4f}",
                f"{gap.strength:.4f}",
                f"{gap.coverage:.4f}",
                f"{gap.priority:.4f}",
                " ".join(str(p) for p in gap.paragraphs),
                gap.coverage_note,
                "; ".join(f"{r.reason} +{r.weight:.2f}" for r in gap.priority_reasons),
                " ".join(e.claim for e in gap.strength_evidence),
            ]
        )
    header = [
        "rank",
        "partner",
        "partner_label",
        "technology",
        "technology_label",
        "score",
        "strength",
        "coverage",
        "priority",
        "paragraphs",
        "coverage_note",
        "priority_reasons",
        "strength_claims",
    ]
    return _csv(header, rows)


def _short(kg: KG, node: str, longest: int) -> str:
    """Return `node`'s label, or its shortest acronym when the label is longer than `longest`."""
    data = kg.nodes[node] if node in kg else {}
    label = str(data.get("label", node))
    acronyms = [str(a) for a in data.get("alt_labels", []) if 1 < len(str(a)) < len(label)]
    if len(label) > longest and acronyms:
        return min(acronyms, key=lambda a: (len(a), a))
    return label


def _gaps_table(found: Sequence[Gap], total: int, missing: Sequence[str], session: _Session) -> list[Any]:
    from rich.text import Text

    title = "Technology gaps: score = S x W x (1 - C)"
    if session.overlay:
        title += f"  [scenario: {session.overlay.name}]"
    table = _table(
        title,
        [
            *(("#", "r"), ("partner", "l"), ("technology", "l"), ("score", "r")),
            *(("S", "r"), ("W", "r"), ("C", "r"), ("cooperation found", "l"), ("strength cited in", "l")),
        ],
    )
    for rank, gap in enumerate(found, start=1):
        table.add_row(
            str(rank),
            _short(session.kg, gap.partner, 12),
            _short(session.kg, gap.technology, 24),
            f"{gap.score:.2f}",
            f"{gap.strength:.2f}",
            f"{gap.priority:.2f}",
            f"{gap.coverage:.2f}",
            gap.coverage_brief,
            _paragraphs(gap.strength_paragraphs),
        )
    notes = [f"{len(found)} of {total} gaps shown; weights: {session.config.source}."]
    if missing:
        notes.append(f"No capability claims, so no technology gaps: {', '.join(missing)}.")
    notes.append("Evidence of one gap: natokg gaps --explain PARTNER TECHNOLOGY")
    return [table, Text("\n".join(notes))]


def _print_explanation(gap: Gap, config: Config, fmt: OutputFormat, output: Path | None) -> None:
    from rich.text import Text

    from natokg.analysis.report import explain_markdown

    if fmt is OutputFormat.json:
        _emit(_json({"gap": gap.to_dict(), "params": config.as_dict(), "config": config.source}), output)
        return
    if fmt is OutputFormat.md:
        _emit(explain_markdown(gap, heading="#"), output)
        return
    if fmt is OutputFormat.csv:
        fail("--explain prints table, json or md, not csv")
    head = Text(
        f"{gap.partner_label}: {gap.technology_label}\n"
        f"score {gap.score:.2f} = S {gap.strength:.2f} x W {gap.priority:.2f} x (1 - C {gap.coverage:.2f})",
        style="bold",
    )
    strength = _table(
        f"Strength S = {gap.strength:.2f} (highest value)",
        [("value", "r"), ("level", "l"), ("via", "l"), ("claim", "l"), ("paragraphs", "l"), ("quote", "l")],
    )
    for item in gap.strength_evidence:
        strength.add_row(
            f"{item.value:.2f}",
            item.level,
            f"{item.via}: {item.holder_label} / {item.technology_label}",
            item.label + (" [assumed]" if item.assumed_in else ""),
            _paragraphs([r.paragraph for r in item.sources if r.paragraph is not None]),
            item.quotes[0] if item.quotes else "",
        )
    coverage = _table(
        f"Coverage C = {gap.coverage:.2f}: {gap.coverage_note}",
        [
            ("value", "r"),
            ("status", "l"),
            ("with", "l"),
            ("match", "l"),
            ("activity", "l"),
            ("paragraphs", "l"),
        ],
    )
    for cov in gap.coverage_evidence:
        coverage.add_row(
            f"{cov.value:.2f}",
            cov.status,
            f"{', '.join(cov.counterpart_labels)} ({cov.counterpart})",
            f"{cov.match}: {cov.technology_label}",
            cov.label + (" [assumed]" if cov.assumed_in else ""),
            _paragraphs([r.paragraph for r in cov.sources if r.paragraph is not None]),
        )
    if not gap.coverage_evidence:
        coverage.add_row(
            "-",
            "",
            "",
            "",
            "none found: no activity with NATO or an Ally on it or a neighbouring concept",
            "",
        )
    if not gap.strength_evidence:
        strength.add_row(
            "-", "", "", "no capability claim of the partner on it or a narrower concept", "", ""
        )
    priority = _table(
        f"Priority W = {gap.priority:.2f} (sum)",
        [("adds", "r"), ("reason", "l"), ("why", "l"), ("paragraphs", "l")],
    )
    for reason in gap.priority_reasons:
        priority.add_row(
            f"+{reason.weight:.2f}",
            reason.reason,
            reason.text,
            _paragraphs([r.paragraph for r in reason.sources if r.paragraph is not None]),
        )
    _show(fmt, output, head, strength, coverage, priority)


# ---------------------------------------------------------------------------
# natokg channels
# ---------------------------------------------------------------------------


@app.command()
def channels(
    paths: PathsArgument = None,
    store: StoreOption = MEMORY,
    partner: PartnerOption = None,
    scenario: ScenarioOption = None,
    config_file: ConfigOption = None,
    fmt: FormatOption = OutputFormat.table,
    output: OutputOption = None,
) -> None:
    """Show the channel gaps: NATO channels a partner does not use, agencies without a NATO tie."""
    from natokg.analysis.channels import agency_gaps, assessed_partners, channel_gaps, channel_use

    session = _session(paths, scenario, config_file, store)
    kg, config = session.kg, session.config
    chosen = resolve(kg, partner, ["nation"], "partner") if partner else None
    found = channel_gaps(kg, config, partner=chosen)
    agencies = agency_gaps(kg, config, partner=chosen)
    not_assessed = [p for p in assessed_partners(kg, config)[1] if chosen in (None, p)]
    if fmt is OutputFormat.json:
        data = {
            "channel_gaps": [g.to_dict() for g in found],
            "agency_gaps": [g.to_dict() for g in agencies],
            "channel_use": [s.to_dict() for s in channel_use(kg, config, partner=chosen)],
            "not_assessed": not_assessed,
            "params": config.as_dict()["channels"],
            "scenario": session.overlay.scenario if session.overlay else None,
        }
        _emit(_json(data), output)
        return
    if fmt is OutputFormat.csv:
        rows = [
            [
                *(g.partner, g.partner_label, g.channel, g.channel_label, g.status, f"{g.score:.2f}"),
                *(" ".join(str(p) for p in g.paragraphs), "; ".join(t.claim for t in g.reasons)),
            ]
            for g in found
        ]
        header = [
            "partner",
            "partner_label",
            "channel",
            "channel_label",
            "status",
            "score",
            "paragraphs",
            "claims",
        ]
        _emit(_csv(header, rows), output)
        return
    from natokg.analysis.report import agencies_markdown, channels_markdown

    if fmt is OutputFormat.md:
        _emit(
            "## Channel gaps\n\n"
            + channels_markdown(found)
            + "\n## Agencies\n\n"
            + agencies_markdown(agencies),
            output,
        )
        return
    from rich.text import Text

    table = _table(
        "Channel gaps", [("partner", "l"), ("channel", "l"), ("flag", "l"), ("why", "l"), ("paragraphs", "l")]
    )
    for gap in found:
        why = "; ".join(f"{t.kind}: {t.label}" for t in gap.reasons) or "no membership or activity found"
        table.add_row(gap.partner_label, gap.channel_label, gap.status, why, _paragraphs(gap.paragraphs))
    agency_table = _table(
        "Partner agencies without a tie to NATO",
        [("partner", "l"), ("agency", "l"), ("status", "l"), ("nearest tie", "l"), ("paragraphs", "l")],
    )
    for agency in agencies:
        if agency.ally_ties:
            near = "; ".join(f"{t.label} (with {t.through_label})" for t in agency.ally_ties)
        elif agency.parent_label:
            near = f"parent {agency.parent_label}: " + "; ".join(t.label for t in agency.parent_ties)
        else:
            near = "none"
        agency_table.add_row(
            agency.partner_label, agency.agency_label, agency.status, near, _paragraphs(agency.paragraphs)
        )
    note = []
    if not_assessed:
        labels = ", ".join(str(kg.nodes[p]["label"]) for p in not_assessed)
        note.append(f"Not assessed (no membership or non-membership in the graph): {labels}.")
    _show(fmt, output, table, agency_table, Text("\n".join(note)))


# ---------------------------------------------------------------------------
# natokg brokers
# ---------------------------------------------------------------------------


@app.command()
def brokers(
    paths: PathsArgument = None,
    store: StoreOption = MEMORY,
    partner: PartnerOption = None,
    top: TopOption = None,
    scenario: ScenarioOption = None,
    config_file: ConfigOption = None,
    fmt: FormatOption = OutputFormat.table,
    output: OutputOption = None,
) -> None:
    """Rank the organisations and programmes that bridge NATO and the partners.

    Betweenness, Burt's constraint, cut vertices and communities of the tie graph, and for
    each partner its direct ties to NATO and the nodes its paths to NATO go through.
    """
    from natokg.analysis.metrics import brokerage

    session = _session(paths, scenario, config_file, store)
    kg, config = session.kg, session.config
    chosen = resolve(kg, partner, ["nation"], "partner") if partner else None
    result = brokerage(kg, config, top=top)
    if fmt is OutputFormat.json:
        data = result.to_dict()
        if chosen:
            data["partners"] = [b for b in data["partners"] if b["partner"] == chosen]
        data["params"] = config.as_dict()["metrics"]
        _emit(_json(data), output)
        return
    if fmt is OutputFormat.csv:
        rows = [
            [
                *(b.node, b.label, b.kind, f"{b.betweenness:.4f}"),
                "" if b.constraint is None else f"{b.constraint:.4f}",
                *(str(b.articulation).lower(), b.community, b.degree),
            ]
            for b in result.brokers
        ]
        header = ["node", "label", "kind", "betweenness", "constraint", "cut_vertex", "community", "degree"]
        _emit(_csv(header, rows), output)
        return
    from natokg.analysis.report import brokers_markdown

    labels = {b.partner: b.partner_label for b in result.bridges}
    if fmt is OutputFormat.md:
        _emit(brokers_markdown(result, labels, top or len(result.brokers)), output)
        return
    table = _table(
        f"Brokers (tie graph: {result.nodes} nodes, {result.edges} ties"
        + (", betweenness sampled)" if result.sampled else ")"),
        [
            *(("broker", "l"), ("kind", "l"), ("betweenness", "r"), ("constraint", "r")),
            *(("cut vertex", "l"), ("share of partners' shortest paths to NATO", "l")),
        ],
    )
    for b in result.brokers:
        shares = ", ".join(f"{labels.get(p, p)} {v:.0%}" for p, v in b.partners.items() if v >= 0.005)
        table.add_row(
            b.label,
            b.kind,
            f"{b.betweenness:.3f}",
            "-" if b.constraint is None else f"{b.constraint:.2f}",
            "yes" if b.articulation else "no",
            shares or "-",
        )
    bridges = _table(
        "How each partner reaches NATO",
        [("partner", "l"), ("direct ties (claims)", "l"), ("through", "l"), ("cannot do without", "l")],
    )
    for bridge in result.bridges:
        if chosen and bridge.partner != chosen:
            continue
        bridges.add_row(
            bridge.partner_label,
            ", ".join(f"{result.labels.get(n, n)} ({c})" for n, c in bridge.direct) or "none",
            ", ".join(f"{result.labels.get(n, n)} {s:.0%}" for n, s in bridge.through[:4]) or "-",
            ", ".join(result.labels.get(n, n) for n in bridge.sole) or "-",
        )
    _show(fmt, output, table, bridges)


# ---------------------------------------------------------------------------
# natokg suggest
# ---------------------------------------------------------------------------


@app.command()
def suggest(
    paths: PathsArgument = None,
    store: StoreOption = MEMORY,
    partner: PartnerOption = None,
    top: TopOption = None,
    method: Annotated[
        str | None, typer.Option("--method", "-m", help="l3n (default), l3 or pa (the baseline).")
    ] = None,
    evaluate: Annotated[
        bool, typer.Option("--evaluate/--no-evaluate", help="Also hide known edges and score the methods.")
    ] = True,
    scenario: ScenarioOption = None,
    config_file: ConfigOption = None,
    fmt: FormatOption = OutputFormat.table,
    output: OutputOption = None,
) -> None:
    """Suggest channels each partner is likely to use next: suggestions, never facts.

    With an honest evaluation: AUC and precision@k on hidden edges, next to preferential
    attachment and a random ranking.
    """
    from natokg.analysis.links import METHODS, evaluate_links, suggest_links

    if method is not None and method not in METHODS:
        fail(f"--method must be one of {', '.join(METHODS)}, not {method!r}")
    session = _session(paths, scenario, config_file, store)
    kg, config = session.kg, session.config
    chosen = resolve(kg, partner, ["nation"], "partner") if partner else None
    found = suggest_links(kg, config, partner=chosen, method=method, top=top)
    evaluation = evaluate_links(kg, config) if evaluate else None
    if fmt is OutputFormat.json:
        data = {
            "suggestions": [s.to_dict() for s in found],
            "evaluation": evaluation.to_dict() if evaluation else None,
            "params": config.as_dict()["links"],
        }
        _emit(_json(data), output)
        return
    if fmt is OutputFormat.csv:
        rows = [
            [
                *(s.partner, s.partner_label, s.channel, s.channel_label, s.method, f"{s.score:.4f}"),
                *(s.assertion, " ".join(c for c, _ in s.recommended)),
            ]
            for s in found
        ]
        header = ["partner", "partner_label", "channel", "channel_label", "method", "score", "assertion"]
        _emit(_csv([*header, "recommended_by"], rows), output)
        return
    from natokg.analysis.report import suggestions_markdown

    if fmt is OutputFormat.md:
        _emit(suggestions_markdown(found, evaluation), output)
        return
    from rich.text import Text

    table = _table(
        "Suggested links (suggestions, not facts)",
        [("partner", "l"), ("channel", "l"), ("score", "r"), ("because", "l"), ("the report", "l")],
    )
    for s in found:
        because = "; ".join(f"shares {', '.join(shared)} with {lab}" for _, lab, shared in s.via) or "-"
        said = [
            f"recommends it ({_paragraphs([r.paragraph for r in refs if r.paragraph])})"
            for _, refs in s.recommended
        ]
        said += [
            f"says not a member ({_paragraphs([r.paragraph for r in refs if r.paragraph])})"
            for _, refs in s.stated_non_member
        ]
        table.add_row(s.partner_label, s.channel_label, f"{s.score:.2f}", because, "; ".join(said) or "-")
    items: list[Any] = [table]
    if evaluation is not None:
        figures = _table(
            f"Evaluation: {evaluation.rounds} rounds, {evaluation.hidden} of {evaluation.edges} edges "
            f"hidden, among {evaluation.candidates} candidate pairs, k = {evaluation.k}",
            [("method", "l"), ("AUC", "r"), ("sd", "r"), ("precision@k", "r"), ("sd", "r")],
        )
        for m in evaluation.methods:
            figures.add_row(
                m.method, f"{m.auc:.2f}", f"{m.auc_sd:.2f}", f"{m.precision:.2f}", f"{m.precision_sd:.2f}"
            )
        items += [figures, Text(evaluation.verdict)]
    _show(fmt, output, *items)


# ---------------------------------------------------------------------------
# natokg robustness
# ---------------------------------------------------------------------------


@app.command()
def robustness(
    paths: PathsArgument = None,
    store: StoreOption = MEMORY,
    samples: Annotated[
        int | None, typer.Option("--samples", min=0, help="Random draws with every weight moved at once.")
    ] = None,
    config_file: ConfigOption = None,
    fmt: FormatOption = OutputFormat.table,
    output: OutputOption = None,
) -> None:
    """Move every weight of the gap score by +-20 % and show how stable the ranking is.

    Kendall's tau, the share of the top 10 that stays, and each top gap's rank range.
    """
    from natokg.analysis.robustness import robustness as study_of

    session = _session(paths, None, config_file, store)
    study = study_of(session.kg, session.config, samples=samples)
    if fmt is OutputFormat.json:
        data = study.to_dict()
        data["params"] = session.config.as_dict()["robustness"]
        _emit(_json(data), output)
        return
    if fmt is OutputFormat.csv:
        rows = [
            [g.rank, g.partner_label, g.technology_label, f"{g.score:.4f}", f"{g.stays:.4f}", g.best, g.worst]
            for g in study.gaps
        ]
        _emit(_csv(["rank", "partner", "technology", "score", "stays_in_top", "best", "worst"], rows), output)
        return
    from natokg.analysis.report import robustness_markdown

    if fmt is OutputFormat.md:
        _emit(robustness_markdown(study), output)
        return
    from rich.text import Text

    summary = study.summary()
    figures = _table(
        f"Ranking stability, weights moved by +-{study.spread:.0%} ({study.candidates} candidate gaps)",
        [
            *(("perturbation", "l"), ("runs", "r"), ("tau min", "r"), ("tau median", "r")),
            *((f"top-{study.top} kept min", "r"), ("median", "r")),
        ],
    )
    for name, key in (("one weight at a time", "one_at_a_time"), ("all weights at random", "all_at_once")):
        s = summary[key]
        figures.add_row(
            name,
            str(s["runs"]),
            f"{s['tau_min']:.2f}",
            f"{s['tau_median']:.2f}",
            f"{s['top_overlap_min']:.0%}",
            f"{s['top_overlap_median']:.0%}",
        )
    per_gap = _table(
        f"The default top {study.top}",
        [
            ("#", "r"),
            ("partner", "l"),
            ("technology", "l"),
            ("score", "r"),
            ("stays in top", "r"),
            ("ranks", "l"),
        ],
    )
    for g in study.gaps:
        per_gap.add_row(
            str(g.rank),
            g.partner_label,
            g.technology_label,
            f"{g.score:.2f}",
            f"{g.stays:.0%}",
            f"{g.best}-{g.worst}",
        )
    sensitive = "; ".join(
        ", ".join(f"{n} x{f:.1f}" for n, f in p.weights.items()) + f" (tau {p.tau:.2f})"
        for p in study.sensitive_weights(3)
    )
    _show(fmt, output, figures, per_gap, Text(f"Most sensitive: {sensitive}"))


# ---------------------------------------------------------------------------
# natokg scenario
# ---------------------------------------------------------------------------


@app.command()
def scenario(
    name: Annotated[
        str | None,
        typer.Argument(help="A shipped scenario (file stem) or a .ttl file; none: list the shipped ones."),
    ] = None,
    paths: PathsArgument = None,
    store: StoreOption = MEMORY,
    config_file: ConfigOption = None,
    fmt: FormatOption = OutputFormat.table,
    output: OutputOption = None,
) -> None:
    """Apply a what-if overlay (scenarios/*.ttl), recompute, and show what changed."""
    from natokg.analysis.scenarios import ScenarioError, list_scenarios, read_overlay

    if name is None:
        rows = []
        for path in list_scenarios():
            try:
                overlay = read_overlay(path)
            except ScenarioError as exc:
                fail(str(exc))
            rows.append((overlay.name, overlay.label))
        if fmt is OutputFormat.json:
            _emit(_json([{"name": n, "label": lab} for n, lab in rows]), output)
            return
        table = _table("What-if scenarios (natokg scenario NAME)", [("name", "l"), ("assumes", "l")])
        for row in rows:
            table.add_row(*row)
        _show(fmt, output, table)
        return
    from natokg.analysis.scenarios import analyse, compare

    session = _session(paths, name, config_file, store)
    assert session.overlay is not None
    before = analyse(session.project(None), session.config)
    after = analyse(session.kg, session.config)
    diff = compare(before, after, session.overlay, session.kg)
    if fmt is OutputFormat.json:
        _emit(_json(diff.to_dict()), output)
        return
    from natokg.analysis.report import scenario_markdown

    text = scenario_markdown(diff)
    if fmt is OutputFormat.md:
        _emit(text, output)
        return
    if fmt is OutputFormat.csv:
        rows2 = [
            [c.partner_label, c.technology_label, c.change, f"{c.before:.4f}", f"{c.after:.4f}"]
            for c in diff.gaps
        ]
        _emit(_csv(["partner", "technology", "change", "score_before", "score_after"], rows2), output)
        return
    from rich.markdown import Markdown

    _show(fmt, output, Markdown(text))


# ---------------------------------------------------------------------------
# natokg gap-report
# ---------------------------------------------------------------------------


@app.command("gap-report")
def gap_report_command(
    paths: PathsArgument = None,
    store: StoreOption = MEMORY,
    output: OutputOption = None,
    top: Annotated[int, typer.Option("--top", "-n", min=1, help="Gaps shown with all their evidence.")] = 10,
    scenario: ScenarioOption = None,
    config_file: ConfigOption = None,
    samples: Annotated[
        int | None,
        typer.Option("--samples", min=0, help="Robustness: random draws (default from the config)."),
    ] = None,
) -> None:
    """Write the Markdown gap report (default: to stdout).

    Top gaps with their evidence and paragraphs, channel gaps, agencies, brokers, suggested
    links, robustness, and what each shipped what-if scenario changes.
    """
    from natokg import __version__
    from natokg.analysis.channels import agency_gaps, assessed_partners, channel_gaps
    from natokg.analysis.gaps import technology_gaps
    from natokg.analysis.links import evaluate_links, suggest_links
    from natokg.analysis.metrics import brokerage
    from natokg.analysis.report import gap_report
    from natokg.analysis.robustness import robustness as study_of
    from natokg.analysis.scenarios import ScenarioError, analyse, compare, list_scenarios, read_overlay

    session = _session(paths, scenario, config_file, store)
    kg, config = session.kg, session.config
    diffs = []
    if scenario is None:
        base = analyse(kg, config)
        for path in list_scenarios():
            try:
                overlay = read_overlay(path)
            except ScenarioError as exc:
                fail(str(exc))
            with_overlay = session.project(overlay)
            diffs.append(compare(base, analyse(with_overlay, config), overlay, with_overlay))
    text = gap_report(
        gaps=technology_gaps(kg, config),
        config=config,
        no_claims=[str(kg.nodes[p]["label"]) for p in _without_claims(kg, config)],
        channel_gaps=channel_gaps(kg, config),
        not_assessed=[str(kg.nodes[p]["label"]) for p in assessed_partners(kg, config)[1]],
        agency_gaps=agency_gaps(kg, config),
        brokerage=brokerage(kg, config),
        suggestions=suggest_links(kg, config, top=3),
        evaluation=evaluate_links(kg, config),
        robustness=study_of(kg, config, samples=samples),
        scenarios=diffs,
        top=top,
        version=__version__,
    )
    _emit(text, output)
