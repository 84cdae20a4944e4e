"""Read the seed report's citable parts, to check quotes against them.

The report is plain text extracted from a PDF: paragraphs start with ``N.`` at the
beginning of a line, boxes and the EDT table are set between paragraphs, and a word
broken at a line end keeps its hyphen. ``normalise`` makes quotes and text comparable.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

SEED_NAME = "000_8524b36771c30f37.txt"
ID = "https://w3id.org/natokg/id/"

# (source id, regex of its first words, regex of the words that follow its end)
_BLOCKS = (
    ("executive-summary", r"EXECUTIVE SUMMARY", r"I\. INTRODUCTION"),
    ("table-edt", r"EMERGING AND DISRUPTIVE TECHNOLOGIES", r"(?m)^\s*9\.\s"),
    ("box-japan-quick-facts", r"JAPAN\s+.\s+QUICK FACTS", r"(?m)^\s*19\.\s"),
    ("box-rok-quick-facts", r"THE REPUBLIC OF KOREA\s+.\s+QUICK FACTS", r"and manufacturing stages"),
    ("box-singapore-quick-facts", r"SINGAPORE\s+.\s+QUICK FACTS", r"IV\. NATO S&T COOPERATION"),
    ("footnote-1", r"(?m)^1\s+The ITPP is", r"(?m)^\s*41\.\s"),
)


def seed_path() -> Path | None:
    """Return the seed report's path, or None when it is not beside the checkout."""
    env = os.environ.get("NATOKG_SEED")
    candidates = [Path(env)] if env else []
    root = Path(__file__).resolve().parents[1]
    candidates.append(root.parent / "shared" / "seed" / SEED_NAME)
    return next((p for p in candidates if p.is_file()), None)


def normalise(text: str) -> str:
    """Join words broken at a line end and collapse all whitespace to single spaces."""
    text = re.sub(r"(\w)-\s*\n\s*", r"\1-", text)
    return re.sub(r"\s+", " ", text).strip()


def parts(text: str) -> dict[str, str]:
    """Split the report into ``{source id: normalised text}``.

    Paragraph N runs from its number to the number of paragraph N+1, so it includes
    any box set inside it; boxes, the table, the summary and the footnote are cut out
    by their titles as well.
    """
    found: dict[str, str] = {}
    starts: list[tuple[int, int]] = []
    position = 0
    for number in range(1, 65):
        match = re.compile(rf"(?m)^\s*{number}\.\s").search(text, position)
        if match is None:
            raise ValueError(f"paragraph {number} not found after offset {position}")
        starts.append((number, match.start()))
        position = match.end()
    for (number, start), (_, end) in zip(starts, [*starts[1:], (65, len(text))], strict=True):
        found[f"para-{number}"] = normalise(text[start:end])
    for name, first, after in _BLOCKS:
        begin = re.search(first, text)
        if begin is None:
            raise ValueError(f"{name}: start not found")
        stop = re.compile(after).search(text, begin.end())
        found[name] = normalise(text[begin.start() : stop.start() if stop else len(text)])
    return found
