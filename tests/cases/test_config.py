"""Configuration from the environment."""

from __future__ import annotations

from datetime import UTC, datetime

from cases.config import load_config, normalise_database_url
from cases.web import local_time


def test_secret_key_is_generated_once_into_the_instance(tmp_path):
    first = load_config(tmp_path, env={})
    second = load_config(tmp_path, env={})
    assert first["SECRET_KEY"] == second["SECRET_KEY"]
    assert len(str(first["SECRET_KEY"])) >= 40
    assert (tmp_path / "secret_key").stat().st_mode & 0o777 == 0o600
    assert load_config(tmp_path / "other", env={})["SECRET_KEY"] != first["SECRET_KEY"]
    assert load_config(tmp_path, env={"SECRET_KEY": "from-env"})["SECRET_KEY"] == "from-env"


def test_embedded_defaults(tmp_path):
    config = load_config(tmp_path, env={})
    assert config["SQLALCHEMY_DATABASE_URI"] == f"sqlite:///{tmp_path / 'hqcbd.sqlite3'}"
    assert config["REDIS_URL"] is None and config["EMBEDDED_JOBS"] is True
    assert config["RATELIMIT_STORAGE_URI"] == "memory://"
    assert config["IMAP_SSL"] is True and config["IMAP_FOLDER"] == "INBOX"


def test_environment_names(tmp_path):
    config = load_config(tmp_path, env={
        "DATABASE_URL": "postgres://u:p@db:5432/hq", "REDIS_URL": "redis://r:6379/1",
        "MAIL_SERVER": "smtp.example.cn", "MAIL_PORT": "587", "MAIL_USE_TLS": "true",
        "IMAP_HOST": "imap.example.cn", "IMAP_PORT": "143", "IMAP_USER": "hq", "IMAP_PASSWORD": "pw",
        "IMAP_SSL": "false", "IMAP_FOLDER": "意见", "SECRET_KEY": "k",
    })
    assert config["SQLALCHEMY_DATABASE_URI"] == "postgresql+psycopg://u:p@db:5432/hq"
    assert config["REDIS_URL"] == "redis://r:6379/1" and config["EMBEDDED_JOBS"] is False
    assert config["RATELIMIT_STORAGE_URI"] == "redis://r:6379/1"
    mail = (config["MAIL_SERVER"], config["MAIL_PORT"], config["MAIL_USE_TLS"])
    assert mail == ("smtp.example.cn", 587, True)
    assert (config["IMAP_HOST"], config["IMAP_PORT"], config["IMAP_SSL"], config["IMAP_FOLDER"]) == (
        "imap.example.cn", 143, False, "意见")
    assert normalise_database_url("sqlite:///x.db") == "sqlite:///x.db"


def test_times_are_shown_in_shanghai(app):
    assert local_time(datetime(2026, 11, 28, 16, 30, tzinfo=UTC)) == "2026-11-29 00:30"
    assert local_time(None) == ""


def test_public_host_name_from_the_environment(tmp_path):
    config = load_config(tmp_path, env={"SERVER_NAME": "yijian.example.gov.cn"})
    assert (config["SERVER_NAME"], config["PREFERRED_URL_SCHEME"]) == ("yijian.example.gov.cn", "https")
    plain = load_config(tmp_path, env={})
    assert (plain["SERVER_NAME"], plain["PREFERRED_URL_SCHEME"]) == (None, "http")


def test_mail_made_outside_a_request_links_to_the_public_site(app, client):
    """The worker, cron and the poller have no request: the tracking link comes from SERVER_NAME."""
    from cases.notice_templates import tracking_url

    assert tracking_url() == ""  # no request, no SERVER_NAME: nothing to build on
    app.config.update(SERVER_NAME="yijian.example.gov.cn", PREFERRED_URL_SCHEME="https")
    with app.app_context():  # as a job's context is made, after the configuration is read
        assert tracking_url().startswith("https://yijian.example.gov.cn/")
    # Requests for another host name (a proxy's, the test client's) are still served (Flask 3.1).
    assert client.get("/", headers={"Host": "10.0.0.5:8000"}).status_code == 200
