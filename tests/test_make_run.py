"""`make run` on the embedded SQLite default serves the catalogue and the staff login."""

from __future__ import annotations

import os
import re
import subprocess
import urllib.request

import pytest

from tests.conftest import PROJECT_ROOT
from tests.support.services import free_port, wait_for_port

pytestmark = pytest.mark.slow  # Starts `make run` in a subprocess.


def _get(url: str) -> str:
    with urllib.request.urlopen(url, timeout=10) as response:
        assert response.status == 200
        return response.read().decode("utf-8")


def test_make_run_serves_catalogue_and_login(tmp_path):
    port = free_port()
    env = {k: v for k, v in os.environ.items()
           if k not in {"DATABASE_URL", "REDIS_URL", "SECRET_KEY", "PYTHONPATH"}}
    env.update(PORT=str(port), HQCBD_INSTANCE_PATH=str(tmp_path / "instance"))
    server = subprocess.Popen(["make", "--no-print-directory", "run"], cwd=PROJECT_ROOT, env=env,
                              stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                              start_new_session=True)
    try:
        wait_for_port(port, 120)
        home = _get(f"http://127.0.0.1:{port}/")
        login = _get(f"http://127.0.0.1:{port}/staff/login")
    finally:
        os.killpg(server.pid, 15)
        output, _ = server.communicate(timeout=30)
    codes = set(re.findall(r"\b[1-4]\.[1-4]\b", home))
    assert {"1.1", "1.2", "1.3", "1.4", "2.1", "2.2", "2.3", "3.1", "3.2", "3.3", "4.1", "4.2"} <= codes
    assert "着力降低核心区楼宇空置率" in home
    assert 'name="password"' in login
    assert "first admin created" in output
    assert (tmp_path / "instance" / "hqcbd.sqlite3").exists()
