"""Run the command line: ``python -m natokg``."""

from natokg.cli import app

app(prog_name="natokg")
