# renda — `make run` for the whole system in one process, `make test` for the whole suite.
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test test-unit test-integration lint up migrate bench asyncapi dashboard tools clean browser
# Debian's Chromium and its driver for the console's browser tests (never a browser download),
# and a font with Chinese glyphs so the screenshots are readable.
BROWSER := /usr/bin/chromium /usr/bin/chromedriver /usr/share/fonts/truetype/wqy/wqy-microhei.ttc

$(STAMP): requirements.txt requirements-dev.txt pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -r requirements-dev.txt
	$(BIN)/pip install --quiet --no-deps -e .
	touch $(STAMP)

## The whole system in one process: in-process bus, SQLite under var/, demo city seeded.
run: $(STAMP)
	$(BIN)/renda run

## Debian's prometheus package: promtool and prometheus for tests/ops (installed when missing).
tools: /usr/bin/promtool

/usr/bin/promtool:
	apt-get update -qq
	DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends prometheus

## The browser the console's tests drive (needs root: apt-get).
browser: $(BROWSER)

$(BROWSER):
	apt-get update -qq
	DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
		chromium chromium-driver fonts-wqy-microhei

## The whole test suite (integration tests need RabbitMQ and PostgreSQL on 127.0.0.1).
test: $(STAMP) tools $(BROWSER)
	$(BIN)/ruff check .
	$(BIN)/renda asyncapi --check
	$(BIN)/pytest -q

test-unit: $(STAMP)
	$(BIN)/pytest -q -m "not integration"

lint: $(STAMP)
	$(BIN)/ruff check .

## Each service as its own API and worker process, against RabbitMQ and PostgreSQL.
up: $(STAMP)
	$(BIN)/honcho start -f Procfile

## Migrations with the settings of .env (the CLI itself reads only the environment).
migrate: $(STAMP)
	$(BIN)/honcho run $(BIN)/renda migrate all

asyncapi: $(STAMP)
	$(BIN)/renda asyncapi

## Regenerate the Grafana dashboard the chart ships (tests/ops fails while it is stale).
dashboard: $(STAMP)
	$(BIN)/python deploy/grafana/renda_dashboard.py > deploy/helm/renda/files/renda-dashboard.json

bench: $(STAMP)
	$(BIN)/python -m bench.run

clean:
	rm -rf $(VENV) var .pytest_cache .ruff_cache
