"""``natokg push``: load the graph into a SPARQL 1.1 store, replacing one named graph atomically.

The result line goes to stdout, the progress bar and messages to stderr. Exit codes: 0 pushed
and verified, 2 unusable input or a failed push (the message says whether the target graph is
as it was). The HTTP and store modules are imported inside the command, so that ``natokg
--help`` stays fast.
"""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape

from natokg._cli_app import MEMORY, PathsArgument, StoreOption, app, console, fail, load
from natokg.credentials import read_password, refuse_basic_in_clear

__all__ = ["AuthScheme"]

_BATCH_SIZE = 10_000  # natokg.push.DEFAULT_BATCH_SIZE, repeated to keep the import lazy


class AuthScheme(StrEnum):
    """HTTP authentication schemes for the store."""

    digest = "digest"
    basic = "basic"


@app.command()
def push(
    endpoint: Annotated[
        str,
        typer.Option(
            "--endpoint",
            help="SPARQL 1.1 Update endpoint (Virtuoso: http://HOST:8890/sparql-auth; Fuseki: http://HOST:3030/DATASET).",
            show_default=False,
        ),
    ],
    graph: Annotated[
        str, typer.Option("--graph", help="IRI of the named graph to replace.", show_default=False)
    ],
    paths: PathsArgument = None,
    graph_store: Annotated[
        str | None,
        typer.Option(
            "--graph-store",
            help="Graph Store Protocol endpoint to upload to "
            "(Virtuoso: http://HOST:8890/sparql-graph-crud-auth); default: INSERT DATA at --endpoint.",
            show_default=False,
        ),
    ] = None,
    query_endpoint: Annotated[
        str | None,
        typer.Option(
            "--query-endpoint",
            help="Endpoint for the checking queries; default: --endpoint.",
            show_default=False,
        ),
    ] = None,
    user: Annotated[
        str | None, typer.Option("--user", help="Account on the store.", show_default=False)
    ] = None,
    password_file: Annotated[
        Path | None,
        typer.Option(
            "--password-file", help="File holding the account's password (one line).", show_default=False
        ),
    ] = None,
    auth: Annotated[
        AuthScheme, typer.Option("--auth", help="HTTP authentication: digest (Virtuoso) or basic.")
    ] = AuthScheme.digest,
    batch_size: Annotated[
        int, typer.Option("--batch-size", min=1, help="Triples per request.")
    ] = _BATCH_SIZE,
    timeout: Annotated[
        float, typer.Option("--timeout", min=0.1, help="Seconds each HTTP request may take.")
    ] = 300.0,
    source: StoreOption = MEMORY,
) -> None:
    """Replace a named graph of a SPARQL 1.1 store with the graph (ontology and data).

    Batches go into a temporary graph; when its count is right, one MOVE replaces the target.

    On failure the target is left as it was; running it again gives the same graph.
    """
    from natokg.push import PushError
    from natokg.push import push as push_graph
    from natokg.sparql_text import SparqlTextError, check_iri
    from natokg.store_sparql import SparqlStore, SparqlStoreError, check_url, make_auth

    try:
        check_iri(graph, "graph IRI")
        for url, what in (
            (endpoint, "endpoint"),
            (graph_store, "graph store"),
            (query_endpoint, "query endpoint"),
        ):
            if url is not None:
                check_url(url, what)
                if auth is AuthScheme.basic and user:
                    refuse_basic_in_clear(url, what, "--auth digest")
        if password_file is not None and user is None:
            raise ValueError("--password-file needs --user")
        if user is not None and password_file is None:
            raise ValueError(f"give the password of {user!r} with --password-file FILE")
        password = None if password_file is None else read_password(password_file)
        store = SparqlStore(
            query_endpoint or endpoint, endpoint, auth=make_auth(user, password, auth.value), timeout=timeout
        )
    except (ValueError, SparqlTextError) as exc:
        fail(str(exc))
    loaded = load(paths, source)  # a filled Oxigraph store is read without parsing anything

    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    with Progress(
        TextColumn("pushing"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("triples"),
        TimeElapsedColumn(),
        console=console(stderr=True),
    ) as progress:
        task = progress.add_task("push", total=None)

        def advance(sent: int, total: int) -> None:
            progress.update(task, completed=sent, total=total)

        try:
            result = push_graph(
                loaded.store, store, graph, graph_store=graph_store, batch_size=batch_size, progress=advance
            )
        except (PushError, SparqlStoreError) as exc:
            progress.stop()
            fail(f"push failed: {exc}")
        finally:
            store.close()
    console().print(
        f"pushed {result.triples} triples to <{escape(result.graph)}> in {result.batches} "
        f"batch{'es' if result.batches != 1 else ''}; the graph holds {result.triples} triples",
        soft_wrap=True,
    )
