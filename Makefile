# The single entry point: `make run` to use the assistant, `make test` to check it. See README.md.
SHELL := bash
.DEFAULT_GOAL := help

VENV     := .venv
PY       := $(VENV)/bin/python
RASA     := $(VENV)/bin/rasa
export RASA_TELEMETRY_ENABLED := false
export TF_CPP_MIN_LOG_LEVEL := 2
export PYTHONDONTWRITEBYTECODE := 1
# The action server's port and the data folder for the SQLite files (scripts/run_stack.py passes both to Rasa).
export ACTION_PORT ?= 5055
export VAR_DIR ?= var

KNOWLEDGE    := $(wildcard knowledge/*.yml) knowledge/guidance/options.yml
# The folders too: a removed data file changes its folder's time, so removing examples also retrains.
TRAIN_INPUTS := config.yml domain.yml $(shell find data -name '*.yml' 2>/dev/null) $(shell find data -type d 2>/dev/null) $(wildcard assistant_components/*.py)
SPACY_MODEL  := spacy_pipeline/meta.json
MODEL_STAMP  := models/.trained

.PHONY: help install spacy train run run-prod shell validate lint test eval eval-blind calibration advisor review-export purge erase retrain browser screenshots bench audit clean

help: ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | sed -E 's/:.*## /\t/' | expand -t 12

install: $(VENV)/.installed ## create .venv with Python 3.10 and the pinned requirements

$(VENV)/.installed: requirements.txt requirements-dev.txt scripts/find_python.sh
	@test -x $(PY) || { PY310=$$(scripts/find_python.sh) && echo "Creating $(VENV) with $$PY310" && $$PY310 -m venv $(VENV); }
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements-dev.txt
	@mkdir -p $(VAR_DIR)
	@touch $@

spacy: $(SPACY_MODEL) ## build the spaCy pipeline (blank model + entity ruler from knowledge/)

$(SPACY_MODEL): $(KNOWLEDGE) $(wildcard actions/knowledge/*.py) | $(VENV)/.installed
	$(PY) -m actions.knowledge.build_spacy --out spacy_pipeline

train: $(MODEL_STAMP) ## train the Rasa model when data, domain, config or knowledge changed

# Reproducible training: the same data train the same model on every run (TensorFlow's deterministic ops) and with
# the same kernels on every x86 machine with AVX2 (oneDNN, which TensorFlow's matrix products use, otherwise picks
# them by the CPU: AVX-512 here, AVX2 on an older machine, with other results). Without these, two runs on one
# machine differed by up to 0.03 macro-F1 (README "Reproducible training").
$(MODEL_STAMP): export TF_DETERMINISTIC_OPS := 1
$(MODEL_STAMP): export ONEDNN_MAX_CPU_ISA := AVX2
$(MODEL_STAMP): $(TRAIN_INPUTS) $(SPACY_MODEL) | $(VENV)/.installed
	$(RASA) train --fixed-model-name assistant --out models
	@touch $@

run: train ## start the action server, Rasa (REST + socket.io + HTTP API), the advisor desk and the demo website
	$(PY) scripts/run_stack.py

run-prod: train ## production mode: PostgreSQL, Redis, two Rasa processes behind rasa_proxy, action workers (README)
	$(PY) scripts/run_stack.py --prod

shell: train ## talk to the assistant in the terminal (starts the action server too)
	$(PY) scripts/run_stack.py --shell

validate: install $(SPACY_MODEL) ## check training data and domain (rasa data validate)
	$(RASA) data validate --fail-on-warnings

lint: install ## ruff (style, imports, Google docstrings) and mypy (types of actions, cases, desk, components)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/mypy

test: train lint browser ## every test: knowledge, actions, NLU hold-outs, stories, servers, desk, browser
	$(PY) -m pytest

# Not a test: nothing in `make test` asserts a time. BENCH_ARGS="--skip-pipelines" leaves out training Rasa's
# default pipeline on our data (about 25 of the 40 minutes).
bench: train ## speed against a plain `rasa init` assistant: reports/bench.md, .json, _latency.png (~40 min)
	$(PY) -m benchmarks $(BENCH_ARGS)

# pip-audit lives in its own venv: it needs newer `packaging` and CacheControl than Rasa 3.6 allows in .venv.
# It asks PyPI's vulnerability data about every pinned package (needs the network; not part of `make test`);
# --strict fails the audit when any package could not be checked, instead of reporting "no known vulnerabilities".
AUDIT_VENV := .venv-audit
audit: $(AUDIT_VENV)/.installed ## pip-audit of requirements.txt and requirements-dev.txt (network; README "Security audit")
	$(AUDIT_VENV)/bin/pip-audit --strict --no-deps --progress-spinner off -r requirements.txt -r requirements-dev.txt $(AUDIT_ARGS)

$(AUDIT_VENV)/.installed: requirements-audit.txt scripts/find_python.sh
	@test -x $(AUDIT_VENV)/bin/python || { PY310=$$(scripts/find_python.sh) && $$PY310 -m venv $(AUDIT_VENV); }
	$(AUDIT_VENV)/bin/python -m pip install --quiet --disable-pip-version-check -r requirements-audit.txt
	@touch $@

# Debian's chromium and chromium-driver for tests/browser: installed when missing if we are root or sudo works
# without a password; otherwise a message says how, and the browser tests skip (they fail when CI is set).
BROWSER_PACKAGES := chromium chromium-driver
BROWSER_HINT := sudo apt-get install -y $(BROWSER_PACKAGES)   (or make browser as root)
browser: ## Chromium and chromedriver for the browser tests (Debian packages)
	@if command -v chromedriver >/dev/null && { command -v chromium || command -v chromium-browser; } >/dev/null; then \
	  exit 0; \
	fi; \
	if [ "$$(id -u)" = 0 ]; then SUDO=; elif command -v sudo >/dev/null && sudo -n true 2>/dev/null; then SUDO=sudo; \
	else SUDO=none; fi; \
	if [ "$$SUDO" != none ] && command -v apt-get >/dev/null; then \
	  export DEBIAN_FRONTEND=noninteractive; \
	  $$SUDO apt-get install -y $(BROWSER_PACKAGES) \
	    || { $$SUDO apt-get update && $$SUDO apt-get install -y $(BROWSER_PACKAGES); } \
	    || echo "Could not install Chromium: the browser tests will be skipped. Try: $(BROWSER_HINT)" >&2; \
	else \
	  echo "Chromium is not installed: the browser tests (tests/browser) will be skipped." >&2; \
	  echo "Install it with: $(BROWSER_HINT)" >&2; \
	fi

screenshots: train browser ## the README's pictures (docs/images/): website chat, handoff, desk (real servers) and staff pages
	@[ -e /usr/share/fonts/truetype/noto/NotoColorEmoji.ttf ] || echo "Without fonts-noto-color-emoji (apt-get install \
	  fonts-noto-color-emoji) the pictures show the bot's 👍/👎 buttons as empty boxes." >&2
	$(PY) scripts/screenshots.py --out docs/images

eval: train ## score the assistant on ../shared/eval (real servers)
	$(PY) ../shared/eval/run_eval.py

eval-blind: train ## score the frozen blind set (tests/blind) with the understanding figures; JSON in reports/
	$(PY) scripts/evaluate.py tests/blind/blind_cases.yaml --out reports/blind.json

calibration: install ## how often retrieval is confidently wrong, on the own retrieval questions
	$(PY) -m actions.knowledge.calibration

advisor: install ## create an account: make advisor USERNAME=ann ROLE=advisor|staff|admin
	$(PY) -m advisor_desk.manage create-advisor --username "$(USERNAME)" --role "$(or $(ROLE),advisor)"

review-export: install ## staff review file of user messages: make review-export SINCE=2026-11-01 [UNTIL= OUT=]
	@test -n "$(SINCE)" || { echo "usage: make review-export SINCE=YYYY-MM-DD [UNTIL=YYYY-MM-DD] [OUT=reports/review/name]"; exit 2; }
	$(PY) -m staff_review export --since "$(SINCE)" $(if $(UNTIL),--until "$(UNTIL)") $(if $(OUT),--out "$(OUT)")

purge: install ## delete conversations, cases, notes, audit entries older than RETENTION_DAYS (365); for a scheduler
	$(PY) -m staff_review purge $(if $(DAYS),--days $(DAYS))

erase: install ## delete one conversation and its case on request: make erase ID=<conversation id>
	@test -n "$(ID)" || { echo "usage: make erase ID=<conversation id>" >&2; exit 2; }
	$(PY) -m staff_review erase "$(ID)" --yes

retrain: install $(SPACY_MODEL) ## merge a review file, train a candidate, activate it if not worse: make retrain REVIEW=review.csv [FORCE=1] [BLIND=1]
	$(PY) -m staff_review retrain "$(REVIEW)" $(if $(FORCE),--force) $(if $(BLIND),--blind)

clean: ## remove models, results and local databases (keeps .venv)
	rm -rf models results spacy_pipeline .rasa
	rm -f $(VAR_DIR)/*.db $(VAR_DIR)/*.db-wal $(VAR_DIR)/*.db-shm $(VAR_DIR)/rasa_token $(VAR_DIR)/action_server_token
