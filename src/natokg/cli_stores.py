"""The store command: ``natokg load --store STORE [FILES...]`` fills a persistent store.

Every other command then reads that store with ``--store STORE`` instead of parsing the
files again. The store modules (and pyoxigraph) are imported inside the command.
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.markup import escape

from natokg._cli_app import MEMORY, app, console, fail, open_store_or_fail

if TYPE_CHECKING:
    from collections.abc import Callable

    from rich.progress import Progress, TaskID

__all__: list[str] = []

#: Files at least this big get a progress bar (on a terminal).
_PROGRESS_BYTES = 8 << 20


@app.command("load")
def load_command(
    paths: Annotated[
        list[str] | None,
        typer.Argument(
            help="RDF files to load (default: the shipped graph/*.ttl); the shipped ontology always goes in.",
            show_default=False,
        ),
    ] = None,
    store: Annotated[
        str,
        typer.Option(
            "--store",
            metavar="STORE",
            help="The store to fill: oxigraph:PATH (created if missing) or sparql:QUERY_URL,UPDATE_URL "
            "with optional fields ,graph=IRI ,user=NAME ,password-file=PATH ,auth=digest|basic; e.g. "
            "sparql:http://127.0.0.1:8890/sparql,http://127.0.0.1:8890/sparql-auth,"
            "graph=https://w3id.org/natokg/graph,user=dba,password-file=~/.natokg-virtuoso",
            show_default=False,
        ),
    ] = MEMORY,
    replace: Annotated[
        bool,
        typer.Option("--replace", help="Empty the store first (default: add to what it holds)."),
    ] = False,
) -> None:
    """Load the shipped ontology and the graph (or FILES) into a persistent store, all or nothing.

    A load that fails, or is killed, leaves the store as it was. Example:
    `natokg load --store oxigraph:build/store` then `natokg gaps --store oxigraph:build/store`.
    """
    from natokg import resources
    from natokg.load import LoadError, load_files
    from natokg.store import StoreError

    if store.strip() == MEMORY:
        fail(
            "natokg load fills a store that outlives the command: give --store oxigraph:PATH "
            "(or sparql:QUERY_URL,UPDATE_URL,graph=IRI,user=NAME,password-file=PATH); "
            "other commands load files into memory by themselves"
        )
    opened = open_store_or_fail(store, existing=False)
    files = [*resources.ontology_files(), *(paths or resources.graph_files())]
    try:
        before = len(opened) if getattr(opened, "exists", True) else 0
        started = time.perf_counter()
        from natokg.store_oxigraph import OxigraphStore

        if isinstance(opened, OxigraphStore):
            with _progress() as bar:
                after = opened.bulk_load(files, replace=replace, progress=_reporter(bar))
        elif replace:
            fail(f"--replace works with oxigraph stores; {store} keeps what it holds")
        else:
            load_files(opened, files)
            after = len(opened)
    except (LoadError, StoreError) as exc:  # SparqlStoreError is a StoreError
        fail(str(exc))
    took = time.perf_counter() - started
    size = sum(Path(file).stat().st_size for file in files)
    console(stderr=True).print(
        f"{escape(store)}: {after:,} triples (before: {before:,}); loaded {len(files)} files, "
        f"{size / 1e6:,.1f} MB in {took:.1f} s",
        soft_wrap=True,
        highlight=False,
    )


def _progress() -> Progress:
    """Return a progress display on stderr (drawn only on a terminal)."""
    from rich.progress import (
        BarColumn,
        DownloadColumn,
        Progress,
        TextColumn,
        TimeRemainingColumn,
        TransferSpeedColumn,
    )

    return Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        DownloadColumn(),
        TransferSpeedColumn(),
        TimeRemainingColumn(),
        console=console(stderr=True),
        transient=True,
    )


def _reporter(bar: Progress) -> Callable[[Path, int, int], None]:
    """Return a callback that shows the loading of each big file as a bar."""
    tasks: dict[Path, TaskID] = {}

    def report(file: Path, done: int, total: int) -> None:
        if total < _PROGRESS_BYTES:
            return
        if file not in tasks:
            tasks[file] = bar.add_task(escape(file.name), total=total)
        bar.update(tasks[file], completed=done)

    return report
