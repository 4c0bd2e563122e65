# Two commands do everything on a fresh machine: `make run` and `make test`.
PYTHON ?= python3
UV_VERSION := 0.13.9
UV := .uv/bin/uv
VENV := .venv
export UV_PROJECT_ENVIRONMENT := $(CURDIR)/$(VENV)

.PHONY: run test bench bench-scale bench-public bench-load format install browser clean

$(UV):
	$(PYTHON) -m venv .uv
	.uv/bin/pip install --quiet --disable-pip-version-check uv==$(UV_VERSION)

$(VENV)/.installed: $(UV) uv.lock pyproject.toml
	$(UV) sync --frozen --quiet
	touch $@

install: $(VENV)/.installed

# The browser test drives Debian's own Chromium (Playwright's browser downloads are never used).
CHROMIUM := /usr/bin/chromium
SUDO := $(shell [ "$$(id -u)" -eq 0 ] || echo sudo)

$(CHROMIUM):
	$(SUDO) apt-get update -qq
	$(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-dejavu-core

browser: $(CHROMIUM)

run: install
	$(VENV)/bin/nastavnik run

test: install browser
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/mypy .
	$(VENV)/bin/pytest

bench: install
	$(VENV)/bin/python bench/import_people.py
	$(VENV)/bin/python bench/matching.py

bench-scale: install
	$(VENV)/bin/python bench/scale.py

bench-public: install
	$(VENV)/bin/python bench/public_page.py

bench-load: install
	$(VENV)/bin/python bench/load.py

format: install
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

clean:
	rm -rf .venv .uv .mypy_cache .pytest_cache .ruff_cache
