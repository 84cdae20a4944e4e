"""Validate a graph: SHACL shapes (pySHACL) plus the ``*-violation.rq`` check queries.

Check queries are SELECT queries that must return no rows. Each row they return is one
problem; these variables are read when present, and any others are shown as ``name=value``:

- ``?focus`` — the offending node; else the first node of the row that some file defines
  (so the problem names that file), else the first IRI or blank node;
- ``?message`` — what is wrong; else the file's ``#+ summary:`` header;
- ``?path`` (or ``?property``) — the property concerned;
- ``?value`` — the offending value.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import pyshacl
from rdflib import RDF, RDFS, SH, BNode, Graph, Literal
from rdflib.namespace import NamespaceManager
from rdflib.query import ResultRow
from rdflib.term import IdentifiedNode, Node

from natokg import resources
from natokg.load import LoadError, Location, display_path, parse_file
from natokg.store import Store, union_graph

__all__ = ["Problem", "ValidationReport", "validate"]

_SEVERITY_RANK = {"Violation": 0, "Warning": 1, "Info": 2}
_SUMMARY = re.compile(r"^#\+\s*summary:\s*(.+?)\s*$", re.MULTILINE)


@dataclass(frozen=True)
class Problem:
    """One thing wrong with the graph.

    Attributes
    ----------
    file, line
        Where the focus node is defined, where known.
    severity
        ``"Violation"``, ``"Warning"`` or ``"Info"``.
    focus
        The offending node's full IRI (or ``_:id`` for a blank node).
    focus_curie
        The same, compact (``nkgid:para-17``) where a prefix is bound.
    label
        The focus node's ``rdfs:label``, if it has one.
    rule
        The SHACL shape and constraint component, or the check query's file name.
    path
        The property concerned, if any.
    value
        The offending value, if any.
    message
        What is wrong.
    """

    file: str | None
    line: int | None
    severity: str
    focus: str
    focus_curie: str
    label: str | None
    rule: str
    path: str | None
    value: str | None
    message: str

    def sort_key(self) -> tuple[int, str, int, str, str, str, str]:
        """Return the order problems are reported in: severity, file, line, focus, rule."""
        return (
            _SEVERITY_RANK.get(self.severity, 9),
            self.file or "~",
            self.line or 0,
            self.focus_curie,
            self.rule,
            self.path or "",
            self.value or "",
        )

    @property
    def where(self) -> str:
        """``file:line``, ``file`` or ``(file unknown)``."""
        if self.file is None:
            return "(file unknown)"
        return self.file if self.line is None else f"{self.file}:{self.line}"

    def fields(self) -> list[tuple[str, str]]:
        """Return the block's ``(name, text)`` lines, without the heading."""
        focus = self.focus_curie if self.label is None else f'{self.focus_curie}  "{self.label}"'
        rows = [("focus", focus), ("rule", self.rule)]
        rows += [(name, text) for name, text in (("path", self.path), ("value", self.value)) if text]
        rows.append(("message", self.message))
        return rows

    def __str__(self) -> str:
        lines = [f"{self.where}: {self.severity}"]
        lines += [f"  {name:<8} {text}" for name, text in self.fields()]
        return "\n".join(lines)


@dataclass(frozen=True)
class ValidationReport:
    """The outcome of `validate`.

    Attributes
    ----------
    conforms
        True when there is no violation (warnings and infos are allowed).
    problems
        Every problem found, violations first, then by file and line.
    """

    conforms: bool
    problems: tuple[Problem, ...]

    def summary(self) -> str:
        """Return a one-line summary, e.g. ``2 violations, 1 warning in 2 files``."""
        if not self.problems:
            return "conforms: no problems found"
        counts = [
            _plural(sum(p.severity == s for p in self.problems), s.lower())
            for s in _SEVERITY_RANK
            if any(p.severity == s for p in self.problems)
        ]
        files = _plural(len({p.file for p in self.problems}), "file")
        verdict = "conforms" if self.conforms else "does not conform"
        return f"{verdict}: {', '.join(counts)} in {files}"

    def __str__(self) -> str:
        return "\n\n".join([*(str(p) for p in self.problems), self.summary()])


def validate(
    store: Store,
    *,
    locations: Mapping[IdentifiedNode, Location] | None = None,
    shapes: Path | None = None,
    checks: Sequence[Path] | None = None,
) -> ValidationReport:
    """Validate the graph in `store` against the SHACL shapes and the check queries.

    Parameters
    ----------
    store
        The loaded graph (ontology and data).
    locations
        Where each subject is defined (`LoadResult.locations`), to name files in problems.
    shapes
        SHACL shapes file; default: the shipped ``ontology/shapes.ttl``.
    checks
        Check queries; default: the shipped ``queries/checks/*-violation.rq``.

    Returns
    -------
    ValidationReport

    Raises
    ------
    LoadError
        If the shapes file or a check query cannot be read or parsed.

    Examples
    --------
    >>> from natokg import load_graph
    >>> loaded = load_graph()
    >>> report = validate(loaded.store, locations=loaded.locations)
    >>> isinstance(report.conforms, bool)
    True
    """
    data = union_graph(store)
    where = locations or {}
    shapes_graph = parse_file(shapes or resources.shapes_file())
    shacl_conforms, results, _ = pyshacl.validate(
        data,
        shacl_graph=shapes_graph,
        inference="none",
        advanced=True,
        allow_warnings=True,
    )
    problems = list(_shacl_problems(results, data, shapes_graph, where))
    check_files = resources.check_queries() if checks is None else checks
    failed_check = False
    for check in check_files:
        found = list(_check_problems(check, store, data, where))
        failed_check = failed_check or bool(found)
        problems += found
    problems.sort(key=Problem.sort_key)
    return ValidationReport(bool(shacl_conforms) and not failed_check, tuple(problems))


def _shacl_problems(
    results: Graph,
    data: Graph,
    shapes: Graph,
    where: Mapping[IdentifiedNode, Location],
) -> Iterable[Problem]:
    for report in results.subjects(RDF.type, SH.ValidationReport):
        for result in results.objects(report, SH.result):
            focus = results.value(result, SH.focusNode)
            severity = results.value(result, SH.resultSeverity)
            messages = sorted(str(m) for m in results.objects(result, SH.resultMessage))
            yield _problem(
                focus=focus,
                data=data,
                where=where,
                severity=_local(severity) if severity is not None else "Violation",
                rule=_rule(results, result, shapes),
                path=results.value(result, SH.resultPath),
                value=results.value(result, SH.value),
                message="; ".join(messages) or "constraint not met",
            )


def _rule(results: Graph, result: Node, shapes: Graph) -> str:
    """Name the shape (a property shape by its node shape and path) and the component."""
    shape = results.value(result, SH.sourceShape)
    component = results.value(result, SH.sourceConstraintComponent)
    nsm = shapes.namespace_manager
    name = _show(shape, nsm) if shape is not None else "?"
    if isinstance(shape, BNode):
        parent = shapes.value(None, SH.property, shape)
        path = shapes.value(shape, SH.path)
        parent_name = _show(parent, nsm) if parent is not None else "property shape"
        name = f"{parent_name} (path {_show(path, nsm)})" if path is not None else parent_name
    return f"{name} / {_show(component, nsm)}" if component is not None else name


def _check_problems(
    check: Path,
    store: Store,
    data: Graph,
    where: Mapping[IdentifiedNode, Location],
) -> Iterable[Problem]:
    try:
        text = check.read_text(encoding="utf-8")
        rows = list(store.query(text))
    except Exception as exc:  # a broken check must not pass silently
        raise LoadError(check, f"check query failed: {exc}") from None
    summary = _SUMMARY.search(text)
    default_message = summary.group(1) if summary else "check query returned a row"
    for row in rows:
        if not isinstance(row, ResultRow):
            raise LoadError(check, "check query must be a SELECT query")
        values = {str(k): v for k, v in row.asdict().items()}
        message = values.pop("message", None)
        path = values.pop("path", None) or values.pop("property", None)
        focus = values.pop("focus", None) or _pick_focus(values, where)
        shown = {name: v for name, v in values.items() if v != focus}
        value = shown.pop("value", None)
        details = [f"{name}={_show(v, data.namespace_manager)}" for name, v in shown.items()]
        if value is not None:
            details.insert(0, _show(value, data.namespace_manager))
        yield _problem(
            focus=focus,
            data=data,
            where=where,
            severity="Violation",
            rule=f"{check.parent.name}/{check.name}",
            path=path,
            value=", ".join(details) or None,
            message=str(message) if message is not None else default_message,
        )


def _pick_focus(values: Mapping[str, Node], where: Mapping[IdentifiedNode, Location]) -> Node | None:
    """Pick the row's focus: the first node defined in a file, else the first node."""
    nodes = [v for v in values.values() if isinstance(v, IdentifiedNode)]
    located = [v for v in nodes if v in where]
    candidates = located or nodes
    return candidates[0] if candidates else None


def _problem(
    *,
    focus: Node | None,
    data: Graph,
    where: Mapping[IdentifiedNode, Location],
    severity: str,
    rule: str,
    path: Node | None,
    value: Node | str | None,
    message: str,
) -> Problem:
    nsm = data.namespace_manager
    location = where.get(focus) if isinstance(focus, IdentifiedNode) else None
    return Problem(
        file=display_path(location.file) if location else None,
        line=location.line if location else None,
        severity=severity,
        focus=focus.n3() if isinstance(focus, BNode) else str(focus) if focus is not None else "",
        focus_curie=_show(focus, nsm) if focus is not None else "(none)",
        label=_label(data, focus) if focus is not None else None,
        rule=rule,
        path=_show(path, nsm) if path is not None else None,
        value=_show(value, nsm) if isinstance(value, Node) else value,
        message=message,
    )


def _label(data: Graph, node: Node) -> str | None:
    labels = [o for o in data.objects(node, RDFS.label) if isinstance(o, Literal)]
    if not labels:
        return None
    english = sorted(str(o) for o in labels if o.language in (None, "en"))
    return english[0] if english else sorted(str(o) for o in labels)[0]


def _show(node: Node, nsm: NamespaceManager) -> str:
    if isinstance(node, Literal):
        return node.n3(nsm)
    if isinstance(node, IdentifiedNode):
        return node.n3(nsm)
    return str(node)


def _local(node: Node) -> str:
    text = str(node)
    return text.rsplit("#", 1)[-1].rsplit("/", 1)[-1]


def _plural(count: int, noun: str) -> str:
    return f"{count} {noun}" if count == 1 else f"{count} {noun}s"
