# daftar — the two commands a newcomer needs are `make run` and `make test`.
SHELL := /bin/bash
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
PY := $(VENV)/bin/python
HOST ?= 127.0.0.1
PORT ?= 8000
export DJANGO_SETTINGS_MODULE ?= config.settings.dev

.PHONY: db-tools docker image stack-images stack-up stack-down stack-test beat diagrams audit bench bench-tools bench-captcha bench-http bench-smoke bench-summary run-prod wrk run test lint format worker check-deploy backup restore migrate demo vendor venv browser pdf-libs clean

## Python environment (.venv), pinned; re-installed when the requirement files change.
$(VENV)/.installed: requirements.txt requirements-dev.txt constraints.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements-dev.txt -c constraints.txt
	touch $@
venv: $(VENV)/.installed

## Front-end assets (Bootstrap RTL, htmx, Vazirmatn) from the npm registry, self-hosted.
daftar/static/vendor/.installed: package.json package-lock.json scripts/vendor_static.py
	npm ci --no-audit --no-fund --ignore-scripts --loglevel=error
	$(PYTHON) scripts/vendor_static.py
	touch $@
vendor: daftar/static/vendor/.installed

migrate: venv vendor
	mkdir -p var
	$(PY) manage.py migrate --noinput

demo: migrate
	$(PY) manage.py load_demo

## The product on the embedded default: SQLite, local files, console SMS, eager tasks, demo data.
run: demo
	@echo "daftar on http://$(HOST):$(PORT)/  (SMS: $${DAFTAR_SMS_BACKEND:-console})"
	$(PY) manage.py runserver $(HOST):$(PORT)

## The whole test suite (PostgreSQL when DATABASE_URL is set, else SQLite), one process per
## core (pytest-xdist; a test file stays in one process); TEST_WORKERS=0 runs it in one. Bytecode
## is written (the workers share the rewriting of the test modules: decision 0053).
TEST_WORKERS ?= auto
test: venv vendor
	PYTHONDONTWRITEBYTECODE= DJANGO_SETTINGS_MODULE=config.settings.test $(PY) -m pytest -n $(TEST_WORKERS) --dist loadfile --no-loadscope-reorder $(PYTEST_ARGS)

## Fault injection (issue 8): kill -9, PostgreSQL restarted, SMS gateway down, against a live
## stack on a private PostgreSQL cluster (docs/operations.md «Fault injection»). Needs PostgreSQL's
## server binaries and Redis; not part of `make test`.
test-fault: venv vendor
	DJANGO_SETTINGS_MODULE=config.settings.test $(PY) -m pytest -m fault -s tests/test_faults.py $(PYTEST_ARGS)

## Point-in-time recovery (issue 20): a private PostgreSQL cluster archiving through
## deploy/postgres/ to pgBackRest, restored to a moment between two writes (docs/operations.md
## «Point-in-time recovery»). About 10 s, so also part of `make test` (in one worker) wherever
## PostgreSQL's server binaries and pgbackrest are installed; DAFTAR_REQUIRE_PITR=1 fails, not skips.
.PHONY: test-pitr
test-pitr: venv
	DJANGO_SETTINGS_MODULE=config.settings.test $(PY) -m pytest -p no:xdist -m pitr -s tests/test_pitr.py $(PYTEST_ARGS)

## The benchmarks' own tools (requirements-bench.txt: the OCR of bench/captcha_ocr.py, ~400 MB).
$(VENV)/.bench-installed: $(VENV)/.installed requirements-bench.txt constraints.txt
	$(PY) -m pip install --quiet -r requirements-bench.txt -c constraints.txt
	touch $@
bench-tools: $(VENV)/.bench-installed

## Benchmarks: ratios measured in one run; results in bench/results/.
bench: venv bench-tools
	$(PY) bench/rules.py
	$(PY) bench/captcha_ocr.py $(BENCH_CAPTCHA_ARGS)
	$(PY) bench/captcha_audio.py $(BENCH_CAPTCHA_AUDIO_ARGS)
	$(PY) bench/queue_bench.py $(BENCH_QUEUE_ARGS)
	$(PY) bench/offices_bench.py $(BENCH_OFFICES_ARGS)
	$(PY) bench/pdf_bench.py $(BENCH_PDF_ARGS)
	$(MAKE) bench-http
	$(PY) bench/summary.py --strict

## The HTTP benchmark of the production-like stack (its own database daftar_bench_http; needs
## PostgreSQL, Redis and wrk); writes bench/results/http.json, then the summary and REPORT.md.
bench-http: venv vendor wrk
	$(PY) bench/http_bench.py $(BENCH_HTTP_ARGS)
	$(PY) bench/summary.py

## The whole HTTP harness in tiny sizes (CI): checks that it works, not the figures.
bench-smoke: venv vendor wrk
	$(PY) bench/http_bench.py --smoke --out var/bench/http-smoke.json $(BENCH_HTTP_ARGS)

bench-summary: venv
	$(PY) bench/summary.py

## The login captcha against an off-the-shelf OCR and its sound against a matcher of the committed
## clips (issue 17; their own database daftar_bench_captcha).
bench-captcha: venv bench-tools
	$(PY) bench/captcha_ocr.py $(BENCH_CAPTCHA_ARGS)
	$(PY) bench/captcha_audio.py $(BENCH_CAPTCHA_AUDIO_ARGS)
	$(PY) bench/summary.py

## Production-like on this machine: gunicorn + production settings + PostgreSQL + Redis + Celery,
## on http://127.0.0.1:$(PROD_PORT)/ (README «Production»; scripts/run_prod.sh for the variables).
PROD_PORT ?= 8001
run-prod: venv vendor
	PORT=$(PROD_PORT) scripts/run_prod.sh

## The dependency audit: pip-audit over constraints.txt and npm audit over package-lock.json;
## a known vulnerability of high severity fails (docs/security.md «Dependencies»).
audit: venv
	$(PY) scripts/audit_deps.py

## Style, formatting, the import contracts of .importlinter (docs/architecture.md) and types.
lint: venv
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/lint-imports --no-logo
	DJANGO_SETTINGS_MODULE=config.settings.test $(VENV)/bin/mypy .

## The generated diagrams: docs/lifecycles/ and docs/layers.md (a test fails when one is stale).
diagrams: venv
	$(PY) scripts/diagrams.py

format: venv
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

## Production pieces (README «Production»).
## A worker and the scheduler are separate: run as many workers as needed, exactly one beat.
worker: venv
	DJANGO_SETTINGS_MODULE=config.settings.production $(VENV)/bin/celery -A config worker -l info

beat: venv
	DJANGO_SETTINGS_MODULE=config.settings.production $(VENV)/bin/celery -A config beat -l info --schedule var/celerybeat-schedule

check-deploy: venv
	DJANGO_SETTINGS_MODULE=config.settings.production $(PY) manage.py check --deploy --fail-level WARNING

## Backup and restore (docs/operations.md «Backup and restore»): one set under $(BACKUP_DIR) of
## pg_dump + the media store + a manifest; restore checks it, restores, verifies (exit 1 if not).
BACKUP_DIR ?= $(or $(DAFTAR_BACKUP_DIR),var/backups)
backup: venv
	$(PY) manage.py backup --output-dir "$(BACKUP_DIR)" $(BACKUP_ARGS)

restore: venv
	@test -n "$(BACKUP)" || { echo "usage: make restore BACKUP=var/backups/daftar-<time> [DATABASE_URL=…] [RESTORE_ARGS=--force]"; exit 2; }
	$(PY) manage.py restore "$(BACKUP)" $(RESTORE_ARGS)

## Debian's Chromium for the browser tests, as its headless shell (decision 0053; root; CI does
## this in .ci/run), and the system libraries WeasyPrint draws licence certificates with (Pango,
## HarfBuzz; decision 0019).
PDF_LIBS := libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0
browser: pdf-libs
	command -v chromium-headless-shell >/dev/null || (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium-headless-shell)

## Debian's wrk, the HTTP load generator of bench-http (root; like `browser`).
wrk:
	command -v wrk >/dev/null || (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk)

pdf-libs:
	dpkg -s $(PDF_LIBS) >/dev/null 2>&1 || (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $(PDF_LIBS))

## Docker from Debian's packages (root; README «Docker from Debian's packages»): docker.io,
## docker-compose and debootstrap, and the engine started where it is not running.
DOCKER_PACKAGES := docker.io docker-compose debootstrap
docker:
	dpkg -s $(DOCKER_PACKAGES) >/dev/null 2>&1 || (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $(DOCKER_PACKAGES))
	docker info >/dev/null 2>&1 || scripts/docker_engine.sh

## The application image (deploy/Dockerfile) from a Debian base that debootstrap makes when it is
## missing (deploy/image/make-base.sh); IMAGE_CA_DIR's extra authorities go to the build stage.
IMAGE ?= daftar:latest
IMAGE_CA_DIR ?= /usr/local/share/ca-certificates
image: docker
	deploy/image/make-base.sh
	rm -f deploy/ca/*.crt; if ls $(IMAGE_CA_DIR)/*.crt >/dev/null 2>&1; then cp $(IMAGE_CA_DIR)/*.crt deploy/ca/; fi
	docker build --network host -f deploy/Dockerfile -t $(IMAGE) .

## The stack's other images (nginx with the static files, PostgreSQL + pgBackRest, PgBouncer, Redis).
stack-images: image
	for t in postgres pgbouncer redis nginx; do \
	  docker build --network host -f deploy/services.Dockerfile --build-arg APP_IMAGE=$(IMAGE) --target $$t -t daftar-$$t:latest . || exit 1; \
	done

## The compose stack (deploy/compose.yaml): up, down (STACK_DOWN_ARGS=-v deletes the volumes), and
## its test: a journey through nginx, a web replica killed under load, the worker killed.
stack-up: stack-images
	scripts/stack.sh up

stack-down:
	scripts/stack.sh down $(STACK_DOWN_ARGS)

STACK_TEST := STACK_ENV=var/stack-test/stack.env STACK_PROJECT=daftar-test
STACK_TEST_PORTS := NGINX_HTTPS_PORT=9443 NGINX_HTTP_PORT=9080 WEB1_PORT=9101 WEB2_PORT=9102 \
	POSTGRES_PORT=15442 PGBOUNCER_PORT=16442 REDIS_PORT=16389
stack-test: venv stack-images
	if [ -s var/stack-test/stack.env ]; then $(STACK_TEST) scripts/stack.sh down -v; fi; rm -rf var/stack-test
	$(STACK_TEST) $(STACK_TEST_PORTS) DAFTAR_STACK_DEMO=1 scripts/stack.sh up || { $(STACK_TEST) scripts/stack.sh logs --tail 60; $(STACK_TEST) scripts/stack.sh down -v; exit 1; }
	$(STACK_TEST) $(PY) -m pytest -p no:xdist -m stack -s tests/stack $(PYTEST_ARGS); \
	  rc=$$?; $(STACK_TEST) scripts/stack.sh down -v; exit $$rc

## Debian's pgbouncer and pgbackrest on this machine, for the tests that run the app through a
## real PgBouncer and restore a private cluster to a moment (root; CI does this in .ci/run).
DB_TOOLS := pgbouncer pgbackrest
db-tools:
	dpkg -s $(DB_TOOLS) >/dev/null 2>&1 || (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $(DB_TOOLS))

clean:
	rm -rf var/daftar.sqlite3* var/media var/sms test-artifacts
