"""``flask report``: print the report figures of a period as JSON or CSV (names as in DEFINITIONS)."""

from __future__ import annotations

import csv
import json
import sys
from datetime import datetime

import click
from sqlalchemy import func, select

from cases.domain.report_definitions import NAMES
from cases.domain.report_figures import GROUPINGS
from cases.extensions import db
from cases.models import Case
from cases.reports.facts import rebuild
from cases.reports.service import FigureSet, ReportFilters, compute_figures, figures_by, today


@click.group("report", invoke_without_command=True)
@click.option("--format", "output_format", type=click.Choice(["json", "csv"]), default="json",
              show_default=True, help="Output format.")
@click.option("--from", "start", type=click.DateTime(["%Y-%m-%d"]),
              help="First day of receipt (YYYY-MM-DD, Shanghai time). Required without a subcommand.")
@click.option("--to", "end", type=click.DateTime(["%Y-%m-%d"]),
              help="Last day of receipt, included (YYYY-MM-DD). Required without a subcommand.")
@click.option("--by", type=click.Choice(GROUPINGS), help="One row per department, problem, channel or month.")
@click.option("--as-of", "as_of", type=click.DateTime(["%Y-%m-%d"]),
              help="The report's day: events after it are ignored (default: today).")
@click.option("--include-sealed", is_flag=True,
              help="Also count sealed accusations (检举控告) and cases waiting for screening.")
@click.pass_context
def report_command(ctx: click.Context, output_format: str, start: datetime | None, end: datetime | None,
                   by: str | None, as_of: datetime | None, include_sealed: bool) -> None:
    """Print the figures of the cases received from --from to --to (definitions: cases/reports)."""
    if ctx.invoked_subcommand is not None:
        return
    if start is None or end is None:
        raise click.UsageError("--from and --to are required (or a subcommand: rebuild).")
    if end < start:
        raise click.BadParameter("--to is before --from", param_hint="--to")
    filters = ReportFilters(start.date(), end.date(), as_of=as_of.date() if as_of else today())
    if by:
        rows = figures_by(by, filters, viewer_may_see_sealed=include_sealed)
    else:
        rows = [compute_figures(filters, viewer_may_see_sealed=include_sealed)]
    if output_format == "csv":
        _write_csv(rows)
        return
    document = {"from": filters.start.isoformat(), "to": filters.end.isoformat(),
                "as_of": filters.as_of.isoformat() if filters.as_of else None, "by": by,
                "include_sealed": include_sealed}
    if by:
        document["groups"] = [row.as_dict() for row in rows]
    else:
        document["figures"] = {name: rows[0][name] for name in NAMES}
    click.echo(json.dumps(document, ensure_ascii=False, indent=2))


def _write_csv(rows: list[FigureSet]) -> None:
    """One header line (group, then every machine name), one line per group; empty for no value."""
    writer = csv.writer(sys.stdout, lineterminator="\n")
    writer.writerow(["group", *NAMES])
    for row in rows:
        writer.writerow([row.group, *("" if row[name] is None else row[name] for name in NAMES)])


@report_command.command("rebuild")
def rebuild_command() -> None:
    """Rewrite the stored report facts of every case from its events (after a change of the
    calendar or the clocks, or to check them); the dashboards read the events meanwhile."""
    total = db.session.scalar(select(func.count()).select_from(Case)) or 0
    with click.progressbar(length=total, label="report facts", file=sys.stderr) as bar:
        done = rebuild(bar.update)
    click.echo(f"rebuilt the report facts of {done} case(s)")
