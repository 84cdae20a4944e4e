"""How well the claims cover the report: claims per paragraph, box and table.

A paragraph that no claim cites must carry a recorded reason (an ``nkg:UncoveredParagraph``
note); ``uncovered`` lists those that carry neither, so a curator sees what is left.
"""

from __future__ import annotations

from dataclasses import dataclass
from importlib.resources import files

from natokg.store import Store

__all__ = ["SourceCoverage", "coverage", "uncovered"]

_QUERY = (files("natokg") / "sparql" / "coverage.rq").read_text(encoding="utf-8")


@dataclass(frozen=True)
class SourceCoverage:
    """The claims that cite one source, or why there are none.

    Attributes
    ----------
    source
        The source's IRI.
    label
        Its label, e.g. ``"Paragraph 17"``.
    paragraph
        Its paragraph number, ``None`` for a box, table or section.
    after
        For a box or table, the number of the paragraph it stands after.
    claims
        How many claims cite it.
    reason
        The recorded reason when no claim cites it, else ``None``.
    """

    source: str
    label: str
    paragraph: int | None
    after: int | None
    claims: int
    reason: str | None

    @property
    def covered(self) -> bool:
        """Whether a claim cites the source or a reason explains why none does."""
        return self.claims > 0 or self.reason is not None


def coverage(store: Store) -> list[SourceCoverage]:
    """Return the coverage of every source, in reading order.

    Parameters
    ----------
    store
        A loaded store.

    Returns
    -------
    list of SourceCoverage
        Paragraphs by number; a box or table right after the paragraph it follows;
        unnumbered sections (the executive summary) first.

    Examples
    --------
    >>> from rdflib import Graph
    >>> from natokg.store import MemoryStore
    >>> coverage(MemoryStore())
    []
    """
    rows = []
    for row in store.query(_QUERY):
        number, after = row.number, row.after  # type: ignore[union-attr]
        rows.append(
            SourceCoverage(
                source=str(row.source),  # type: ignore[union-attr]
                label=str(row.label),  # type: ignore[union-attr]
                paragraph=int(number) if number is not None else None,
                after=int(after) if after is not None else None,
                claims=int(row.claims),  # type: ignore[union-attr]
                reason=str(row.reason) if row.reason is not None else None,  # type: ignore[union-attr]
            )
        )

    return sorted(rows, key=_reading_order)


def _reading_order(item: SourceCoverage) -> tuple[float, str]:
    """Sort paragraphs by number, a box or table just after its paragraph, sections first."""
    if item.paragraph is not None:
        return (float(item.paragraph), item.source)
    if item.after is not None:
        return (item.after + 0.5, item.source)
    return (-1.0, item.source)


def uncovered(rows: list[SourceCoverage]) -> list[SourceCoverage]:
    """Return the sources that no claim cites and that carry no recorded reason."""
    return [row for row in rows if not row.covered]
