# Two commands for a fresh machine with Python 3.11+: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000
STAMP := $(VENV)/.installed

.PHONY: run test venv migrate demo lint format bench clean

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

bench: migrate
	$(BIN)/python manage.py benchmark

clean:
	rm -rf $(VENV) staticfiles .celery
