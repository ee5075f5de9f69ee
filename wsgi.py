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
    from cases.cli import register_cli
    from cases.staff import staff_bp
    from feedback import feedback_bp

    web.init_app(app)
    app.register_blueprint(staff_bp)
    app.register_blueprint(feedback_bp)
    register_cli(app)
    return app
