# Two commands for a fresh machine with Python 3.11+: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000
STAMP := $(VENV)/.installed

.PHONY: run test venv migrate demo lint format bench seed-scale loadtest clean

$(STAMP): requirements.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements.txt
	touch $(STAMP)

venv: $(STAMP)

migrate: $(STAMP)
	$(BIN)/python manage.py migrate --noinput

demo: migrate
	$(BIN)/python manage.py load_demo

## Set up, load the demo data, and run web + Celery worker + beat. Ctrl-C stops everything.
run: demo
	@echo ""
	@echo "  督办 is starting on http://127.0.0.1:$(PORT)/"
	@echo "  Demo logins (password: duban2026): duchashi (督查室), lingdao (区领导), admin (管理员),"
	@echo "    fgw_lly (区发改委联络员), fgw_fzr (区发改委负责人), gxj_lly (区工信局联络员) — all listed on the login page."
	@echo ""
	PORT=$(PORT) $(BIN)/honcho start -f Procfile

## The whole test suite (SQLite unless DATABASE_URL is set; Redis tests use REDIS_URL or redis://127.0.0.1:6379/14).
## `make test QUICK=1` leaves out the browser and benchmark tests (CI always runs them).
ifdef QUICK
QUICK_MARKS := -m "not browser and not benchmark"
endif
test: $(STAMP)
	$(BIN)/python -m pytest -n 2 --dist loadfile -q $(QUICK_MARKS) $(PYTEST_ARGS)

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports

format: $(STAMP)
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

## The benchmark (README, "Performance"): a throwaway database on the configured server, 1x and 2x data, JSON.
bench: migrate
	$(BIN)/python manage.py benchmark --json

## The synthetic city in the configured database (measurement only; never on a live database).
seed-scale: migrate
	$(BIN)/python manage.py seed_scale --units 400 --tasks 20000 --reports 200000

## Load test on the loopback, bounded in time: gunicorn on PostgreSQL + Redis, 50 sessions for 60 s.
## LOADTEST_DB is created when missing and seeded once; `make loadtest LOADTEST_SQLITE=1` runs 20 sessions on a SQLite file.
LOADTEST_DB ?= postgres://postgres@127.0.0.1:5432/duban_loadtest
LOADTEST_REDIS ?= redis://127.0.0.1:6379/7
LOADTEST_PORT ?= 8117
ifdef LOADTEST_SQLITE
loadtest: $(STAMP)
	env -u DATABASE_URL SQLITE_PATH=/tmp/duban-loadtest.sqlite3 $(BIN)/python manage.py migrate --noinput -v0
	env -u DATABASE_URL SQLITE_PATH=/tmp/duban-loadtest.sqlite3 REDIS_URL=$(LOADTEST_REDIS) \
	  $(BIN)/python manage.py loadtest --users 20 --run-time 60 --port $(LOADTEST_PORT)
else
loadtest: $(STAMP)
	$(BIN)/python -c "import psycopg, sys; u = sys.argv[1]; base, name = u.rsplit('/', 1); \
	c = psycopg.connect(base + '/postgres', autocommit=True); \
	c.execute('SELECT 1 FROM pg_database WHERE datname = %s', [name]).fetchone() or c.execute(f'CREATE DATABASE {name}')" \
	$(LOADTEST_DB)
	DATABASE_URL=$(LOADTEST_DB) $(BIN)/python manage.py migrate --noinput -v0
	DATABASE_URL=$(LOADTEST_DB) REDIS_URL=$(LOADTEST_REDIS) \
	  $(BIN)/python manage.py loadtest --users 50 --run-time 60 --port $(LOADTEST_PORT)
endif

clean:
	rm -rf $(VENV) staticfiles .celery
