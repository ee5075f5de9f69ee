"""``flask catalogue import|show``."""

import click
from flask.cli import AppGroup

catalogue_cli = AppGroup("catalogue", help="Import and show the rectification catalogue.")
