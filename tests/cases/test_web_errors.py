"""Shared error handling: a database outage gives a clear 503 page, and the health check says so."""

from __future__ import annotations

from tests.conftest import FreshContextClient, _test_config
from tests.support.services import free_port


def _unreachable_app():
    from wsgi import create_app

    app = create_app(_test_config(f"postgresql+psycopg://nobody@127.0.0.1:{free_port()}/none"))
    app.test_client_class = FreshContextClient
    return app


def test_database_outage_gives_a_clear_503_page():
    app = _unreachable_app()
    response = app.test_client().get("/")
    assert response.status_code == 503
    page = response.get_data(as_text=True)
    assert "请稍后再试" in page
    assert "Traceback" not in page and "psycopg" not in page


def test_health_check_reports_the_database():
    app = _unreachable_app()
    response = app.test_client().get("/healthz")
    assert response.status_code == 503
    assert response.get_json() == {"status": "unavailable", "database": "unreachable"}


def test_health_check_ok(client):
    assert client.get("/healthz").get_json() == {"status": "ok", "database": "ok"}


def test_security_headers(client):
    response = client.get("/healthz")
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert "default-src 'self'" in response.headers["Content-Security-Policy"]
