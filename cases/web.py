"""Web plumbing shared by every blueprint: extensions, locale, error pages, security headers."""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from flask import Flask, Response, abort, g, redirect, render_template, request, session, url_for
from flask.sessions import SecureCookieSessionInterface
from flask_babel import gettext as _
from flask_wtf.csrf import CSRFError
from sqlalchemy import text
from sqlalchemy.exc import OperationalError
from werkzeug.exceptions import RequestEntityTooLarge
from werkzeug.middleware.proxy_fix import ProxyFix
from werkzeug.routing import IntegerConverter, Map

from cases.auth import safe_next_path
from cases.domain.text_input import MAX_ID
from cases.extensions import babel, csrf, db, limiter, login_manager, mail, migrate

LANGUAGE_COOKIE = "lang"
_PATH_CONTROLS = re.compile(r"[\x00-\x1f\x7f]")


def select_locale() -> str:
    """The page language: the visitor's explicit choice, else Chinese (and Chinese outside requests)."""
    from flask import current_app, has_request_context

    if not has_request_context():  # jobs and commands: services still translate their messages
        return str(current_app.config["LANGUAGES"][0])
    if request.path.startswith("/api/"):
        return _accepted_language(current_app.config["LANGUAGES"])
    choice = session.get(LANGUAGE_COOKIE) or request.args.get("lang")

    languages = current_app.config["LANGUAGES"]
    return choice if choice in languages else languages[0]


def _accepted_language(languages: list[str]) -> str:
    """The API's language: the first of Accept-Language we speak (zh-CN, zh-Hans… are zh_Hans)."""
    for tag, _quality in request.accept_languages:
        base = tag.lower().replace("_", "-").split("-")[0]
        for language in languages:
            if language.lower().split("_")[0] == base:
                return language
    return languages[0]


def local_time(value: datetime | None, fmt: str = "%Y-%m-%d %H:%M") -> str:
    """Format a UTC timestamp in the display time zone (Asia/Shanghai)."""
    if value is None:
        return ""
    from flask import current_app

    return value.astimezone(ZoneInfo(current_app.config["DISPLAY_TIMEZONE"])).strftime(fmt)


def _security_headers(response: Response) -> Response:
    # Everything is served from this origin: pages must work on an intranet without a CDN.
    response.headers.setdefault(
        "Content-Security-Policy",
        "default-src 'self'; img-src 'self' data:; object-src 'none'; frame-ancestors 'none'; "
        "base-uri 'self'; form-action 'self'",
    )
    response.headers.setdefault("X-Content-Type-Options", "nosniff")
    response.headers.setdefault("Referrer-Policy", "same-origin")
    response.headers.setdefault("X-Frame-Options", "DENY")
    return response


class HttpsAwareSessionInterface(SecureCookieSessionInterface):
    """Session cookies get the Secure flag whenever the request came over HTTPS.

    The plain-HTTP embedded mode (``make run``) would lose its session with a fixed Secure flag,
    and a production site behind TLS must never send the cookie in clear.
    """

    def get_cookie_secure(self, app: Flask) -> bool:
        return bool(app.config.get("FORCE_HTTPS_COOKIES")) or (
            bool(request) and request.is_secure
        )


def _error_page(template: str, status: int, **context: object) -> tuple[Any, int]:
    if request.path.startswith("/api/"):
        # An integrator's program reads JSON, also for a path no route matched (no blueprint's
        # own handlers run then).
        from cases.api import error_for_status

        return error_for_status(status), status
    return render_template(template, **context), status


class RowIdConverter(IntegerConverter):
    """``<int:…>`` in every route: a number no row can have (past 32 bits) is a 404, not a 500."""

    def __init__(self, url_map: Map, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("max", MAX_ID)
        super().__init__(url_map, *args, **kwargs)


def init_app(app: Flask) -> None:
    """Initialise the extensions and the shared request handling on ``app``."""
    app.url_map.converters["int"] = RowIdConverter  # before any blueprint adds its routes
    if app.config["TRUSTED_PROXY_COUNT"]:
        n = app.config["TRUSTED_PROXY_COUNT"]
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=n, x_proto=n, x_host=n)  # type: ignore[method-assign]
    app.session_interface = HttpsAwareSessionInterface()
    import cases.handling.ratings  # noqa: F401  (registers the job closing unrated cases)
    import cases.handling.reminder_mail  # noqa: F401  (registers the job e-mailing reminders)
    import cases.mailer  # noqa: F401  (registers its jobs)
    import cases.models  # noqa: F401  (the whole metadata, for Alembic and the app)
    import cases.triage.screening  # noqa: F401  (registers the screening job)
    import cases.triage.suggest  # noqa: F401  (registers the retraining job)

    db.init_app(app)
    migrate.init_app(app, db, directory=app.config["MIGRATIONS_DIR"])
    mail.init_app(app)
    csrf.init_app(app)
    limiter.init_app(app)
    babel.init_app(app, locale_selector=select_locale)
    login_manager.init_app(app)
    login_manager.login_view = "staff.login"
    login_manager.login_message = None
    login_manager.session_protection = "strong"

    @login_manager.user_loader
    def load_user(session_id: str) -> object:
        # The stored id carries the user's session token: a cookie from before a logout,
        # a password change or a deactivation names an old token and loads nobody.
        from cases.auth import user_for_session

        return user_for_session(session_id)

    app.after_request(_security_headers)

    @app.before_request
    def _refuse_control_characters_in_the_path() -> None:
        # No page has such a name, and a path parameter holding a NUL would reach the database.
        if _PATH_CONTROLS.search(request.path):
            abort(404)
    app.jinja_env.filters["local_time"] = local_time

    @app.context_processor
    def _inject_locale() -> dict[str, object]:
        return {"current_locale": select_locale(), "languages": app.config["LANGUAGES"]}

    @app.route("/lang/<code>")
    def set_language(code: str) -> Response:
        if code in app.config["LANGUAGES"]:
            session[LANGUAGE_COOKIE] = code
        # Only same-site paths (the login page's check): an open redirect would be a phishing tool.
        target = safe_next_path(request.args.get("next")) or url_for("feedback.home")
        return redirect(target)  # type: ignore[return-value]

    @app.route("/healthz")
    def healthz() -> tuple[dict[str, str], int]:
        # For load balancers and operators: the database must answer.
        try:
            db.session.execute(text("SELECT 1"))
        except OperationalError:
            db.session.rollback()
            return {"status": "unavailable", "database": "unreachable"}, 503
        return {"status": "ok", "database": "ok"}, 200

    @app.errorhandler(CSRFError)
    def _csrf_error(error: CSRFError) -> tuple[str, int]:
        return _error_page(
            "errors/error.html", 400,
            title=_("The form has expired"),
            message=_("For your security the form could not be accepted. "
                      "Please go back, reload the page and submit again."),
        )

    @app.errorhandler(RequestEntityTooLarge)
    def _too_large(error: RequestEntityTooLarge) -> tuple[str, int]:
        return _error_page(
            "errors/error.html", 413,
            title=_("Too much data"),
            message=_("What you sent is larger than we can accept. "
                      "Please send fewer or smaller files."),
        )

    @app.errorhandler(OperationalError)
    def _database_down(error: OperationalError) -> tuple[str, int]:
        db.session.rollback()
        app.logger.error("database unavailable: %s", error.orig)
        g.database_down = True
        return _error_page(
            "errors/error.html", 503,
            title=_("Please try again later"),
            message=_("The service is temporarily unavailable. Nothing you sent has been "
                      "saved half-way; please try again in a few minutes."),
        )

    @app.errorhandler(404)
    def _not_found(error: Exception) -> tuple[str, int]:
        return _error_page(
            "errors/error.html", 404,
            title=_("Page not found"),
            message=_("The page you asked for does not exist."),
        )

    @app.errorhandler(403)
    def _forbidden(error: Exception) -> tuple[str, int]:
        return _error_page(
            "errors/error.html", 403,
            title=_("You may not open this page"),
            message=_("Your account does not have the role this page needs. "
                      "If you need it for your work, ask an administrator."),
        )

    @app.errorhandler(429)
    def _too_many(error: Exception) -> tuple[str, int]:
        return _error_page(
            "errors/error.html", 429,
            title=_("Too many attempts"),
            message=_("Please wait a while before trying again."),
        )
