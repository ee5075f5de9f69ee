# The two commands of the README: `make run` and `make test` (both build .venv/ via `make install`).
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
TEST_WORKERS ?= auto
PO_FILES := $(wildcard translations/*/LC_MESSAGES/messages.po)
MO_FILES := $(PO_FILES:.po=.mo)

.PHONY: reminders install run test test-fast lint system-packages translations pot check-pot worker cron clean

install: $(STAMP) translations

$(STAMP): pyproject.toml constraints.txt
	@$(PYTHON) -c 'import ensurepip, venv' 2>/dev/null || (apt-get update -qq && apt-get install -y -qq python3-venv)
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -c constraints.txt -e '.[test]'
	# Put the project root first on sys.path for every program in the venv (flask, gunicorn,
	# rq worker, rq cron, pytest): our `mailbox` package must win over the standard library's.
	echo "import sys; sys.path.insert(0, '$(CURDIR)')" > "$$($(BIN)/python -c 'import sysconfig; print(sysconfig.get_paths()["purelib"])')/00-hqcbd-project-root.pth"
	touch $(STAMP)

translations: $(MO_FILES)

translations/%/LC_MESSAGES/messages.mo: translations/%/LC_MESSAGES/messages.po $(STAMP)
	$(BIN)/pybabel compile --use-fuzzy -i $< -o $@

# The extraction template: sorted, without line numbers, so that it changes only when a message does.
POT_OPTIONS := -F babel.cfg --no-location --sort-output --omit-header
pot: $(STAMP)
	$(BIN)/pybabel -q extract $(POT_OPTIONS) -o translations/messages.pot .

# Fails when a message was added, changed or removed in the code without `make pot` (and its
# translation): the next `pybabel update` would otherwise lose strings people read.
check-pot: $(STAMP)
	@$(BIN)/pybabel -q extract $(POT_OPTIONS) -o $(VENV)/messages.pot.check .
	@cmp -s $(VENV)/messages.pot.check translations/messages.pot || \
		(echo "translations/messages.pot is stale: run make pot, then translate the new messages" >&2; \
		 diff -u translations/messages.pot $(VENV)/messages.pot.check | head -40 >&2; exit 1)

run: install
	$(BIN)/flask --app wsgi init
	$(BIN)/flask --app wsgi run --host 127.0.0.1 --port $${PORT:-5000}

# SimpleWorker: jobs run in the worker process, so the app and the classifier are loaded once, not
# in a fresh fork for every job (3x faster on the staged web opinions; our jobs are our own code).
worker: install
	$(BIN)/rq worker --with-scheduler --worker-class rq.worker.SimpleWorker --url "$${REDIS_URL:?set REDIS_URL}" $${RQ_QUEUE:-hqcbd}

cron: install
	$(BIN)/rq cron --url "$${REDIS_URL:?set REDIS_URL}" cron_config

# Embedded mode (no Redis, no rq cron): the reminders and daily digests, a run every REMINDER_INTERVAL.
reminders: install
	$(BIN)/flask --app wsgi reminders run --loop

system-packages:
	bash scripts/install-system-packages.sh

lint: install check-pot
	$(BIN)/ruff check .
	$(BIN)/lint-imports

test: system-packages install lint
	# PostgreSQL first (production's database), then on SQLite (embedded mode) the tests of the
	# database layer (the rule is in tests/conftest.py, ABOVE_THE_DATABASE).
	# TEST_WORKERS processes (pytest-xdist), a test file each at a time, each with its own private
	# PostgreSQL, Redis, Dovecot and SMTP server; TEST_WORKERS=0 runs in this process.
	$(BIN)/pytest -n $(TEST_WORKERS) --dist loadfile
	TEST_DATABASE=sqlite $(BIN)/pytest -n $(TEST_WORKERS) --dist loadfile -m "not postgres_only"

# Between commits: the lint, then the PostgreSQL pass without the tests marked slow (browsers,
# programs in subprocesses, fuzzing, seeding). `make test` (CI) runs everything on both databases.
test-fast: install lint
	$(BIN)/pytest -n $(TEST_WORKERS) --dist loadfile -m "not slow"

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache
