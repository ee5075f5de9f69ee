"""Every entry point imports this project's ``mailbox`` package, not the standard library's.

Each program is started in a subprocess from the project root without PYTHONPATH, exactly as
the README and Makefile start it.
"""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.conftest import PROJECT_ROOT
from tests.support.services import free_port, wait_for_port

pytestmark = pytest.mark.slow  # Starts every entry point in a subprocess.

BIN = Path(sys.executable).parent
OURS = str(PROJECT_ROOT / "mailbox" / "__init__.py")


def _run(args: list[str], env: dict[str, str], timeout: float = 60) -> subprocess.CompletedProcess[str]:
    return subprocess.run(args, cwd=PROJECT_ROOT, env=env, capture_output=True, text=True,
                          timeout=timeout, check=False)


def test_flask_cli_imports_our_mailbox(subprocess_env):
    result = _run([str(BIN / "flask"), "--app", "wsgi", "about"], subprocess_env)
    assert result.returncode == 0, result.stderr
    assert f"mailbox package: {OURS}" in result.stdout


def test_pytest_imports_our_mailbox(subprocess_env):
    probe = "import mailbox\n\ndef test_probe():\n    assert mailbox.IS_PROJECT_MAILBOX\n"
    result = _run([str(BIN / "python"), "-c",
                   "import mailbox, sys; print(mailbox.__file__)"], subprocess_env)
    assert result.stdout.strip() == OURS, result.stderr
    probe_file = PROJECT_ROOT / "tests" / "_probe_mailbox_entrypoint.py"
    probe_file.write_text(probe, encoding="utf-8")
    try:
        result = _run([str(BIN / "pytest"), "-q", "-p", "no:cacheprovider", "--noconftest",
                       str(probe_file)], subprocess_env)
    finally:
        probe_file.unlink()
    assert result.returncode == 0, result.stdout + result.stderr


def test_gunicorn_imports_our_mailbox(subprocess_env):
    port = free_port()
    server = subprocess.Popen(
        [str(BIN / "gunicorn"), "--workers", "1", "--bind", f"127.0.0.1:{port}", "wsgi:create_app()"],
        cwd=PROJECT_ROOT, env=subprocess_env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )
    try:
        wait_for_port(port, 30)
        import urllib.request

        with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=10) as response:
            assert response.status == 200
    finally:
        server.terminate()
        output, _ = server.communicate(timeout=30)
    assert f"mailbox package: {OURS}" in output
    # gunicorn.conf.py: loaded once in the master and warmed there, before the workers fork.
    assert "warm-up in the master: classifier" in output


def test_rq_worker_imports_our_mailbox(subprocess_env, redis_url):
    from redis import Redis
    from rq import Queue

    queue_name = f"entrypoint-{time.monotonic_ns()}"
    queue = Queue(queue_name, connection=Redis.from_url(redis_url))
    job = queue.enqueue("wsgi.where_is_mailbox")
    result = _run([str(BIN / "rq"), "worker", "--burst", "--worker-class", "rq.worker.SimpleWorker", "--url",
                   redis_url, queue_name], subprocess_env)
    assert result.returncode == 0, result.stdout + result.stderr
    job.refresh()
    assert job.return_value() == OURS, result.stdout + result.stderr


# Every cron.register line of cron_config.py (each registers one job).
CRON_JOBS = (PROJECT_ROOT / "cron_config.py").read_text(encoding="utf-8").count("\ncron.register(")


def test_rq_cron_imports_our_mailbox(subprocess_env, redis_url):
    cron = subprocess.Popen(
        [str(BIN / "rq"), "cron", "--url", redis_url, "cron_config"],
        cwd=PROJECT_ROOT, env=subprocess_env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )
    deadline = time.monotonic() + 30
    lines: list[str] = []
    try:
        assert cron.stdout is not None
        while time.monotonic() < deadline:
            line = cron.stdout.readline()
            if not line:
                break
            lines.append(line)
            if "Successfully registered" in line:
                break
    finally:
        cron.terminate()
        rest, _ = cron.communicate(timeout=30)
    output = "".join(lines) + (rest or "")
    assert f"mailbox package: {OURS}" in output
    assert f"Successfully registered {CRON_JOBS} cron jobs" in output


def test_stdlib_mailbox_is_refused_loudly(subprocess_env):
    # Started with the standard library's mailbox first, the program must say why it stops.
    root = str(PROJECT_ROOT)
    code = (
        f"import sys; sys.path = [p for p in sys.path if p not in ('', '.', {root!r})]; "
        f"import mailbox; sys.path.append({root!r}); import wsgi; wsgi.create_app()"
    )
    result = subprocess.run([sys.executable, "-c", code], cwd="/", env=subprocess_env,
                            capture_output=True, text=True, timeout=60, check=False)
    assert result.returncode != 0
    assert "not this project's package" in result.stderr
