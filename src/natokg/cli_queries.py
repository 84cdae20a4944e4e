"""The query commands: ``natokg queries``, ``natokg query`` and ``natokg sparql``.

Results go to stdout (or ``-o FILE``, written atomically), messages to stderr. Exit codes as
for every command: 0 all good, 2 unusable input (an unknown query, a bad parameter, a syntax
error, a refused or failed query, a query stopped by the time limit).
"""

from __future__ import annotations

import sys
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rdflib import Literal
from rich import box
from rich.markup import escape
from rich.table import Table
from rich.text import Text

from natokg._cli_app import MEMORY, StoreOption, app, chosen_store, console, fail
from natokg.export import write_atomic
from natokg.params import DEFAULT_TIMEOUT, KINDS, QueryError
from natokg.result import QueryResult

if TYPE_CHECKING:  # the query layer is imported by the commands that run queries
    from natokg.queries import InferMode, NamedQuery
    from natokg.store import Store

__all__ = ["OutputFormat", "render"]


class OutputFormat(StrEnum):
    """How a result is written."""

    table = "table"
    csv = "csv"
    tsv = "tsv"
    json = "json"
    md = "md"


class Inference(StrEnum):
    """Which closure to query over."""

    rdfs = "rdfs"
    owlrl = "owlrl"


_UNWRAPPED = 10_000  # the width of a table that goes to a pipe or a file
_EXTENSIONS = {".csv": "csv", ".tsv": "tsv", ".json": "json", ".md": "md", ".txt": "table"}

FormatOption = Annotated[
    OutputFormat | None,
    typer.Option(
        "--format",
        help="table (default), csv, tsv, json or md; with -o, guessed from the file's extension.",
        show_default=False,
    ),
]
OutputOption = Annotated[
    Path | None,
    typer.Option("--output", "-o", help="File to write (atomically); default: stdout.", show_default=False),
]
InferOption = Annotated[
    Inference | None,
    typer.Option(
        "--infer", help="Query over the RDFS or OWL 2 RL closure (takes a few seconds).", show_default=False
    ),
]
TimeoutOption = Annotated[
    float,
    typer.Option("--timeout", help="Seconds before the query is stopped; 0 for no limit.", min=0),
]
DataOption = Annotated[
    list[Path] | None,
    typer.Option(
        "--data", help="A data file to query instead of the shipped graph (repeatable).", show_default=False
    ),
]


@app.command("queries")
def queries_command(
    query_id: Annotated[
        str | None,
        typer.Argument(help="Show one query in full: its parameters and its SPARQL.", show_default=False),
    ] = None,
    kind: Annotated[str | None, typer.Option("--kind", help=f"Only this kind: {', '.join(KINDS)}.")] = None,
    tag: Annotated[str | None, typer.Option("--tag", help="Only queries with this tag.")] = None,
    fmt: Annotated[
        OutputFormat, typer.Option("--format", help="table (default), csv, tsv, json or md.")
    ] = OutputFormat.table,
) -> None:
    """List the named queries of the library: id, kind, summary and parameters."""
    from natokg.queries import get_query, list_queries

    try:
        if query_id is not None:
            _show_query(get_query(query_id))
            return
        found = list_queries(kind=kind, tag=tag)
    except QueryError as exc:
        fail(str(exc))
    if fmt is OutputFormat.table:
        table = Table(box=box.SIMPLE, show_edge=False)
        table.add_column("id", no_wrap=True)
        table.add_column("kind", no_wrap=True)
        table.add_column("summary", ratio=3)
        table.add_column("params", ratio=1)
        for query in found:
            params = ", ".join(p.name + ("*" if p.required else "") for p in query.params)
            table.add_row(Text(query.id), Text(query.kind), Text(query.summary), Text(params))
        out = console()
        out.print(table)
        out.print(f"{len(found)} queries; * marks a required parameter. `natokg queries ID` shows one.")
        return
    listing = QueryResult(
        ("id", "kind", "summary", "params"),
        tuple(
            tuple(
                Literal(v)
                for v in (
                    q.id,
                    q.kind,
                    q.summary,
                    " ".join(p.name + ("*" if p.required else "") for p in q.params),
                )
            )
            for q in found
        ),
    )
    typer.echo(render(listing, fmt), nl=False)


def _show_query(query: NamedQuery) -> None:
    out = console()
    out.print(Text(f"{query.id}  ({query.kind})", style="bold"))
    out.print(Text(query.summary))
    out.print(Text(f"file: {query.path}", style="dim"))
    if query.tags:
        out.print(Text(f"tags: {', '.join(query.tags)}", style="dim"))
    if query.params:
        table = Table(box=box.SIMPLE, show_edge=False, title="parameters", title_justify="left")
        for heading in ("name", "type", "required", "default", "doc"):
            table.add_column(heading, overflow="fold")
        for p in query.params:
            kind = p.type
            if p.values:
                kind += " of " + ", ".join(v.rsplit("#", 1)[-1].rsplit("/", 1)[-1] for v in p.values)
            table.add_row(
                Text(p.name),
                Text(kind),
                Text("yes" if p.required else "no"),
                Text(p.default or ""),
                Text(p.doc),
            )
        out.print(table)
    else:
        out.print("parameters: none")
    out.print()
    out.print(Text(query.text.rstrip("\n")), soft_wrap=True)


@app.command("query")
def query_command(
    query_id: Annotated[str, typer.Argument(help="The query's id (`natokg queries` lists them).")],
    param: Annotated[
        list[str] | None,
        typer.Option("--param", "-p", help="A parameter as NAME=VALUE (repeatable).", show_default=False),
    ] = None,
    fmt: FormatOption = None,
    output: OutputOption = None,
    infer: InferOption = None,
    timeout: TimeoutOption = DEFAULT_TIMEOUT,
    data: DataOption = None,
    store: StoreOption = MEMORY,
) -> None:
    """Run a named query, e.g. `natokg query partner-frameworks -p partner=ROK -p as_of=2016`."""
    from natokg.queries import get_query, run_query

    chosen = _output_format(fmt, output)
    values: dict[str, object] = {}
    for item in param or []:
        name, sep, value = item.partition("=")
        if not sep or not name.strip():
            fail(f"--param {item!r}: write it as NAME=VALUE")
        if name.strip() in values:
            fail(f"--param {name.strip()!r} is given twice")
        values[name.strip()] = value
    try:
        named = get_query(query_id)
        opened = _open(data, infer, store)
        result = run_query(opened, named, values, timeout=timeout or None)
    except QueryError as exc:
        fail(str(exc))
    _write(result, chosen, output)


@app.command("sparql")
def sparql_command(
    query: Annotated[
        str | None,
        typer.Argument(help="The SPARQL query; '-' or nothing reads it from stdin.", show_default=False),
    ] = None,
    file: Annotated[
        Path | None, typer.Option("--file", "-f", help="Read the query from this file.", show_default=False)
    ] = None,
    fmt: FormatOption = None,
    output: OutputOption = None,
    infer: InferOption = None,
    timeout: TimeoutOption = DEFAULT_TIMEOUT,
    data: DataOption = None,
    store: StoreOption = MEMORY,
) -> None:
    """Run an ad hoc, read-only SPARQL query (prefixes nkg:, nkgid:, rdfs:, skos: ... are known).

    SERVICE, FROM, LOAD and updates are refused.
    """
    from natokg.queries import sparql

    chosen = _output_format(fmt, output)
    if query is not None and file is not None:
        fail("give the query either as an argument or with --file, not both")
    if file is not None:
        try:
            text = file.read_text(encoding="utf-8")
        except FileNotFoundError:
            fail(f"{file}: no such file")
        except IsADirectoryError:
            fail(f"{file}: is a directory, not a query file")
        except (OSError, UnicodeDecodeError) as exc:
            fail(f"{file}: cannot read: {exc}")
    elif query is None or query == "-":
        if sys.stdin is None or sys.stdin.isatty():
            fail("no query: give it as an argument, with --file FILE, or on stdin")
        text = sys.stdin.read()
    else:
        text = query
    if not text.strip():
        fail("no query: the query text is empty")
    try:
        opened = _open(data, infer, store)
        result = sparql(opened, text, timeout=timeout or None)
    except QueryError as exc:
        fail(str(exc))
    _write(result, chosen, output)


def _output_format(fmt: OutputFormat | None, output: Path | None) -> OutputFormat:
    if output is not None and output.is_dir():
        fail(f"{output}: is a directory; give a file name")
    if fmt is not None:
        return fmt
    if output is None:
        return OutputFormat.table
    guessed = _EXTENSIONS.get(output.suffix.lower())
    if guessed is None:
        known = ", ".join(_EXTENSIONS)
        fail(
            f"{output}: cannot tell the format from {output.suffix or 'no extension'!r}; "
            f"use --format ({known})"
        )
    return OutputFormat(guessed)


def _open(data: list[Path] | None, infer: Inference | None, store: str) -> Store:
    from natokg.load import LoadError
    from natokg.queries import open_graph

    mode: InferMode | None = infer.value if infer else None
    opened = chosen_store(store, data)
    if opened is not None:
        return open_graph(infer=mode, store=opened)
    try:
        return open_graph(data or None, infer=mode)
    except LoadError as exc:
        fail(str(exc))


def render(result: QueryResult, fmt: OutputFormat) -> str:
    """Return `result` as text in a machine format (csv, tsv, json, md).

    Raises
    ------
    ValueError
        For the table format, which is printed by Rich instead.
    """
    if fmt is OutputFormat.csv:
        return result.to_csv()
    if fmt is OutputFormat.tsv:
        return result.to_tsv()
    if fmt is OutputFormat.json:
        return result.to_json(indent=None) + "\n"
    if fmt is OutputFormat.md:
        return result.to_markdown()
    raise ValueError("the table format is printed, not rendered")


def _table(result: QueryResult) -> Table:
    table = Table(box=box.SIMPLE, show_edge=False)
    for column in result.columns:
        table.add_column(column, overflow="fold")
    for row in result.compact_rows():
        table.add_row(*(Text(cell) for cell in row))
    return table


def _write(result: QueryResult, fmt: OutputFormat, output: Path | None) -> None:
    if fmt is OutputFormat.table:
        if output is None:
            out = console()
            if not out.is_terminal:  # a pipe or a file: never wrap a cell
                out.width = _UNWRAPPED
            out.print(_table(result))
            rows = "1 row" if len(result) == 1 else f"{len(result)} rows"
            console(stderr=True).print(rows, highlight=False)
            return
        capture = console()
        capture.width = _UNWRAPPED
        with capture.capture() as captured:
            capture.print(_table(result))
        data = captured.get()
    else:
        data = render(result, fmt)
    if output is None:
        typer.echo(data, nl=False)
        return
    try:
        write_atomic(output, data.encode("utf-8"))
    except OSError as exc:
        fail(f"{output}: cannot write: {exc.strerror}")
    console(stderr=True).print(f"wrote {len(result)} rows to {escape(str(output))}", soft_wrap=True)
