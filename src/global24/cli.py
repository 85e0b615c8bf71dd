"""Command line: thin wrappers over library functions (filled in by the foundation work)."""

import typer

app = typer.Typer(help="Global24: an open-media news desk.", no_args_is_help=True)
