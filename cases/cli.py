"""Command-line interface: ``flask --app wsgi <group> <command>``."""

from __future__ import annotations

from flask import Flask


def register_cli(app: Flask) -> None:
    """Attach every command group to the application."""
    from cases.catalogue_cli import catalogue_cli
    from cases.setup_cli import init_command, users_cli
    from cases.cases_cli import cases_cli

    app.cli.add_command(catalogue_cli)
    app.cli.add_command(cases_cli)
    app.cli.add_command(users_cli)
    app.cli.add_command(init_command)
