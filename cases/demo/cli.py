"""``flask demo seed``: a living system for a newcomer, built through the real services."""

from __future__ import annotations

from datetime import UTC, datetime, time

import click
from flask.cli import AppGroup

from cases.demo.plan import SHANGHAI

demo_cli = AppGroup("demo", help="Demo data.")


@demo_cli.command("seed")
@click.option(
    "--cases",
    "count",
    type=click.IntRange(1, 1_000_000),
    default=200,
    show_default=True,
    help="How many cases to create.",
)
@click.option(
    "--seed", type=int, default=1, show_default=True, help="Random seed: the same seed, the same history."
)
@click.option(
    "--months",
    type=click.IntRange(1, 60),
    default=6,
    show_default=True,
    help="How many months back the history starts.",
)
@click.option(
    "--until",
    type=click.DateTime(formats=["%Y-%m-%d"]),
    default=None,
    help="Last day of the history (default: now). Give it to repeat a history exactly.",
)
def seed_command(count: int, seed: int, months: int, until: datetime | None) -> None:
    """Create COUNT cases over the past months: every channel, triage decisions, departments, returns,
    transfers, extensions, replies, ratings, reviews, overdue cases and a few accusations.

    Each step is taken by the real services on its own past date. E-mails are not sent: their outbox
    rows are marked done ("demo seed: not sent"). Staff accounts are created when missing
    (*@demo.example.com, random passwords: set one with `flask users`).
    """
    from cases.demo.seed import DemoError, Seeder

    end = (
        datetime.combine(until.date(), time(18, 0), SHANGHAI).astimezone(UTC) if until else datetime.now(UTC)
    )
    seeder = Seeder(seed=seed, until=end, months=months)
    with click.progressbar(length=count, label="seeding cases") as bar:
        try:
            result = seeder.run(count, on_case=lambda: bar.update(1))
        except DemoError as error:
            raise click.ClickException(str(error)) from None
    click.echo(
        f"seeded {result.cases} case(s) up to {end:%Y-%m-%d %H:%M} UTC; "
        f"{result.silenced} e-mail(s) marked not sent"
    )
    for status, number in sorted(result.statuses.items()):
        click.echo(f"  {status}: {number}")
    for failure in result.failed:
        click.echo(f"failed: {failure}", err=True)
    if result.failed:
        raise SystemExit(1)
