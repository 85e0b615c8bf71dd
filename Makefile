# Global24 — two commands: `make demo` and `make test`.
PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
PIP    := $(VENV)/bin/pip
STAMP  := $(VENV)/.installed
DEV_STAMP := $(VENV)/.installed-dev
SYS_STAMP := $(VENV)/.system-deps

.PHONY: demo test test-fast test-llm-ci lint bench clean system-deps serve

$(STAMP): pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PIP) install -q --upgrade pip
	$(PIP) install -q -e .
	touch $@

$(DEV_STAMP): pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PIP) install -q --upgrade pip
	$(PIP) install -q -e '.[dev]'
	touch $(STAMP) $@

# Debian packages the tests need: chromium + an emoji font (browser tests), PostgreSQL (store tests),
# wrk and nginx-light (bench/serve and its static ceiling).
$(SYS_STAMP):
	@need=""; \
	command -v chromium >/dev/null 2>&1 || need="$$need chromium"; \
	ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || need="$$need postgresql"; \
	command -v wrk >/dev/null 2>&1 || need="$$need wrk"; \
	command -v nginx >/dev/null 2>&1 || need="$$need nginx-light"; \
	[ -e /usr/share/fonts/truetype/noto/NotoColorEmoji.ttf ] || need="$$need fonts-noto-color-emoji"; \
	command -v runuser >/dev/null 2>&1 || need="$$need util-linux"; \
	if [ -n "$$need" ]; then \
	  echo "installing Debian packages:$$need"; \
	  SUDO=""; [ "$$(id -u)" = 0 ] || SUDO=sudo; \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq $$need >/dev/null; \
	fi
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	touch $@

system-deps: $(SYS_STAMP)

demo: $(STAMP)
	$(VENV)/bin/global24 demo

serve: $(STAMP)
	$(VENV)/bin/global24 serve

# In CI (CI=true) the real-model test of the llm writer runs too: it needs llama.cpp built from source
# (mk/llm.mk, several minutes). A failed build is reported and skipped; a failing test fails the run.
test: $(DEV_STAMP) $(SYS_STAMP)
	$(VENV)/bin/pytest -q -m "not llm" -p no:cacheprovider
	@if [ "$$CI" = "true" ]; then $(MAKE) --no-print-directory test-llm-ci; fi

test-llm-ci:
	@if $(MAKE) --no-print-directory llm; then \
	  $(VENV)/bin/pytest -q -m llm -p no:cacheprovider tests/writing; \
	else echo "llm: llama-cpp-python did not build; the real-model test was not run"; fi

test-fast: $(DEV_STAMP)
	$(VENV)/bin/pytest -q -m "not llm and not slow and not browser and not postgres" -p no:cacheprovider

lint: $(DEV_STAMP)
	$(VENV)/bin/ruff check src tests bench

bench: $(DEV_STAMP) $(SYS_STAMP)
	$(PY) bench/ingest.py
	$(PY) bench/conformance.py
	$(PY) bench/extract.py
	$(PY) bench/cluster.py
	$(PY) bench/summarize.py
	$(PY) bench/grounding.py
	$(PY) bench/write_scale.py --sizes 10,20,40
	$(PY) bench/serve.py

clean:
	rm -rf $(VENV) data .demo export test-output bench/results

-include mk/*.mk
