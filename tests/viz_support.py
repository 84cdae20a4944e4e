"""Helpers the network page tests share: the page's parts, and what the projection says it must draw."""

from __future__ import annotations

import json
from html.parser import HTMLParser
from typing import Any

from natokg.analysis.gaps import technology_gaps
from natokg.analysis.project import KG

COOPERATION = {"cooperates_with", "cooperates_on", "via"}


class Tags(HTMLParser):
    """Collect every start tag with its attributes, and the text of each script element."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.scripts: list[tuple[dict[str, str | None], str]] = []
        self._in_script: dict[str, str | None] | None = None
        self._text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        """Record the tag; start collecting a script's text."""
        self.tags.append((tag, dict(attrs)))
        if tag == "script":
            self._in_script, self._text = dict(attrs), []

    def handle_endtag(self, tag: str) -> None:
        """Close a script."""
        if tag == "script" and self._in_script is not None:
            self.scripts.append((self._in_script, "".join(self._text)))
            self._in_script = None

    def handle_data(self, data: str) -> None:
        """Collect a script's text."""
        if self._in_script is not None:
            self._text.append(data)


def parse(html: str) -> Tags:
    """Return the parsed tags and scripts of `html`."""
    parser = Tags()
    parser.feed(html)
    parser.close()
    return parser


def page_data(html: str) -> dict[str, Any]:
    """Return the JSON data the page's script draws."""
    (text,) = [text for attrs, text in parse(html).scripts if attrs.get("id") == "natokg-data"]
    data: dict[str, Any] = json.loads(text)
    return data


def expected_edges(kg: KG, nodes: set[str]) -> set[tuple[str, str, str, str]]:
    """Return the edges a page must draw among `nodes`: parallel claims of one meaning are one line.

    One line per source, target, kind and (for cooperation) status or (for a relation) its wording.
    """
    found = set()
    for u, v, data in kg.edges(data=True):
        if u in nodes and v in nodes:
            kind = data["kind"]
            if kind in COOPERATION:
                qualifier = data.get("status") or ""
            elif kind == "relation":
                qualifier = data.get("relation_kind") or ""
            else:
                qualifier = ""
            found.add((u, v, kind, qualifier))
    return found


def expected_gaps(kg: KG, nodes: set[str]) -> set[tuple[str, str]]:
    """Return the (partner, technology) gaps a page must draw among `nodes`."""
    found = technology_gaps(kg)
    return {(g.partner, g.technology) for g in found if g.partner in nodes and g.technology in nodes}
