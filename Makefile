# The two commands a newcomer needs: `make run` and `make test`. Everything else is here for development.
PY      ?= python3
VENV    := .venv
BIN     := $(VENV)/bin
MODEL   ?= models/default
DATA    := $(shell find training_data -name '*.jsonl' -o -name 'split.json' 2>/dev/null)
# Code that decides what a saved model contains: a change rebuilds the model.
TRAINING_CODE := classifier/train.py classifier/model.py classifier/persistence.py classifier/backends.py \
                 classifier/mixing.py classifier/segment.py classifier/lexical.py

export HF_HUB_OFFLINE := 1
export TRANSFORMERS_OFFLINE := 1

.PHONY: run test install model eval eval-real bench bench-speed bench-load bench-bulk bench-hostile lint clean browser

# Create the virtual environment and install the project. torch is pinned to the CPU build that
# these machines carry locally; an unpinned torch would pull a multi-GB CUDA build.
$(BIN)/.installed: pyproject.toml
	test -x $(BIN)/python || $(PY) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q torch==2.13.0
	$(BIN)/pip install -q -e '.[dev]'
	touch $@

install: $(BIN)/.installed

# Train the default model when it is missing, or the training data or training code changed.
$(MODEL)/manifest.json: $(BIN)/.installed $(DATA) $(TRAINING_CODE)
	$(BIN)/archetype train --out $(MODEL)

model: $(MODEL)/manifest.json

run: model
	$(BIN)/archetype serve

# The page test drives Debian's chromium; install it when we can (root), else that test skips.
browser:
	@command -v chromium >/dev/null 2>&1 || { [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null \
	  && apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; } \
	  || echo "chromium not installed: the page test will be skipped"

test: model browser
	$(BIN)/python -m pytest -q

eval: model
	$(BIN)/archetype eval --model $(MODEL) --report-dir reports

# Real, labelled documents nobody here wrote (../shared/real_dev): they measure, never train.
REAL ?= ../shared/real_dev
eval-real: model
	$(BIN)/archetype eval --real $(REAL) --model $(MODEL) --report-dir reports

lint: install
	$(BIN)/ruff check classifier service tests

clean:
	rm -rf $(MODEL) .cache

# Benchmarks (not part of make test): every backend's speed and accuracy, cold start, service
# memory and latency; bulk with and without the segment cache; a load test of /v1/lint.
bench: bench-speed bench-bulk bench-load

bench-speed: model
	$(BIN)/python -m benchmarks.speed --repeats 3 --out reports/speed.md

# Load test of /v1/lint on loopback: req/s and p50/p95 at 1 and 8 clients.
bench-load: model
	$(BIN)/python -m benchmarks.load --requests 60 --concurrency 1 8 --out reports/load.md

# Bulk throughput with and without the segment cache on a 10,000-row export (not part of make test).
bench-bulk: model
	$(BIN)/python -m benchmarks.bulk --rows 10000 --uncached-rows 500 --out reports/bulk.md

# Hostile inputs (issue #13) against the service, the CLI and bulk runs: per surface, inputs tried,
# crashes, 5xx answers, peak server memory, text in logs, rows lost or duplicated. Exit 1 unless
# all are zero and the server's peak stays under 600 MB. It needs a model but does not rebuild one.
bench-hostile:
	@test -f $(MODEL)/manifest.json || { echo "no model at $(MODEL): run make model"; exit 2; }
	$(BIN)/python -m benchmarks.hostile --out reports/hostile.md
