"""gunicorn settings, read from the project root: ``gunicorn -w 4 -b 127.0.0.1:8000 'wsgi:create_app()'``.

The application is loaded once in the master and warmed there (jieba's dictionary and the
classifier, about 1 s and 70 MB), then the workers are forked: they share that memory and none
of them makes its first visitor wait for the load.
"""

preload_app = True
# A sync worker is killed after `timeout` seconds without finishing its request: the default 30 s
# cuts off a large case-list export (100,000 rows of XLSX take over a minute on a small machine).
timeout = 300
graceful_timeout = 60


def when_ready(server):  # noqa: ANN001, ANN201 - gunicorn's hook signature
    """Warm the loaded application in the master before the workers are forked."""
    import wsgi

    wsgi.warm_up(server.app.wsgi())


def post_fork(server, worker):  # noqa: ANN001, ANN201, ARG001
    """A forked worker must not reuse the master's database connections."""
    import wsgi

    wsgi.forget_inherited_connections(server.app.wsgi())
