"""``flask catalogue import|show``."""

from __future__ import annotations

import json
from pathlib import Path

import click
from flask.cli import AppGroup

from cases.catalogue import (
    catalogue_as_dict,
    current_plan,
    figures_of,
    import_or_get,
    plan_counts,
    read_notice_file,
)
from cases.domain.catalogue_parser import NoticeFormatError, int_to_cn
from cases.extensions import db
from cases.models.catalogue import RectificationPlan

catalogue_cli = AppGroup("catalogue", help="Import and show the rectification catalogue.")


def _summary(plan: RectificationPlan) -> str:
    counts = plan_counts(plan)
    return (
        f"{counts['areas']} areas, {counts['problems']} problems, "
        f"{counts['tasks']} tasks, {counts['measures']} measures"
    )


@catalogue_cli.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
def import_command(file: Path) -> None:
    """Import a notice FILE (UTF-8, with or without BOM); importing it again changes nothing."""
    ctx = click.get_current_context()
    try:
        text = read_notice_file(file)
    except UnicodeDecodeError as error:
        click.echo(f"{file}: not UTF-8 text ({error}) / 文件不是UTF-8编码", err=True)
        ctx.exit(1)
    try:
        plan, created = import_or_get(text)
    except NoticeFormatError as error:
        # The parser runs before anything is added; the rollback is belt and braces.
        db.session.rollback()
        click.echo(f"{file}: {error}", err=True)
        ctx.exit(1)
    db.session.commit()
    click.echo(f"imported: {_summary(plan)}" if created else f"already imported: {_summary(plan)}")


@catalogue_cli.command("show")
@click.option("--json", "as_json", is_flag=True, help="Print the catalogue as JSON.")
def show_command(as_json: bool) -> None:
    """Show the current catalogue as a tree, or as JSON with --json."""
    plan = current_plan()
    if plan is None:
        click.echo(
            "no catalogue imported: run `flask --app wsgi catalogue import FILE` first / 尚未导入整改清单",
            err=True,
        )
        click.get_current_context().exit(1)
    if as_json:
        click.echo(json.dumps(catalogue_as_dict(plan), ensure_ascii=False, indent=2))
        return
    for line in _tree_lines(plan):
        click.echo(line)


def _tree_lines(plan: RectificationPlan) -> list[str]:
    figures = ", ".join(f"{name}={value}" for name, value in figures_of(plan).items())
    lines = [plan.title, f"imported {plan.imported_at:%Y-%m-%d %H:%M} UTC: {_summary(plan)}"]
    lines.append(f"published figures: {figures}")
    for area in plan.areas:
        lines.append(f"({int_to_cn(area.number)}) {area.title}")
        for problem in area.problems:
            lines.append(f"  {problem.code} {problem.title}")
            for task in problem.tasks:
                lines.append(f"    {problem.code}.{task.position} {task.headline}")
                for measure in task.measures:
                    text = measure.text if len(measure.text) <= 40 else measure.text[:40] + "…"
                    lines.append(f"      {measure.label} {text}")
    return lines
