"""What every ``natokg`` command shares: the Typer app, consoles, exit codes, loading.

Command modules (``cli.py`` and the ``cli_*.py`` modules it imports) register their
commands on `app`; keeping the shared parts here lets them live in separate files.
"""

from __future__ import annotations

import logging
import os
from typing import TYPE_CHECKING, Annotated, NoReturn

import typer
from rich.console import Console
from rich.markup import escape

if TYPE_CHECKING:
    from natokg.load import LoadResult


__all__ = [
    "EXIT_OK",
    "EXIT_UNUSABLE",
    "EXIT_VIOLATIONS",
    "PathsArgument",
    "app",
    "console",
    "fail",
    "load",
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


def load(paths: list[str] | None) -> LoadResult:
    """Load the shipped ontology with `paths` (default: the shipped graph), or fail."""
    from natokg.load import LoadError, load_graph

    try:
        return load_graph(paths or None)
    except LoadError as exc:
        fail(str(exc))


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
