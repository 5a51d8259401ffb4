# Every target creates .venv and installs the project on first use, so a
# fresh machine needs only Python 3.11 and make.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-stamp
export TF_CPP_MIN_LOG_LEVEL ?= 2

.PHONY: install demo test test-backends test-slow test-distributed lint format clean

$(STAMP): setup.cfg pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)

## The main job: corpus, training, evaluation, translation of the example sentence, export.
demo: $(STAMP)
	$(PY) -m training.demo

## The default test suite (slow tests excluded); CI runs this. TEST_WORKERS
## pytest-xdist processes share it out (0: all in this process); --dist
## loadfile keeps a module on one worker, so a module's trained fixtures are
## built once. (Its loadgroup does not group under pytest 9: it renames
## `item._nodeid`, which pytest 9 no longer reads.)
TEST_WORKERS ?= 2
test: $(STAMP)
	$(PY) -m pytest -n $(TEST_WORKERS) --dist loadfile

## The backend-agnostic tests (layers, models, losses, metrics,
## tests/backends) under KERAS_BACKEND=jax and
## =torch, after installing `.[jax,torch]` (CPU builds) into the venv.
## TensorFlow runs them in `make test`.
BACKEND_TESTS := tests/layers tests/losses tests/metrics \
	tests/models/encoder_decoder_test.py \
	tests/backends \
	tests/readme_test.py::test_readme_functional_model_runs
test-backends: $(STAMP)
	$(PY) -m pip install --quiet -e '.[jax,torch]'
	KERAS_BACKEND=jax $(PY) -m pytest -n $(TEST_WORKERS) --dist loadfile $(BACKEND_TESTS)
	KERAS_BACKEND=torch $(PY) -m pytest -n $(TEST_WORKERS) --dist loadfile $(BACKEND_TESTS)

## Tests marked slow.
test-slow: $(STAMP)
	$(PY) -m pytest -m slow

## Keras Tuner chief + two workers, two training workers, on 127.0.0.1 (also part of test-slow).
test-distributed: $(STAMP)
	$(PY) -m pytest -m distributed

lint: $(STAMP)
	$(VENV)/bin/ruff check keras_attention training tests benchmarks
	$(VENV)/bin/ruff format --check keras_attention training tests benchmarks

format: $(STAMP)
	$(VENV)/bin/ruff format keras_attention training tests benchmarks
	$(VENV)/bin/ruff check --fix keras_attention training tests benchmarks

clean:
	rm -rf runs build *.egg-info
