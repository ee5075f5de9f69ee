"""``flask cases export``."""

from __future__ import annotations

import json
import sys

import click
from flask.cli import AppGroup

from cases.export import iter_export

cases_cli = AppGroup("cases", help="Work with cases.")


@cases_cli.command("export")
@click.option("--jsonl", "as_jsonl", is_flag=True, required=True,
              help="Write JSON Lines (the only format, named for clarity).")
@click.option("--include-sealed", is_flag=True,
              help="Also export sealed accusations (检举控告) and confidential cases.")
@click.option("--output", "-o", type=click.Path(dir_okay=False, writable=True),
              help="Write to this file instead of standard output.")
def export_command(as_jsonl: bool, include_sealed: bool, output: str | None) -> None:
    """Write every case as one JSON object per line (the archive format, see cases/export.py)."""
    stream = open(output, "w", encoding="utf-8") if output else sys.stdout  # noqa: SIM115
    count = 0
    try:
        for record in iter_export(include_sealed=include_sealed):
            stream.write(json.dumps(record, ensure_ascii=False, sort_keys=True) + "\n")
            count += 1
    finally:
        if output:
            stream.close()
    click.echo(f"exported {count} case(s)", err=True)
