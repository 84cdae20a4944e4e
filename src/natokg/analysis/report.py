"""The Markdown gap report: top gaps with their evidence, channel gaps, brokers, what-ifs.

Pure text from results computed elsewhere, so the same input gives the same bytes (no
date, no timing). Every label and quote from the data is escaped for Markdown tables.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # for annotations only: rendering one section needs none of the others
    from natokg.analysis._index import SourceRef
    from natokg.analysis.channels import AgencyGap, ChannelGap
    from natokg.analysis.config import Config
    from natokg.analysis.gaps import Gap
    from natokg.analysis.links import LinkEvaluation, Suggestion
    from natokg.analysis.metrics import Brokerage
    from natokg.analysis.robustness import Robustness
    from natokg.analysis.scenarios import ScenarioDiff

__all__ = [
    "agencies_markdown",
    "brokers_markdown",
    "cell",
    "channels_markdown",
    "explain_markdown",
    "gap_report",
    "gaps_markdown",
    "paragraphs_text",
    "robustness_markdown",
    "scenario_markdown",
    "suggestions_markdown",
]

_TIMES = "\u00d7"  # the multiplication sign, kept out of the source's literals
_MINUS = "\u2212"


def cell(text: object) -> str:
    r"""Return `text` safe for a Markdown table cell (pipes escaped, one line).

    Examples
    --------
    >>> cell("a | b\nc")
    'a \\| b c'
    """
    return " ".join(str(text).split()).replace("\\", "\\\\").replace("|", "\\|")


def paragraphs_text(numbers: Iterable[int]) -> str:
    """Return paragraph numbers as text: ``"¶ 17, 20"``, or ``"-"`` when there are none."""
    found = sorted(set(numbers))
    return "¶ " + ", ".join(str(n) for n in found) if found else "-"


def _refs(refs: Sequence[SourceRef]) -> str:
    return paragraphs_text(r.paragraph for r in refs if r.paragraph is not None)


def _quote(quotes: Sequence[str]) -> str:
    return f' "{cell(quotes[0])}"' if quotes else ""


def gaps_markdown(gaps: Sequence[Gap], robustness: Robustness | None = None) -> str:
    """Return the ranked gaps as a Markdown table (with each top gap's stability, if given)."""
    stays = {(g.partner, g.technology): g.stays for g in robustness.gaps} if robustness else {}
    head = "| # | partner | technology | score | S | W | C | cooperation found | strength cited in |"
    rule = "|---:|---|---|---:|---:|---:|---:|---|---|"
    if stays:
        head += " stays in top |"
        rule += "---:|"
    lines = [head, rule]
    for rank, gap in enumerate(gaps, start=1):
        row = (
            f"| {rank} | {cell(gap.partner_label)} | {cell(gap.technology_label)} | {gap.score:.2f} | "
            f"{gap.strength:.2f} | {gap.priority:.2f} | {gap.coverage:.2f} | {cell(gap.coverage_brief)} | "
            f"{paragraphs_text(gap.strength_paragraphs)} |"
        )
        key = (gap.partner, gap.technology)
        if stays:
            row += f" {stays[key]:.0%} |" if key in stays else " - |"
        lines.append(row)
    return "\n".join(lines) + "\n"


def explain_markdown(gap: Gap, heading: str = "###") -> str:
    """Return one gap and all its evidence as Markdown."""
    lines = [
        f"{heading} {cell(gap.partner_label)}: {cell(gap.technology_label)} (score {gap.score:.2f})",
        "",
        f"score = S {gap.strength:.2f} {_TIMES} W {gap.priority:.2f} {_TIMES} "
        f"(1 {_MINUS} C {gap.coverage:.2f}) = {gap.score:.2f}",
        "",
        f"**Strength {gap.strength:.2f}**: what the report says the partner can do.",
        "",
    ]
    if not gap.strength_evidence:
        lines.append("- no capability claim of the partner on this technology or a narrower one")
    for item in gap.strength_evidence:
        assumed = " *(assumed in a scenario)*" if item.assumed_in else ""
        lines.append(
            f"- {item.value:.2f}: {cell(item.label)} ({item.level}, {item.via}; "
            f"{cell(item.holder_label)} on {cell(item.technology_label)}; {_refs(item.sources)})"
            f"{_quote(item.quotes)}{assumed}"
        )
    lines += ["", f"**Coverage {gap.coverage:.2f}**: {cell(gap.coverage_note)}.", ""]
    for cov in gap.coverage_evidence:
        counted = "" if cov.counted else ", counts for nothing"
        assumed = " *(assumed in a scenario)*" if cov.assumed_in else ""
        lines.append(
            f"- {cov.value:.2f}: {cell(cov.label)} ({cov.status.lower()}{counted}; with "
            f"{cell(', '.join(cov.counterpart_labels))} [{cov.counterpart}]; {cov.match} match on "
            f"{cell(cov.technology_label)}; {_refs(cov.sources)}){_quote(cov.quotes)}{assumed}"
        )
    if not gap.coverage_evidence:
        lines.append(
            "- no cooperation activity of the partner with NATO or an Ally on this technology "
            "or a neighbouring concept"
        )
    lines += ["", f"**Priority {gap.priority:.2f}**: why the technology matters to NATO.", ""]
    for reason in gap.priority_reasons:
        lines.append(f"- +{reason.weight:.2f} {reason.reason}: {cell(reason.text)} ({_refs(reason.sources)})")
    return "\n".join(lines) + "\n"


def channels_markdown(gaps: Sequence[ChannelGap]) -> str:
    """Return the channel gaps as a Markdown table."""
    lines = ["| partner | channel | flag | why | paragraphs |", "|---|---|---|---|---|"]
    for gap in gaps:
        why = (
            "; ".join(f"{tie.kind}: {tie.label}" for tie in gap.reasons) or "no membership or activity found"
        )
        lines.append(
            f"| {cell(gap.partner_label)} | {cell(gap.channel_label)} | {gap.status} | {cell(why)} | "
            f"{paragraphs_text(gap.paragraphs)} |"
        )
    return "\n".join(lines) + "\n"


def agencies_markdown(gaps: Sequence[AgencyGap]) -> str:
    """Return the agency gaps as a Markdown table."""
    lines = ["| partner | agency | status | nearest tie | paragraphs |", "|---|---|---|---|---|"]
    for gap in gaps:
        if gap.ally_ties:
            near = "; ".join(f"{t.label} (with {t.through_label})" for t in gap.ally_ties)
        elif gap.parent_label:
            near = f"its parent {gap.parent_label}: " + "; ".join(t.label for t in gap.parent_ties)
        else:
            near = "none"
        lines.append(
            f"| {cell(gap.partner_label)} | {cell(gap.agency_label)} | {gap.status} | {cell(near)} | "
            f"{paragraphs_text(gap.paragraphs)} |"
        )
    return "\n".join(lines) + "\n"


def brokers_markdown(result: Brokerage, partner_labels: dict[str, str], top: int) -> str:
    """Return the brokers and each partner's direct ties as Markdown."""
    lines = [
        "| broker | kind | betweenness | constraint | cut vertex | share of partners' paths to NATO |",
        "|---|---|---:|---:|---|---|",
    ]
    for broker in result.brokers[:top]:
        shares = ", ".join(
            f"{partner_labels.get(p, p)} {v:.0%}" for p, v in sorted(broker.partners.items()) if v >= 0.005
        )
        constraint = "-" if broker.constraint is None else f"{broker.constraint:.2f}"
        lines.append(
            f"| {cell(broker.label)} | {broker.kind} | {broker.betweenness:.3f} | {constraint} | "
            f"{'yes' if broker.articulation else 'no'} | {cell(shares or '-')} |"
        )
    lines += [
        "",
        "Direct ties of each partner to NATO bodies and NATO-run programmes (claims behind each):",
        "",
    ]
    for bridge in result.bridges:
        direct = ", ".join(f"{result.labels.get(n, n)} ({c})" for n, c in bridge.direct) or "none"
        lines.append(f"- **{cell(bridge.partner_label)}**: {cell(direct)}")
    return "\n".join(lines) + "\n"


def suggestions_markdown(suggestions: Sequence[Suggestion], evaluation: LinkEvaluation | None) -> str:
    """Return the suggested links and their evaluation as Markdown."""
    lines = [
        "Suggestions, not facts: scored from the channels partners share (paths of length 3).",
        "",
        "| partner | channel | score | because | the report |",
        "|---|---|---:|---|---|",
    ]
    for s in suggestions:
        because = "; ".join(f"shares {', '.join(shared)} with {lab}" for _, lab, shared in s.via) or "-"
        report = []
        for _, refs in s.recommended:
            report.append(f"recommends it ({_refs(refs)})")
        for _, refs in s.stated_non_member:
            report.append(f"says not a member ({_refs(refs)})")
        lines.append(
            f"| {cell(s.partner_label)} | {cell(s.channel_label)} | {s.score:.2f} | {cell(because)} | "
            f"{cell('; '.join(report) or '-')} |"
        )
    if evaluation is not None:
        lines += ["", "| method | AUC | sd | precision@k | sd |", "|---|---:|---:|---:|---:|"]
        for m in evaluation.methods:
            lines.append(
                f"| {m.method} | {m.auc:.2f} | {m.auc_sd:.2f} | {m.precision:.2f} | {m.precision_sd:.2f} |"
            )
        lines += [
            "",
            f"Evaluation: {evaluation.rounds} rounds, {evaluation.hidden} of {evaluation.edges} edges hidden "
            f"each, ranked among {evaluation.candidates} candidate pairs, k = {evaluation.k}. "
            f"{cell(evaluation.verdict)}",
        ]
    return "\n".join(lines) + "\n"


def robustness_markdown(study: Robustness) -> str:
    """Return the robustness study's headline figures as Markdown."""
    summary = study.summary()
    one, many = summary["one_at_a_time"], summary["all_at_once"]
    lines = [
        f"Every weight of the score moved by ±{study.spread:.0%}: one at a time ({one['runs']} runs) and "
        f"all at once at random ({many['runs']} runs); {study.candidates} candidate gaps ranked each time.",
        "",
        f"| perturbation | Kendall's tau (min / median) | top-{study.top} kept (min / median) |",
        "|---|---|---|",
        f"| one weight at a time | {one['tau_min']:.2f} / {one['tau_median']:.2f} | "
        f"{one['top_overlap_min']:.0%} / {one['top_overlap_median']:.0%} |",
        f"| all weights at once | {many['tau_min']:.2f} / {many['tau_median']:.2f} | "
        f"{many['top_overlap_min']:.0%} / {many['top_overlap_median']:.0%} |",
        "",
        "Weights the ranking is most sensitive to: "
        + "; ".join(
            ", ".join(f"{name} {_TIMES}{factor:.1f}" for name, factor in p.weights.items())
            + f" (tau {p.tau:.2f}, top kept {p.overlap:.0%})"
            for p in study.sensitive_weights(3)
        )
        + ".",
    ]
    return "\n".join(lines) + "\n"


def scenario_markdown(diff: ScenarioDiff) -> str:
    """Return what a scenario changes as a Markdown section."""
    lines = [f"### {cell(diff.label)} (`{diff.name}`)", "", cell(diff.comment), ""]
    for _, lab, paras in diff.assumed:
        lines.append(f"- assumes: {cell(lab)} ({paragraphs_text(paras)})")
    for _, lab, paras in diff.conflicts:
        lines.append(f"- overrides the report's statement: {cell(lab)} ({paragraphs_text(paras)})")
    for change in diff.gaps:
        lines.append(
            f"- technology gap {change.change}: {cell(change.partner_label)} / "
            f"{cell(change.technology_label)} "
            f"{change.before:.2f} → {change.after:.2f} (coverage {change.coverage_before:.2f} → "
            f"{change.coverage_after:.2f})"
        )
    for gap in diff.channels_closed:
        lines.append(f"- channel gap closed: {cell(gap.partner_label)} / {cell(gap.channel_label)}")
    for gap in diff.channels_opened:
        lines.append(f"- channel gap opened: {cell(gap.partner_label)} / {cell(gap.channel_label)}")
    for agency in diff.agencies_closed:
        lines.append(f"- agency gap closed: {cell(agency.agency_label)}")
    for _, lab, before, after in diff.brokers[:5]:
        lines.append(f"- betweenness of {cell(lab)}: {before:.3f} → {after:.3f}")
    if not (diff.gaps or diff.channels_closed or diff.channels_opened or diff.brokers):
        lines.append("- no change to the gaps or the brokers")
    return "\n".join(lines) + "\n"


def gap_report(
    *,
    gaps: Sequence[Gap],
    config: Config,
    no_claims: Sequence[str],
    channel_gaps: Sequence[ChannelGap],
    not_assessed: Sequence[str],
    agency_gaps: Sequence[AgencyGap],
    brokerage: Brokerage,
    suggestions: Sequence[Suggestion],
    evaluation: LinkEvaluation | None,
    robustness: Robustness | None,
    scenarios: Sequence[ScenarioDiff],
    top: int = 10,
    version: str = "",
) -> str:
    """Return the whole gap report as Markdown.

    Parameters
    ----------
    gaps
        The ranked technology gaps (score above zero).
    config
        The weights used.
    no_claims
        Labels of the partners without any capability claim.
    channel_gaps, not_assessed, agency_gaps
        From `natokg.analysis.channels` (`not_assessed`: partner labels).
    brokerage, suggestions, evaluation, robustness, scenarios
        The other analyses; `evaluation` and `robustness` may be None.
    top
        How many gaps to show with all their evidence.
    """
    partner_labels = {g.partner: g.partner_label for g in gaps}
    partner_labels.update({b.partner: b.partner_label for b in brokerage.bridges})
    lines = [
        "# natokg gap report",
        "",
        "Where NATO's Asia-Pacific partners are strong in a technology while NATO has little or no "
        "cooperation with them on it, which channels they do not use, who bridges them to NATO, and "
        "what acting on the report's recommendations would change. Every finding cites the paragraphs "
        "of the NATO PA Science and Technology Committee report (2021) it rests on.",
        "",
        f"Generated by natokg {version} with the weights of {cell(config.source)} "
        "(`natokg/analysis/weights.toml`; override with `--config FILE`).",
        "",
        f"**How to read a gap.** score = S {_TIMES} W {_TIMES} (1 {_MINUS} C): S, the partner's strength "
        "on the technology "
        "(the report's wording read as global leader 1.0, leader 0.8, emerging player 0.5, investing 0.3; "
        "discounted for a company's claim or a narrower concept); W, the technology's priority for NATO "
        "(base, NATO priority area, disruptive or emerging, pushed by a competitor, recommended by the "
        "report); C, the cooperation that already covers it (with NATO 1.0, an Ally 0.6, a parliamentary "
        "visit 0.3; ongoing 1.0, past 0.5, proposed 0). `natokg gaps --explain PARTNER TECHNOLOGY` prints "
        "any gap with its evidence. In the table, *cooperation found* names the strongest existing "
        "cooperation (counterpart, status, how close its technology is) and *stays in top* the share of "
        "perturbed weightings that keep the gap in the top 10 (see Robustness).",
        "",
        f"## Top technology gaps ({len(gaps)} with a score above zero)",
        "",
        gaps_markdown(gaps[: max(top, 15)], robustness),
    ]
    if no_claims:
        lines += [
            f"No technology gap can be computed for {cell(', '.join(no_claims))}: the report makes no "
            "capability claim about them.",
            "",
        ]
    lines += [f"## The top {min(top, len(gaps))} gaps and their evidence", ""]
    stays = {(g.partner, g.technology): g for g in robustness.gaps} if robustness else {}
    for gap in gaps[:top]:
        lines.append(explain_markdown(gap))
        stable = stays.get((gap.partner, gap.technology))
        if stable is not None and robustness is not None:
            total = len(robustness.one_at_a_time) + len(robustness.random_draws)
            lines += [
                f"Robustness: in the top {robustness.top} in {stable.stays:.0%} of {total} perturbed "
                f"rankings (rank {stable.best} to {stable.worst}).",
                "",
            ]
    lines += [
        "## Channel gaps",
        "",
        "NATO frameworks and bodies a partner does not use (no membership and no ongoing or past "
        "activity through them or their parts); *recommended* when the report recommends the channel "
        "for the partner, *stated* when it says the partner is not in it.",
        "",
        channels_markdown(channel_gaps),
    ]
    if not_assessed:
        lines += [
            f"Not assessed: {cell(', '.join(not_assessed))} (the graph holds no membership or "
            "non-membership for them, so every channel would look like a gap).",
            "",
        ]
    lines += [
        "## Partner agencies without a NATO counterpart",
        "",
        agencies_markdown(agency_gaps),
        "## Brokers between NATO and the partners",
        "",
        f"Tie graph: {brokerage.nodes} nations, organisations and programmes, {brokerage.edges} ties "
        "(memberships, ongoing or past activities through their channel, structure). Low constraint means "
        "the broker's contacts are not tied to one another; a cut vertex splits the graph when removed.",
        "",
        brokers_markdown(brokerage, partner_labels, top),
        "## Likely missing links",
        "",
        suggestions_markdown(suggestions, evaluation),
    ]
    if robustness is not None:
        lines += ["## Robustness of the ranking", "", robustness_markdown(robustness)]
    if scenarios:
        lines += ["## What if", ""]
        lines += [scenario_markdown(diff) for diff in scenarios]
    return "\n".join(lines).rstrip() + "\n"
