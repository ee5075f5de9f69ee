"""``flask init`` and ``flask users create | set-password | deactivate``."""

from __future__ import annotations

import sys
from collections.abc import Callable
from typing import TypeVar

import click
from flask import current_app
from flask.cli import AppGroup
from flask_migrate import upgrade

from cases.admin import audit
from cases.admin.accounts import account_snapshot
from cases.api_tokens import create_token, revoke_token, tokens_of
from cases.auth import normalise_email
from cases.catalogue import import_bundled_if_missing
from cases.departments import ensure_default_departments
from cases.domain.roles import ADMIN, ROLES
from cases.extensions import db
from cases.handling.discipline_measures import ensure_default_measures
from cases.models import ApiToken, StaffUser
from cases.models.types import utcnow
from cases.notice_templates import ensure_default_templates
from cases.users import UserError, create_user, deactivate_user, find_user, has_admin, set_password

T = TypeVar("T")
users_cli = AppGroup("users", help="Manage staff accounts.")
COMMAND_LINE = "command line"  # the audit log's actor for changes made here


def _create_user(*args: object, **kwargs: object) -> tuple[StaffUser, str]:
    """create_user, with its audit event (the administration pages show who added whom, and how)."""
    user, password = create_user(*args, **kwargs)  # type: ignore[arg-type]
    audit.record(audit.STAFF_USER, user.id, "created", actor=None, actor_label=COMMAND_LINE,
                 after=account_snapshot(user))
    return user, password


def _set_password(email: str, given: str | None) -> str:
    user = find_user(email)
    password = set_password(user, given)
    audit.record(audit.STAFF_USER, user.id, "password_set_by_command", actor=None, actor_label=COMMAND_LINE,
                 after={"must_change": user.must_change_password})
    return password


def _deactivate(email: str) -> None:
    user = find_user(email)
    before = account_snapshot(user)
    deactivate_user(user)
    audit.record(audit.STAFF_USER, user.id, "deactivated", actor=None, actor_label=COMMAND_LINE,
                 before=before, after=account_snapshot(user))


@click.command("init")
@click.option("--admin-email", default="admin@hqcbd.shanghai.gov.cn", show_default=True,
              help="E-mail of the first admin, created only when no admin exists.")
def init_command(admin_email: str) -> None:
    """Migrate, import the bundled notice, create departments, the discipline track's measures, the
    notice templates and the first admin (idempotent: rows staff have edited are left alone)."""
    upgrade()
    plan, imported = import_bundled_if_missing()
    departments, rules = ensure_default_departments()
    measures = ensure_default_measures()
    templates = ensure_default_templates()
    password = None
    if not has_admin():
        _user, password = _create_user(admin_email, [ADMIN], display_name="Administrator")
    db.session.commit()
    staged = _record_leftover_staged()
    click.echo("database schema: up to date")
    click.echo(f"catalogue: {'imported' if imported else 'already present'} ({plan.title[:30]}…)")
    click.echo(f"departments added: {departments}; routing rules added: {rules}")
    click.echo(f"discipline measures added: {measures}")
    click.echo(f"outgoing mail: {_mail_destination()}")
    click.echo(f"links in mail: {_link_base()}")
    click.echo(f"notice templates added: {templates}")
    click.echo(f"staged opinions recorded as cases: {staged}")
    if password is not None:
        click.echo(f"first admin created: {admin_email}")
        click.echo(f"password (shown once, change it after logging in): {password}")
    else:
        click.echo("admin account: already present")


def _record_leftover_staged() -> int:
    """Opinions a Redis-mode run staged and no worker recorded: the embedded mode's form records its
    cases in the request and never looks for them, so every start (``make run`` runs init) does."""
    from cases.outbox import commit_and_dispatch
    from cases.staging import record_staged_cases

    recorded = 0
    while True:
        run = record_staged_cases()
        commit_and_dispatch()
        recorded += run.recorded
        if not run.more:
            return recorded


@users_cli.command("create")
@click.option("--email", required=True, help="The staff member's e-mail (their login).")
@click.option("--role", "roles", multiple=True, required=True, type=click.Choice(ROLES),
              help="A role; repeat for several.")
@click.option("--department", "departments", multiple=True,
              help="A department code; repeat for several (see `flask --app wsgi init`).")
@click.option("--name", default="", help="Display name.")
@click.option("--password-stdin", is_flag=True, help="Read the password from standard input.")
def create_user_command(email: str, roles: tuple[str, ...], departments: tuple[str, ...], name: str,
                        password_stdin: bool) -> None:
    """Create a staff account; a random password is printed once unless --password-stdin."""
    given = _stdin_password(password_stdin)
    user, password = _committed(lambda: _create_user(email, roles, departments, given, display_name=name))
    click.echo(f"created {user.email} with roles {', '.join(sorted(user.roles))}")
    _show_once(password, given)


@users_cli.command("set-password")
@click.option("--email", required=True, help="The staff member's e-mail (their login).")
@click.option("--password-stdin", is_flag=True, help="Read the new password from standard input.")
def set_password_command(email: str, password_stdin: bool) -> None:
    """Set a new password (random, printed once, unless --password-stdin); ends the user's sessions."""
    given = _stdin_password(password_stdin)
    password = _committed(lambda: _set_password(email, given))
    click.echo(f"new password set for {normalise_email(email)}; their sessions have ended")
    _show_once(password, given)


@users_cli.command("deactivate")
@click.option("--email", required=True, help="The staff member's e-mail (their login).")
def deactivate_command(email: str) -> None:
    """Deactivate a staff account: it can no longer log in and its sessions end at once."""
    _committed(lambda: _deactivate(email))
    click.echo(f"deactivated {normalise_email(email)}; their sessions have ended")


def _mail_destination() -> str:
    """Where outgoing mail goes: the SMTP server, or the folder it is written to as files."""
    config = current_app.config
    if config.get("MAIL_FILE_DIR"):
        return f"written as .eml files to {config['MAIL_FILE_DIR']} (not sent; set MAIL_SERVER to send)"
    return f"SMTP {config['MAIL_SERVER']}:{config['MAIL_PORT']}"


def _link_base() -> str:
    """How links in mail made outside a request start, or a warning that they will be missing."""
    config = current_app.config
    if config.get("SERVER_NAME"):
        return f"{config['PREFERRED_URL_SCHEME']}://{config['SERVER_NAME']}/"
    if config.get("REDIS_URL"):
        return "MISSING: set SERVER_NAME, or mail sent by the worker and cron has no tracking link"
    return "the address of the request (set SERVER_NAME for mail sent by cron and the poller)"


@users_cli.command("token")
@click.argument("email")
@click.option("--name", default="", help="What the token is for (e.g. the OA system).")
@click.option("--days", default=365, show_default=True, type=click.IntRange(0, 3650),
              help="Valid for this many days; 0: until revoked.")
def token_command(email: str, name: str, days: int) -> None:
    """Make an API token for a staff member; the token is the last line (shown only now)."""
    user = _committed(lambda: find_user(email))
    if not user.active:
        raise click.ClickException(f"{user.email} is deactivated: a token would not work")
    token, secret = _committed(lambda: create_token(user, name, now=utcnow(), days=days or None,
                                                    actor_label=COMMAND_LINE))
    click.echo(f"token {token.id} for {user.email}" + (f", valid until {token.expires_at:%Y-%m-%d}"
                                                      if token.expires_at else ", valid until revoked"))
    click.echo(secret)


@users_cli.command("tokens")
@click.argument("email")
def tokens_command(email: str) -> None:
    """List a staff member's API tokens (never the tokens themselves)."""
    user = _committed(lambda: find_user(email))
    for token in tokens_of(user):
        state = "revoked" if token.revoked_at else "active"
        used = f"{token.last_used_at:%Y-%m-%d %H:%M}" if token.last_used_at else "never"
        click.echo(f"{token.id}\t{token.prefix}…\t{state}\tlast used {used}\t{token.name}")


@users_cli.command("revoke-token")
@click.argument("token_id", type=int)
def revoke_token_command(token_id: int) -> None:
    """Revoke an API token by its number (see `users tokens`)."""
    token = db.session.get(ApiToken, token_id)
    if token is None:
        raise click.ClickException(f"no API token {token_id}")
    changed = _committed(lambda: revoke_token(token, now=utcnow(), actor=None, actor_label=COMMAND_LINE))
    click.echo(f"token {token_id} revoked" if changed else f"token {token_id} was already revoked")


def _stdin_password(wanted: bool) -> str | None:
    return sys.stdin.readline().rstrip("\n") if wanted else None


def _committed(change: Callable[[], T]) -> T:
    # The command is the boundary: one commit, and a refused change is a clean error, not a traceback.
    try:
        result = change()
    except UserError as error:
        raise click.ClickException(str(error)) from None
    db.session.commit()
    return result


def _show_once(password: str, given: str | None) -> None:
    if given is None:  # generated here: this is the only time anyone sees it
        click.echo(f"password (shown once): {password}")


@click.command("about")
def about_command() -> None:
    """Print the effective configuration (no secrets) and where each package was imported from."""
    from sqlalchemy.engine import make_url

    config = current_app.config
    url = make_url(str(config["SQLALCHEMY_DATABASE_URI"]))
    click.echo(f"database: {url.render_as_string(hide_password=True)}")
    click.echo(f"redis: {config['REDIS_URL'] or 'none (embedded mode: jobs run in-process)'}")
    click.echo(f"outgoing mail: {_mail_destination()}")
    click.echo(f"links in mail: {_link_base()}")
    click.echo(f"imap: {config['IMAP_HOST'] or 'not configured'}")
    click.echo(f"mailbox package: {config['MAILBOX_PACKAGE']}")
