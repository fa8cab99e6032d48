# The shop's operations backbone. Two commands on a fresh machine (Python 3.11+ and make):
#   make run   - installs what it needs, starts the embedded NATS server and every service
#   make test  - installs what it needs and runs the whole suite
SHELL := /bin/bash
PYTHON ?= python3
TOOLS := .tools
UV := $(shell command -v uv 2>/dev/null || echo $(TOOLS)/bin/uv)
export UV_PYTHON_DOWNLOADS := never
# trust the machine's own certificate store (the same one pip and curl use)
export UV_SYSTEM_CERTS ?= 1
export UV_NATIVE_TLS ?= 1

.PHONY: help install run test chromium screenshots test-fast lint format bench bench-system provision clean cluster cluster-test deploy-check image-test docs demo rules

help:
	@echo "make run | test | demo | lint | docs | bench | format | clean | cluster | cluster-test | deploy-check | image-test"

$(TOOLS)/bin/uv:
	$(PYTHON) -m venv $(TOOLS)
	$(TOOLS)/bin/pip install --quiet --disable-pip-version-check "uv>=0.9"

LOCKED := pyproject.toml uv.lock */pyproject.toml libs/*/pyproject.toml services/*/pyproject.toml tools/*/pyproject.toml
UV_BIN := $(if $(findstring $(TOOLS),$(UV)),$(TOOLS)/bin/uv)

# the development environment (tests, linters): every package and the dev group
.venv/.synced: $(UV_BIN) $(LOCKED)
	$(UV) sync --locked
	@touch $@

# the runtime environment of `make run`: the packages and the run group (nats-server), no dev tools;
# its own directory, so `make run` and `make test` never reinstall each other's environment
RUN_ENV := .venv-run
$(RUN_ENV)/.synced: $(UV_BIN) $(LOCKED)
	UV_PROJECT_ENVIRONMENT=$(RUN_ENV) $(UV) sync --locked --no-dev --group run
	@touch $@

install: .venv/.synced

# RUN_ARGS: shop-run's options (`$(RUN_ENV)/bin/shop-run --help`), e.g. RUN_ARGS="--clock simulation";
# ports and the NATS server also come from SHOP_* variables (docs/operators/running.md)
run: $(RUN_ENV)/.synced
	$(RUN_ENV)/bin/shop-run $(RUN_ARGS)

test: install chromium
	$(UV) run --no-sync pytest --ignore=tests/cluster

# the back office's browser tests drive Debian's chromium (Playwright's own download does not work
# here) with a CJK font for the screens' Chinese (else the screenshots show boxes); installed through
# apt when running as root and missing. Without chromium the browser tests fail.
chromium:
	@if command -v chromium >/dev/null && fc-list :lang=zh 2>/dev/null | grep -q .; then :; \
	elif [ "$$(id -u)" = 0 ]; then apt-get update -qq && apt-get install -y --no-install-recommends chromium fonts-noto-cjk; \
	else echo "chromium or a CJK font is missing and this is not root: install Debian's chromium and fonts-noto-cjk (the browser tests fail without chromium)"; fi

# docs/staff/screens/<area>.png: each role's home, from the browser tests' screenshot scenario
screenshots: install chromium
	BACKOFFICE_SCREENSHOTS=docs/staff/screens $(UV) run --no-sync pytest services/backoffice/tests/browser/test_screenshots.py services/backoffice/tests/browser/test_warehouse_screens.py -q -x

test-fast: install
	$(UV) run --no-sync pytest -m "not integration"

lint: install
	$(UV) run --no-sync ruff check .
	$(UV) run --no-sync ruff format --check .
	$(UV) run --no-sync mypy contracts/src libs/jetstream_es/src libs/shop_print/src libs/shop_views/src services/orders/src services/fulfilment/src services/aftersales/src services/hr/src services/identity/src services/catalog/src services/kpi/src services/backoffice/src tools/shopctl/src tools/shopdemo/src tools/shopops/src
	$(UV) run --no-sync lint-imports

format: install
	$(UV) run --no-sync ruff format .
	$(UV) run --no-sync ruff check --fix .

# a simulated shop day through the public commands (starts a shop on the simulation clock if none runs)
demo: install
	$(UV) run --no-sync shop-demo $(DEMO_ARGS)

docs: install
	$(UV) run --no-sync shopctl docs --dir docs/asyncapi

# docs/rules/index.md: every rule id with the code and tests citing it (tools/rule_index.py)
rules: install
	$(UV) run --no-sync python tools/rule_index.py

# the deployment's topology as local processes: 3 nats-server nodes (R3), PostgreSQL, every service
cluster: install
	@bash deploy/scripts/ensure-postgres.sh >/dev/null
	$(UV) run --no-sync python -m shopops.cluster

# fault and security tests against that topology (bounded; loopback only)
cluster-test: install
	@bash deploy/scripts/ensure-postgres.sh >/dev/null
	$(UV) run --no-sync pytest tests/cluster -p no:randomly -s -q

# compose file and Kubernetes manifests, validated without a container engine or a cluster
deploy-check: install
	bash deploy/scripts/validate.sh

# build deploy/Dockerfile's images with buildah (chroot isolation; base made with debootstrap when no
# registry answers) and run provisioning and every service from them against a local nats-server (root)
image-test: install
	bash deploy/scripts/image-test.sh

bench: install
	$(UV) run --no-sync python bench/run.py
	$(UV) run --no-sync python bench/system.py

bench-system: install
	$(UV) run --no-sync python bench/system.py

clean:
	rm -rf var .pytest_cache .mypy_cache .ruff_cache
