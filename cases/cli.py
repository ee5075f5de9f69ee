"""Command-line interface: ``flask --app wsgi <group> <command>``."""

from __future__ import annotations

import functools
from typing import Any

import click
from flask import Flask, current_app
from sqlalchemy.engine import make_url
from sqlalchemy.exc import OperationalError


def database_error_message(database_uri: str, error: OperationalError) -> str:
    """A one-paragraph explanation of a database failure for an operator."""
    url = make_url(database_uri)
    where = url.render_as_string(hide_password=True)
    reason = str(error.orig).strip().splitlines()[0] if error.orig else str(error)
    return (
        f"cannot use the database {where}: {reason}\n"
        "Check DATABASE_URL and that the database server is running. Nothing was changed."
    )


def _friendly_database_errors(command: click.Command) -> None:
    """Turn a database outage inside ``command`` into a clear message and exit status 1."""
    if isinstance(command, click.Group):
        for sub in command.commands.values():
            _friendly_database_errors(sub)
        return
    callback = command.callback
    # Commands are module-level objects shared by every app the process creates: wrap once.
    if callback is None or getattr(callback, "_database_errors_wrapped", False):
        return

    @functools.wraps(callback)
    def wrapped(*args: Any, **kwargs: Any) -> Any:
        try:
            return callback(*args, **kwargs)
        except OperationalError as error:
            raise click.ClickException(
                database_error_message(str(current_app.config["SQLALCHEMY_DATABASE_URI"]), error)
            ) from None

    wrapped._database_errors_wrapped = True  # type: ignore[attr-defined]
    command.callback = wrapped


def register_cli(app: Flask) -> None:
    """Attach every command group to the application."""
    from cases.cases_cli import cases_cli
    from cases.catalogue_cli import catalogue_cli
    from cases.demo.cli import demo_cli
    from cases.reminders_cli import reminders_cli
    from cases.reports.cli import report_command
    from cases.setup_cli import about_command, init_command, users_cli

    commands: list[click.Command] = [catalogue_cli, cases_cli, users_cli, init_command, about_command,
                                     report_command, demo_cli, reminders_cli]
    for command in commands:
        _friendly_database_errors(command)
        app.cli.add_command(command)


