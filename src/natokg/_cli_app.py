"""What every ``natokg`` command shares: the Typer app, consoles, exit codes, loading.

Command modules (``cli.py`` and the ``cli_*.py`` modules it imports) register their
commands on `app`; keeping the shared parts here lets them live in separate files.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Sequence
from typing import TYPE_CHECKING, Annotated, NoReturn

import typer
from rich.console import Console
from rich.markup import escape

if TYPE_CHECKING:
    from natokg.load import LoadResult
    from natokg.store import Store


__all__ = [
    "EXIT_OK",
    "EXIT_UNUSABLE",
    "EXIT_VIOLATIONS",
    "MEMORY",
    "PathsArgument",
    "StoreOption",
    "app",
    "chosen_store",
    "console",
    "fail",
    "load",
    "open_store_or_fail",
]

EXIT_OK = 0
EXIT_VIOLATIONS = 1
EXIT_UNUSABLE = 2

app = typer.Typer(
    name="natokg",
    help="Knowledge graph of NATO science and technology cooperation with Asia-Pacific partners.",
    no_args_is_help=True,
    add_completion=False,
    context_settings={"help_option_names": ["-h", "--help"]},
)

PathsArgument = Annotated[
    list[str] | None,
    typer.Argument(
        help="Data files to use instead of the shipped graph/*.ttl (the shipped ontology is always loaded).",
        show_default=False,
    ),
]

#: The default store spec: the files are loaded into memory for each command.
MEMORY = "memory"

StoreOption = Annotated[
    str,
    typer.Option(
        "--store",
        metavar="STORE",
        help=(
            "Where the graph is: memory (load the files for this command), oxigraph:PATH "
            "(a store filled by `natokg load`) or sparql:QUERY_URL[,UPDATE_URL] (an endpoint) "
            "with optional fields ,graph=IRI (the named graph `natokg push` wrote) ,user=NAME "
            ",password-file=PATH ,auth=digest|basic; e.g. "
            "sparql:http://127.0.0.1:8890/sparql,graph=https://w3id.org/natokg/graph"
        ),
    ),
]


def console(*, stderr: bool = False) -> Console:
    """Return a console for stdout (or stderr); ``NO_COLOR`` turns off every style."""
    no_color = bool(os.environ.get("NO_COLOR"))
    return Console(
        stderr=stderr,
        no_color=no_color,
        color_system=None if no_color else "auto",
        highlight=False,
    )


def fail(message: str) -> NoReturn:
    """Print `message` as an error on stderr and exit 2 (unusable input)."""
    console(stderr=True).print(f"[bold red]error:[/] {escape(message)}", soft_wrap=True)
    raise typer.Exit(EXIT_UNUSABLE)


def load(paths: list[str] | None, store: str = MEMORY) -> LoadResult:
    """Return the graph to work on, or fail.

    With the memory store: the shipped ontology with `paths` (default: the shipped graph),
    loaded now. With any other store: the store as it is, never loaded again (its data
    went in with `natokg load`).
    """
    from natokg.load import LoadError, LoadResult, load_graph

    opened = chosen_store(store, paths)
    if opened is None:
        try:
            return load_graph(paths or None)
        except LoadError as exc:
            fail(str(exc))
    from natokg.store import StoreError

    try:
        size = len(opened)
    except StoreError as exc:  # an endpoint that refuses, or does not answer
        fail(f"{store}: cannot read the store: {exc}")
    return LoadResult(opened, (), size, {})


def chosen_store(store: str, paths: Sequence[object] | None) -> Store | None:
    """Return the store ``--store`` names (None for memory), or fail.

    A store other than memory already holds its data, so data files given beside it are
    refused rather than silently ignored.
    """
    if store.strip() == MEMORY:
        return None
    if paths:
        fail(
            f"--store {store} already holds its data; give files to `natokg load --store {store} FILES`, "
            "or leave --store out to load them into memory"
        )
    return open_store_or_fail(store)


def open_store_or_fail(spec: str, *, existing: bool = True) -> Store:
    """Open the store `spec` names, or fail with a clear message.

    Parameters
    ----------
    spec
        A store spec (`natokg.stores.open_store`).
    existing
        Fail when the store has never been written (an Oxigraph folder that does not
        exist yet): a command that reads it would only see an empty graph.
    """
    from natokg.store import StoreError
    from natokg.stores import open_store

    try:
        opened = open_store(spec)
    except StoreError as exc:
        fail(str(exc))
    if existing and not getattr(opened, "exists", True):
        fail(f"{spec}: no store there yet; fill it with `natokg load --store {spec}`")
    return opened


def _version(value: bool) -> None:
    if value:
        import natokg

        typer.echo(f"natokg {natokg.__version__}")
        raise typer.Exit()


@app.callback()
def main(
    version: Annotated[
        bool,
        typer.Option("--version", callback=_version, is_eager=True, help="Show the version."),
    ] = False,
) -> None:
    """Knowledge graph of NATO S&T cooperation with Asia-Pacific partners."""
    # rdflib logs a traceback for every ill-typed literal; validation reports them, with files.
    logging.getLogger("rdflib.term").setLevel(logging.ERROR)
