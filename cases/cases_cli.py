"""``flask cases``: export, reindex, classify, evaluate."""

from __future__ import annotations

import json
import sys
from contextlib import nullcontext

import click
from flask.cli import AppGroup

from cases.export import count_export, iter_export

cases_cli = AppGroup("cases", help="Work with cases.")


def _stderr_is_terminal() -> bool:
    """Whether standard error is a terminal (someone is watching the command run)."""
    return sys.stderr.isatty()


@cases_cli.command("export")
@click.option("--jsonl", "as_jsonl", is_flag=True, required=True,
              help="Write JSON Lines (the only format, named for clarity).")
@click.option("--include-sealed", is_flag=True,
              help="Also export sealed accusations (检举控告) and confidential cases.")
@click.option("--output", "-o", type=click.Path(dir_okay=False, writable=True),
              help="Write to this file instead of standard output.")
def export_command(as_jsonl: bool, include_sealed: bool, output: str | None) -> None:
    """Write every case as one JSON object per line (the archive format, see cases/export.py).

    A progress bar goes to standard error when writing to a file or when standard error is a
    terminal; standard output holds the JSON Lines and nothing else.
    """
    stream = open(output, "w", encoding="utf-8") if output else sys.stdout  # noqa: SIM115
    count = 0
    records = iter_export(include_sealed=include_sealed)
    progress = (click.progressbar(records, length=count_export(include_sealed), label="exporting cases",
                                  file=sys.stderr)
                if output or _stderr_is_terminal() else nullcontext(records))
    try:
        with progress as shown:
            for record in shown:
                stream.write(json.dumps(record, ensure_ascii=False, sort_keys=True) + "\n")
                count += 1
    finally:
        if output:
            stream.close()
    click.echo(f"exported {count} case(s)", err=True)


@cases_cli.command("reindex")
@click.option("--batch", default=500, show_default=True, help="Cases per transaction.")
def reindex_command(batch: int) -> None:
    """Recompute every case's search words (after a change of what search covers)."""
    from sqlalchemy import select
    from sqlalchemy.orm import selectinload

    from cases.extensions import db
    from cases.models import Case
    from cases.triage.suggest import refresh_search_text

    last_id, count = 0, 0
    while True:
        page = list(db.session.scalars(select(Case).where(Case.id > last_id).order_by(Case.id).limit(batch)
                                       .options(selectinload(Case.messages))))
        if not page:
            break
        for case in page:
            refresh_search_text(case)
        db.session.commit()  # one batch per transaction: a large archive never holds one long lock
        last_id, count = page[-1].id, count + len(page)
        db.session.expunge_all()
    click.echo(f"reindexed {count} case(s)")


@cases_cli.command("classify")
@click.option("--jsonl", "as_jsonl", is_flag=True, required=True,
              help='Read {"id", "subject", "text"} lines on standard input, write one result per line.')
def classify_command(as_jsonl: bool) -> None:
    """Suggest problems, kind, accusation and out-of-scope flags for messages (JSON Lines in and out)."""
    from cases.triage.suggest import current_classifier
    from classifier.engine import classify_jsonl_lines

    classifier = current_classifier()
    if classifier is None:
        raise click.ClickException("no catalogue imported: run `flask --app wsgi init` first")
    for result in classify_jsonl_lines(sys.stdin, classifier):
        sys.stdout.write(json.dumps(result, ensure_ascii=False) + "\n")
        sys.stdout.flush()  # one answer per line as it comes, for callers that pipe message by message


@cases_cli.command("evaluate")
@click.argument("files", nargs=-1, required=True, type=click.Path(exists=True, dir_okay=False))
def evaluate_command(files: tuple[str, ...]) -> None:
    """Print top-1/top-3, accusation precision/recall, out-of-scope recall and speed for labelled files."""
    # The figures are those of `python -m classifier evaluate`, the same function the tests assert on.
    from cases.triage.suggest import current_classifier
    from classifier.evaluation import evaluate, load_labelled, report

    classifier = current_classifier()
    if classifier is None:
        raise click.ClickException("no catalogue imported: run `flask --app wsgi init` first")
    for path in files:
        click.echo(report(path, evaluate(classifier, load_labelled(path))))
