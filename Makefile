# The README's two commands: `make run` builds the graph of the bundled corpus into out/,
# `make test` runs the test suite. Both create .venv on first use.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin

.PHONY: run test test-fast lint golden evaluate train train-tagger train-vectors train-silver-ner clean chromium

run: $(VENV)/.installed
	$(BIN)/kgbuild build -o out

test: lint $(VENV)/.installed-dev chromium
	$(BIN)/python -m pytest -q

# The inner loop: everything but the tests marked slow (browser, notebook, training, corpus-wide).
test-fast: $(VENV)/.installed-dev
	$(BIN)/python -m pytest -q -m "not slow"

# ruff (lint and format) and mypy (configured in pyproject.toml: the kgbuild package)
lint: $(VENV)/.installed-dev
	$(BIN)/ruff check kgbuild tests scripts
	$(BIN)/ruff format --check kgbuild tests scripts
	$(BIN)/mypy

# Rewrites the golden files (tests/golden/) from the current code: review the diff before committing.
golden: $(VENV)/.installed-dev
	KGBUILD_UPDATE_GOLDEN=1 $(BIN)/python -m pytest -q tests/test_golden.py

# The browser tests drive Debian's Chromium through Playwright (no browser download). Installed
# with apt-get only when missing, as root (CI) or through sudo. Where that is impossible outside
# CI the browser tests skip and say why; under CI (CI set) they fail instead.
CHROMIUM ?= /usr/bin/chromium
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
chromium:
	@if [ ! -x $(CHROMIUM) ]; then \
	  echo "installing chromium for the browser tests (apt-get)"; \
	  if $(SUDO) apt-get update -qq && \
	     $(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends chromium fonts-dejavu-core; \
	  then :; \
	  elif [ -n "$$CI" ]; then exit 1; \
	  else echo "could not install chromium: the browser tests will be skipped"; fi; \
	fi

# Retrains the product's learned components from the annotated corpus (eval/annotated: train,
# chosen on dev): the entity classifier (its features read the word clusters that
# `make train-vectors` made), the relation classifier and the result classifier. Seeded; about
# 6 minutes on 2 cores (`python -m kgbuild.training --seed 0 --skip-entities` retrains relations
# and results only).
train: $(VENV)/.installed
	$(BIN)/python -m kgbuild.training --seed 0 --skip-tagger

# Retrains the whole-document entity tagger, which only the "learned" ablation runs (the product
# leaves it out). Seeded; about 35 minutes on 2 cores.
train-tagger: $(VENV)/.installed
	$(BIN)/python -m kgbuild.training --seed 0 --tagger-only

SHARED ?= ../shared

# Retrains the word vectors and their clusters (kgbuild/nlp/model/vectors) that the entity
# classifier's features read: floret on the arXiv listings in the shared folder (SHARED), one thread
# so that it repeats exactly; about 20 minutes. `make train` then retrains the classifiers on them.
train-vectors: $(VENV)/.installed-dev
	$(BIN)/python -m kgbuild.training.vectors $(SHARED)/corpus/arxiv-listings-2025/listings.jsonl.gz

# Retrains the older NER from rule-made silver data over the arXiv listings plus TDMSci (both in
# the shared folder); it fills gaps the rules leave.
train-silver-ner: $(VENV)/.installed
	$(BIN)/python -m kgbuild.nlp.training --seed 0 \
	  --arxiv $(SHARED)/corpus/arxiv-listings-2025/listings.jsonl.gz --tdmsci $(SHARED)/corpora/tdmsci/train_1500_v2.conll

# Scores extraction on the annotated test and dev splits (eval/annotated), the shared dev set
# (SHARED) and the held-out set (eval/heldout): each set's scores, then the pipeline modes
# (--ablation), as docs/evaluation.md shows them. The test split is only ever scored.
evaluate: $(VENV)/.installed
	$(BIN)/kgbuild evaluate eval/annotated/test.jsonl --corpus eval/annotated/test.jsonl
	$(BIN)/kgbuild evaluate eval/annotated/test.jsonl --corpus eval/annotated/test.jsonl --ablation
	$(BIN)/kgbuild evaluate eval/annotated/dev.jsonl --corpus eval/annotated/dev.jsonl
	$(BIN)/kgbuild evaluate eval/annotated/dev.jsonl --corpus eval/annotated/dev.jsonl --ablation
	$(BIN)/kgbuild evaluate $(SHARED)/eval/dev.jsonl
	$(BIN)/kgbuild evaluate $(SHARED)/eval/dev.jsonl --ablation
	$(BIN)/kgbuild evaluate eval/heldout/heldout.jsonl --corpus eval/heldout/texts.jsonl
	$(BIN)/kgbuild evaluate eval/heldout/heldout.jsonl --corpus eval/heldout/texts.jsonl --ablation

$(VENV)/.created:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	touch $@

$(VENV)/.installed: pyproject.toml $(VENV)/.created
	$(BIN)/python -m pip install --quiet -e .
	touch $@

$(VENV)/.installed-dev: pyproject.toml $(VENV)/.created
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $@ $(VENV)/.installed

clean:
	rm -rf $(VENV) out/*.ttl out/*.html out/*.jsonl out/*.json out/store out/cache
