"""The ``natokg`` command line: parses arguments, calls the package, prints.

Data goes to stdout, messages to stderr. Exit codes: 0 all good, 1 the graph has
violations, 2 the input is unusable (a file that is missing, a directory, malformed ...).
Colour follows the terminal: none when output is not a TTY or ``NO_COLOR`` is set.
This module holds the graph commands; other command groups live in ``cli_*.py``
modules imported at the end, all registering on the one app of ``_cli_app``.
"""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich import box
from rich.markup import escape
from rich.table import Table
from rich.text import Text

from natokg._cli_app import (
    EXIT_OK,
    EXIT_UNUSABLE,
    EXIT_VIOLATIONS,
    MEMORY,
    PathsArgument,
    StoreOption,
    app,
    console,
    fail,
    load,
)

if TYPE_CHECKING:
    from natokg.validate import Problem

# Commands import what they use inside their body: every command pays only for its own
# imports, which keeps `natokg --help` and the light commands quick to start.

__all__ = ["EXIT_OK", "EXIT_UNUSABLE", "EXIT_VIOLATIONS", "app"]


class ExportFormat(StrEnum):
    """RDF syntaxes `natokg export` writes."""

    ttl = "ttl"
    nt = "nt"
    jsonld = "jsonld"
    trig = "trig"


@app.command()
def info(paths: PathsArgument = None, store: StoreOption = MEMORY) -> None:
    """Show triples, entities per class, claims per kind and the sources cited."""
    from natokg.info import summarize

    loaded = load(paths, store)
    summary = summarize(loaded.store)
    out = console()
    where = f"{len(loaded.files)} files" if store.strip() == MEMORY else escape(store)
    out.print(f"{where}, {summary.triples} triples")
    for title, heading, rows in (
        ("Entities per class", "class", summary.entities),
        ("Claims per kind", "kind", summary.claims),
    ):
        table = Table(title=title, box=box.SIMPLE, title_justify="left")
        table.add_column(heading)
        table.add_column("count", justify="right")
        for name, count in rows:
            table.add_row(name, str(count))
        out.print(table)
    share = f" ({summary.cited_sources / summary.all_sources:.0%})" if summary.all_sources else ""
    out.print(f"Sources cited by a claim: {summary.cited_sources} of {summary.all_sources}{share}")


@app.command("validate")
def validate_command(paths: PathsArgument = None, store: StoreOption = MEMORY) -> None:
    """Check the graph against the SHACL shapes and the check queries.

    Exit 0 when it conforms, 1 on violations, 2 when a file cannot be used.
    """
    from natokg.load import LoadError
    from natokg.validate import validate

    loaded = load(paths, store)
    try:
        report = validate(loaded.store, locations=loaded.locations)
    except LoadError as exc:
        fail(str(exc))
    out = console()
    for problem in report.problems:
        out.print(_render(problem), soft_wrap=True)  # one line per field, for grep
        out.print()
    style = "green" if report.conforms else "bold red"
    out.print(Text(report.summary(), style=style), soft_wrap=True)
    raise typer.Exit(EXIT_OK if report.conforms else EXIT_VIOLATIONS)


@app.command("coverage")
def coverage_command(paths: PathsArgument = None, store: StoreOption = MEMORY) -> None:
    """Show, for every paragraph, box and table of the report, how many claims cite it.

    A source that no claim cites shows the recorded reason. Exit 1 when a source has
    neither a claim nor a reason, so a curator sees what is left to do.
    """
    from natokg.coverage import coverage, uncovered

    rows = coverage(load(paths, store).store)
    table = Table(title="Claims per source", box=box.SIMPLE, title_justify="left")
    table.add_column("source")
    table.add_column("claims", justify="right")
    table.add_column("note")
    for row in rows:
        note = row.reason or ("" if row.claims else "no claim and no recorded reason")
        table.add_row(row.label, str(row.claims), note, style=None if row.covered else "bold red")
    out = console()
    out.print(table)
    missing = uncovered(rows)
    numbered = [row for row in rows if row.paragraph is not None]
    cited = sum(1 for row in numbered if row.claims)
    out.print(
        f"{cited} of {len(numbered)} paragraphs cited by a claim; "
        f"{sum(1 for row in rows if row.reason)} with a recorded reason; "
        f"{len(missing)} with neither"
    )
    raise typer.Exit(EXIT_VIOLATIONS if missing else EXIT_OK)


@app.command()
def export(
    paths: PathsArgument = None,
    fmt: Annotated[
        ExportFormat, typer.Option("--format", "-f", help="RDF syntax to write.")
    ] = ExportFormat.ttl,
    output: Annotated[
        Path | None,
        typer.Option("--output", "-o", help="File to write (atomically); default: stdout."),
    ] = None,
    store: StoreOption = MEMORY,
) -> None:
    """Write the graph (ontology and data) as one RDF file."""
    from natokg.export import serialize, write_atomic

    if output is not None and output.is_dir():
        fail(f"{output}: is a directory; give a file name")
    data = serialize(load(paths, store).store, fmt.value)
    if output is None:
        typer.echo(data, nl=False)
        return
    try:
        write_atomic(output, data)
    except OSError as exc:
        fail(f"{output}: cannot write: {exc.strerror}")
    console(stderr=True).print(f"wrote {escape(str(output))}", soft_wrap=True)


def _render(problem: Problem) -> Text:
    colour = {"Violation": "red", "Warning": "yellow"}.get(problem.severity, "blue")
    text = Text(f"{problem.where}: ", style="bold")
    text.append(problem.severity, style=f"bold {colour}")
    for name, value in problem.fields():
        text.append(f"\n  {name:<8} ", style="dim")
        text.append(value)
    return text


from natokg import cli_analysis as _cli_analysis  # noqa: E402, F401  (registers its commands)
from natokg import cli_push as _cli_push  # noqa: E402, F401  (registers its commands)
from natokg import cli_queries as _cli_queries  # noqa: E402, F401  (registers its commands)
from natokg import cli_serve as _cli_serve  # noqa: E402, F401  (registers its commands)
from natokg import cli_stores as _cli_stores  # noqa: E402, F401  (registers its commands)
from natokg import cli_viz as _cli_viz  # noqa: E402, F401  (registers its commands)
