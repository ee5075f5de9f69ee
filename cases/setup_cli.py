"""``flask init`` and ``flask users create``."""

import click
from flask.cli import AppGroup

users_cli = AppGroup("users", help="Manage staff accounts.")


@click.command("init")
def init_command() -> None:
    """Migrate, import the bundled notice, create departments and the first admin."""
