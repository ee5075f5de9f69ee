"""``flask --app wsgi reminders run [--loop]``: reminders and digests without ``rq cron`` (embedded mode)."""

from __future__ import annotations

import logging
import time
from datetime import UTC, datetime

import click
from flask import current_app
from flask.cli import AppGroup

from cases.extensions import db
from cases.handling.reminders import run_reminders
from cases.models.types import utcnow
from cases.outbox import commit_and_dispatch

reminders_cli = AppGroup("reminders", help="Reminders of the case clocks and the daily digests.")
log = logging.getLogger(__name__)


def run_once(now: datetime | None = None) -> str:
    """One run at ``now`` (default: the current time): record what is due, commit, then send it
    (in-process in embedded mode)."""
    run = run_reminders(now or utcnow())
    commit_and_dispatch()
    return str(run)


@reminders_cli.command("run")
@click.option("--loop", is_flag=True, help="Keep running (embedded mode, without rq cron).")
@click.option("--interval", type=float, default=None, help="Seconds between runs (REMINDER_INTERVAL).")
@click.option("--rounds", type=int, default=0, hidden=True, help="Stop a loop after this many runs.")
@click.option("--at", "at", type=click.DateTime(["%Y-%m-%dT%H:%M"]), default=None, hidden=True,
              help="Run as if it were this UTC time (tests).")
def run_command(loop: bool, interval: float | None, rounds: int, at: datetime | None) -> None:
    """Send the reminders and digests now due; each is sent once, however often this runs."""
    done = 0
    while True:
        try:
            click.echo(run_once(at.replace(tzinfo=UTC) if at else None))
        except Exception as error:
            if not loop:
                raise
            # A loop outlives a database restart: what was committed stays, the rest comes next round.
            db.session.rollback()
            log.exception("reminder run failed; trying again after the interval")
            click.echo(f"reminder run failed: {type(error).__name__}: {error}", err=True)
        done += 1
        if not loop or (rounds and done >= rounds):
            return
        time.sleep(interval if interval is not None else float(current_app.config["REMINDER_INTERVAL"]))
