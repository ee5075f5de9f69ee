"""Configuration from the environment; each name is documented in the README."""

from __future__ import annotations

import os
import secrets
from pathlib import Path

TRUE_WORDS = {"1", "true", "yes", "on"}


def _flag(env: dict[str, str], name: str, default: bool) -> bool:
    raw = env.get(name)
    if raw is None or raw == "":
        return default
    return raw.strip().lower() in TRUE_WORDS


# Environment name → default number of working days (信访工作条例 practice).
CLOCK_DEFAULTS = {
    "CLOCK_ACCEPTANCE_DAYS": 15,
    "CLOCK_REPLY_DAYS": 60,
    "CLOCK_EXTENSION_MAX_DAYS": 30,
    "CLOCK_RETURN_DAYS": 5,
    "CLOCK_REVIEW_DAYS": 30,
    "CLOCK_DISCIPLINE_NOTICE_DAYS": 15,
    "CLOCK_DISCIPLINE_REPORT_DAYS": 15,
    "CLOCK_RATING_WAIT_DAYS": 15,
}


def _int(env: dict[str, str], name: str, default: int) -> int:
    raw = env.get(name, "").strip()
    if not raw:
        return default
    value = int(raw)
    if value < 0:
        raise ValueError(f"{name} must not be negative")
    return value


def _secret_key(instance_path: Path) -> str:
    """Read the instance's secret key, generating it on first run (never a default in code)."""
    key_file = instance_path / "secret_key"
    if key_file.exists():
        return key_file.read_text(encoding="ascii").strip()
    instance_path.mkdir(parents=True, exist_ok=True)
    key = secrets.token_urlsafe(48)
    # O_EXCL: two processes starting together must not overwrite each other's key.
    try:
        fd = os.open(key_file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return key_file.read_text(encoding="ascii").strip()
    with os.fdopen(fd, "w", encoding="ascii") as handle:
        handle.write(key)
    return key


def normalise_database_url(url: str) -> str:
    """Make bare ``postgres://`` and ``postgresql://`` URLs name the driver we ship (psycopg 3)."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix):]
    return url


def _database_url(env: dict[str, str], instance_path: Path) -> str:
    url = env.get("DATABASE_URL", "").strip()
    if not url:
        instance_path.mkdir(parents=True, exist_ok=True)
        return f"sqlite:///{instance_path / 'hqcbd.sqlite3'}"
    return normalise_database_url(url)


def _mail_file_dir(env: dict[str, str], instance_path: Path, *, embedded: bool) -> str | None:
    """Where outgoing mail is written as .eml files instead of being sent, or None to send by SMTP.

    The embedded mode with no mail server given (a newcomer's ``make run``) writes files, so that
    what would be sent can be read and nothing waits on a server that does not exist.
    """
    if "MAIL_FILE_DIR" in env:
        return env["MAIL_FILE_DIR"].strip() or None
    if embedded and not env.get("MAIL_SERVER"):
        return str(instance_path / "outgoing-mail")
    return None


def load_config(instance_path: Path, env: dict[str, str] | None = None) -> dict[str, object]:
    """Build the Flask config mapping from environment variables."""
    env = dict(os.environ if env is None else env)
    database_url = _database_url(env, instance_path)
    redis_url = env.get("REDIS_URL", "").strip() or None
    config: dict[str, object] = {
        "SECRET_KEY": env.get("SECRET_KEY") or _secret_key(instance_path),
        "SQLALCHEMY_DATABASE_URI": database_url,
        "SQLALCHEMY_ENGINE_OPTIONS": {"pool_pre_ping": True},
        "REDIS_URL": redis_url,
        "EMBEDDED_JOBS": redis_url is None,
        "RQ_QUEUE": env.get("RQ_QUEUE", "hqcbd"),
        # Flask-Mail reads its own MAIL_* names.
        "MAIL_SERVER": env.get("MAIL_SERVER", "localhost"),
        "MAIL_PORT": int(env.get("MAIL_PORT", "25")),
        "MAIL_USE_TLS": _flag(env, "MAIL_USE_TLS", False),
        "MAIL_USE_SSL": _flag(env, "MAIL_USE_SSL", False),
        "MAIL_USERNAME": env.get("MAIL_USERNAME") or None,
        "MAIL_PASSWORD": env.get("MAIL_PASSWORD") or None,
        "MAIL_DEFAULT_SENDER": env.get("MAIL_DEFAULT_SENDER", "hqcbd@hqcbd.shanghai.gov.cn"),
        "MAIL_SUPPRESS_SEND": _flag(env, "MAIL_SUPPRESS_SEND", False),
        "MAIL_FILE_DIR": _mail_file_dir(env, instance_path, embedded=redis_url is None),
        # The site's public host name: links in mail made outside a request (the RQ worker, cron,
        # the mailbox poller) are built on it. Flask 3.1 does not restrict requests to it.
        # (The test client also takes its scheme from PREFERRED_URL_SCHEME: http unless a public
        # name is given.)
        "SERVER_NAME": env.get("SERVER_NAME", "").strip() or None,
        "PREFERRED_URL_SCHEME": env.get("PREFERRED_URL_SCHEME", "").strip()
        or ("https" if env.get("SERVER_NAME", "").strip() else "http"),
        "IMAP_HOST": env.get("IMAP_HOST") or None,
        "IMAP_PORT": int(env["IMAP_PORT"]) if env.get("IMAP_PORT") else None,
        "IMAP_USER": env.get("IMAP_USER") or None,
        "IMAP_PASSWORD": env.get("IMAP_PASSWORD") or None,
        "IMAP_SSL": _flag(env, "IMAP_SSL", True),
        "IMAP_FOLDER": env.get("IMAP_FOLDER", "INBOX"),
        "BABEL_DEFAULT_LOCALE": "zh_Hans",
        "BABEL_DEFAULT_TIMEZONE": "Asia/Shanghai",
        "LANGUAGES": ("zh_Hans", "en"),
        "DISPLAY_TIMEZONE": "Asia/Shanghai",
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "REMEMBER_COOKIE_HTTPONLY": True,
        "REMEMBER_COOKIE_SAMESITE": "Lax",
        # Secure cookies whenever the site is served over HTTPS (see PREFERRED_URL_SCHEME and
        # the request hook in cases.web); plain-HTTP embedded mode keeps them usable.
        "FORCE_HTTPS_COOKIES": _flag(env, "FORCE_HTTPS_COOKIES", False),
        "TRUSTED_PROXY_COUNT": int(env.get("TRUSTED_PROXY_COUNT", "0")),
        "RATELIMIT_STORAGE_URI": redis_url or "memory://",
        # Redis down must not take the site down: the limits go on in each process's memory (and
        # back to Redis once it answers), and a hung Redis costs a request one second, not minutes.
        "RATELIMIT_IN_MEMORY_FALLBACK_ENABLED": True,
        "RATELIMIT_STORAGE_OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1} if redis_url else {},
        "RATELIMIT_HEADERS_ENABLED": True,
        "LOGIN_THROTTLE": env.get("LOGIN_THROTTLE", "10 per minute;50 per hour"),
        # Wrong passwords (cases/guess_limits.py): no account is ever locked. Per e-mail and client
        # address (the tries shown), per address for any e-mail, and per e-mail from every address
        # (above it each address has one wrong password per window for that e-mail).
        "LOGIN_FAILURES": env.get("LOGIN_FAILURES", "5 per 15 minutes"),
        "LOGIN_ADDRESS_FAILURES": env.get("LOGIN_ADDRESS_FAILURES", "20 per hour"),
        "LOGIN_ACCOUNT_FAILURES": env.get("LOGIN_ACCOUNT_FAILURES", "10 per 15 minutes"),
        # Public pages (issue 3): per client address; RATELIMIT_ENABLED=false switches every
        # limit off (benchmarks only).
        "RATELIMIT_ENABLED": _flag(env, "RATELIMIT_ENABLED", True),
        "FEEDBACK_RATE_LIMIT": env.get("FEEDBACK_RATE_LIMIT", "10 per hour;30 per day"),
        "TRACK_RATE_LIMIT": env.get("TRACK_RATE_LIMIT", "30 per hour;100 per day"),
        # The JSON API (issue 15): per token, and per client address whatever the token.
        "API_RATE_LIMIT": env.get("API_RATE_LIMIT", "120 per minute;5000 per hour"),
        "API_ADDRESS_RATE_LIMIT": env.get("API_ADDRESS_RATE_LIMIT", "600 per minute"),
        "OPEN311_RATE_LIMIT": env.get("OPEN311_RATE_LIMIT", "120 per minute"),
        # Wrong tracking codes (cases/guess_limits.py): no reference is ever locked for everyone.
        # Per reference and client address (the tries shown; 0 switches it off), per address for any
        # reference, and per reference from every address (above it one wrong code per address).
        "TRACK_LOCKOUT_FAILURES": _int(env, "TRACK_LOCKOUT_FAILURES", 5),
        "TRACK_LOCKOUT_MINUTES": _int(env, "TRACK_LOCKOUT_MINUTES", 60),
        "TRACK_ADDRESS_FAILURES": env.get("TRACK_ADDRESS_FAILURES", "10 per hour;30 per day"),
        "TRACK_REFERENCE_FAILURES": env.get("TRACK_REFERENCE_FAILURES", "10 per hour"),
        # Added information reopens (for review) a case closed less than this many days ago.
        "FOLLOW_UP_REOPEN_DAYS": _int(env, "FOLLOW_UP_REOPEN_DAYS", 30),
        # Stated in the form's personal-information notice: set it to the archive rules' figure.
        "FEEDBACK_RETENTION_YEARS": _int(env, "FEEDBACK_RETENTION_YEARS", 5),
        "MAX_CONTENT_LENGTH": int(env.get("MAX_CONTENT_LENGTH", str(60 * 1024 * 1024))),
        "WTF_CSRF_TIME_LIMIT": None,
        # Case clocks, in working days on the Chinese calendar (see cases/domain/clocks.py).
        **{key: _int(env, key, default) for key, default in CLOCK_DEFAULTS.items()},
        # Reminders (cases/handling/reminders.py): the daily digests go out from this local hour;
        # `reminders run --loop` (embedded mode) runs every REMINDER_INTERVAL seconds.
        "REMINDER_DIGEST_HOUR": _int(env, "REMINDER_DIGEST_HOUR", 8),
        "REMINDER_INTERVAL": _int(env, "REMINDER_INTERVAL", 3600),
        "EDIT_LOCK_MINUTES": _int(env, "EDIT_LOCK_MINUTES", 15),
        "INBOX_PAGE_SIZE": _int(env, "INBOX_PAGE_SIZE", 50),
        "DUPLICATE_WINDOW_DAYS": _int(env, "DUPLICATE_WINDOW_DAYS", 90),
        # Case kinds whose replies the party office approves after the head, whatever the department.
        "OFFICE_APPROVAL_KINDS": tuple(
            kind.strip() for kind in env.get("OFFICE_APPROVAL_KINDS", "").split(",") if kind.strip()
        ),
        # How long a one-time link to set a staff password stays valid (it also dies once used).
        "PASSWORD_LINK_HOURS": _int(env, "PASSWORD_LINK_HOURS", 24),
    }
    return config
