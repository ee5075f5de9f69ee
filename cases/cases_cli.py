"""``flask cases export``."""

from flask.cli import AppGroup

cases_cli = AppGroup("cases", help="Work with cases.")
