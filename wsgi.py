"""Composition root: create_app() wires configuration, extensions, blueprints and CLI."""

from __future__ import annotations

import logging
import os
from pathlib import Path
from typing import Any

from flask import Flask

PROJECT_ROOT = Path(__file__).resolve().parent


def _check_mailbox_package() -> str:
    """Fail loudly when the standard-library ``mailbox`` shadows ours (project root not first)."""
    import mailbox

    location = getattr(mailbox, "__file__", "") or ""
    if not getattr(mailbox, "IS_PROJECT_MAILBOX", False):
        raise RuntimeError(
            f"'mailbox' resolved to {location}, not this project's package: start the program "
            f"from the project root with it first on sys.path (make install sets this up)."
        )
    return location


def create_app(test_config: dict[str, Any] | None = None) -> Flask:
    """Build the application; ``test_config`` overrides the environment's configuration."""
    mailbox_location = _check_mailbox_package()
    app = Flask(
        __name__,
        instance_path=os.environ.get("HQCBD_INSTANCE_PATH") or str(PROJECT_ROOT / "instance"),
        template_folder=str(PROJECT_ROOT / "templates"),
        static_folder=str(PROJECT_ROOT / "static"),
    )
    from cases.config import load_config

    app.config.from_mapping(load_config(Path(app.instance_path)))
    if test_config:
        app.config.from_mapping(test_config)
    app.config["MAILBOX_PACKAGE"] = mailbox_location
    app.config.setdefault("MIGRATIONS_DIR", str(PROJECT_ROOT / "migrations"))
    app.logger.setLevel(logging.INFO)

    from cases import web
    from cases.api import api_bp
    from cases.cli import register_cli
    from cases.staff import staff_bp
    from feedback import feedback_bp
    from feedback.open311 import open311_bp
    from mailbox.cli import mailbox_cli
    from mailbox.web import mailbox_bp

    web.init_app(app)
    app.register_blueprint(staff_bp)
    app.register_blueprint(feedback_bp)
    app.register_blueprint(mailbox_bp)
    app.register_blueprint(api_bp)
    app.register_blueprint(open311_bp)
    register_cli(app)
    app.cli.add_command(mailbox_cli)
    app.logger.info("mailbox package: %s", mailbox_location)
    return app


def warm_up(app: Flask) -> None:
    """Load what the first requests would otherwise wait for (the classifier), then drop connections.

    Called in a pre-forking server's master; a failure (the database is down at boot) is logged
    and the server starts anyway: the workers load what they need on first use.
    """
    import gc

    from cases.extensions import db
    from cases.triage.suggest import current_classifier

    with app.app_context():
        try:
            loaded = current_classifier() is not None
            app.logger.info("warm-up in the master: classifier %s",
                            "loaded" if loaded else "absent (no catalogue)")
        except Exception:  # noqa: BLE001 - warming is an optimisation, never a reason not to start
            app.logger.exception("warm-up failed; the workers will load the classifier themselves")
        finally:
            db.session.remove()
            db.engine.dispose()  # no connection may be shared with the forked workers
    gc.freeze()  # what the master loaded stays shared (copy-on-write) instead of being collected


def forget_inherited_connections(app: Flask) -> None:
    """In a forked worker: leave the parent's pooled connections alone and open new ones."""
    from cases.extensions import db

    with app.app_context():
        db.engine.dispose(close=False)


_worker_app: Flask | None = None


def _app_for_jobs() -> Flask:
    """One application per worker process, built on first use."""
    global _worker_app
    if _worker_app is None:
        _worker_app = create_app()
    return _worker_app


def run_outbox_item(item_id: int) -> object:
    """RQ entry point: run one outbox job inside the application (re-raises so RQ retries)."""
    from cases.outbox import run_item

    with _app_for_jobs().app_context():
        return run_item(item_id)


def sweep_outbox() -> int:
    """RQ cron entry point: enqueue outbox jobs left pending (Redis was down) or stale."""
    from cases.outbox import dispatch_pending

    with _app_for_jobs().app_context():
        return dispatch_pending()


def screen_held_cases() -> str:
    """RQ cron entry point: screen cases still held (a screening job that finally failed, say)."""
    from cases.extensions import db
    from cases.triage.screening import screen_new_cases

    with _app_for_jobs().app_context():
        result = screen_new_cases()
        db.session.commit()
        return result


def close_unrated_cases() -> str:
    """RQ cron entry point: close replied cases whose rating wait has ended (idempotent)."""
    from cases.extensions import db
    from cases.handling.ratings import close_unrated_cases as close

    with _app_for_jobs().app_context():
        result = close()
        db.session.commit()
        return result


def record_staged_cases() -> str:
    """RQ entry point (asked for by the web form, and by cron): record staged opinions as cases."""
    from cases.outbox import commit_and_dispatch
    from cases.staging import ask_for_recording
    from cases.staging import record_staged_cases as record

    with _app_for_jobs().app_context():
        run = record()
        commit_and_dispatch()
        if run.more:
            ask_for_recording()
        if run.failed:
            raise RuntimeError(str(run))  # RQ retries; the rows that failed stay staged
        return str(run)


def poll_mailbox() -> object:
    """RQ cron entry point: poll the published mailbox once under its lock (re-raises on failure)."""
    from mailbox.cli import poll_locked
    from mailbox.settings import load_settings

    with _app_for_jobs().app_context():
        settings = load_settings()
        if not settings.host:
            return "IMAP_HOST not set"
        summary = poll_locked(settings)
        return "another poller holds the lock" if summary is None else summary.as_dict()


def refresh_report_facts() -> str:
    """RQ entry point (after a commit that changed cases, and by cron): refresh the dirty report facts."""
    from cases.reports.aggregate import facts_current
    from cases.reports.facts import sweep_dirty

    with _app_for_jobs().app_context():
        done = sweep_dirty()
        if not facts_current():
            _app_for_jobs().logger.warning("the report facts were built with another calendar or other "
                                           "clocks: run `flask report rebuild` (reports read the events)")
        return f"refreshed the report facts of {done} case(s)"


def where_is_mailbox() -> str:
    """Diagnostic job: the file the ``mailbox`` package was imported from in this process."""
    return _check_mailbox_package()


def send_reminders() -> str:
    """RQ cron entry point: e-mail the reminders and digests now due (each once, whatever runs twice)."""
    from cases.reminders_cli import run_once

    with _app_for_jobs().app_context():
        return run_once()
