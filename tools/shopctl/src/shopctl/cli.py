"""Entry point of `shopctl` (filled in by issue 9)."""

from __future__ import annotations

import typer

app = typer.Typer(no_args_is_help=True, help="Operate the shop's event streams and services.")


@app.callback()
def _root() -> None:
    """Operate the shop's event streams and services."""


def main() -> None:
    app()
