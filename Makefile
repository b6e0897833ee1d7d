# Two commands set up a fresh machine: `make demo` and `make test`.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

.PHONY: demo test wheel-demo harvest eval eval-english eval-tokenize bench bench-tokenize bench-corpus bench-scale soak clean

$(STAMP): requirements.txt pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements.txt
	$(PY) -m pip install --quiet --disable-pip-version-check --no-deps --no-build-isolation -e .
	touch $(STAMP)

demo: $(STAMP)  ## crawl the bundled fixture web offline into demo-corpus/
	$(PY) -m crawler demo --out demo-corpus

test: $(STAMP)  ## the whole test suite (installs redis-server for the shared-crawl tests)
	./scripts/ensure-redis.sh
	$(PY) -m pytest -q

# CI: the wheel with only its declared dependencies (pinned by the lock as constraints), in a
# clean venv, run from outside the checkout: what `pip install vnnews` gives a user.
WHEEL_TMP := $(or $(TMPDIR),/tmp)/vnnews-wheel-demo
wheel-demo: $(STAMP)  ## build the wheel, install it into a clean venv, run vnnews demo from elsewhere
	rm -rf $(WHEEL_TMP) build && mkdir -p $(WHEEL_TMP)
	$(PY) -m pip wheel --quiet --disable-pip-version-check --no-deps --no-build-isolation . -w $(WHEEL_TMP)/dist
	$(PYTHON) -m venv $(WHEEL_TMP)/venv
	$(WHEEL_TMP)/venv/bin/pip install --quiet --disable-pip-version-check -c requirements.txt $(WHEEL_TMP)/dist/vnnews-*.whl
	$(WHEEL_TMP)/venv/bin/pip check
	cd $(WHEEL_TMP) && env -u PYTHONPATH venv/bin/vnnews --version
	cd $(WHEEL_TMP) && env -u PYTHONPATH venv/bin/vnnews demo --out demo-corpus
	cd $(WHEEL_TMP) && env -u PYTHONPATH venv/bin/python -m corpus stats demo-corpus > stats.txt
	rm -rf build

harvest: $(STAMP)  ## harvest the live sites (all active ones by default; needs the Internet)
	$(PY) -m crawler harvest $(HARVEST_SITES) --out $(or $(OUT),data/corpus)

eval: $(STAMP)  ## extraction quality on ../shared/real-pages: ours (rules, generic) vs trafilatura
	$(PY) scripts/eval_extraction.py

eval-english: $(STAMP)  ## rule-free layer vs trafilatura on English benchmark pages (EVAL_ENGLISH_PAGES=DIR or VNNEWS_ENGLISH_PAGES)
	$(PY) scripts/eval_english.py $(if $(EVAL_ENGLISH_PAGES),--pages $(EVAL_ENGLISH_PAGES)) --jobs 2

eval-tokenize: $(STAMP)  ## tokenisation F1 on underthesea's VLSP 2013 test set
	$(PY) scripts/eval_tokenize.py

bench: $(STAMP)  ## our crawl vs the naive Scrapy+trafilatura+underthesea stack vs the tokeniser bound (BENCH_N articles)
	$(PY) benchmarks/bench_crawl.py --n $(or $(BENCH_N),3000) $(BENCH_ARGS)

bench-tokenize: $(STAMP)  ## tokenisation throughput, pool scaling and worker memory
	$(PY) benchmarks/bench_tokenize.py

bench-corpus: $(STAMP)  ## near-duplicate quality, marking 100k articles, corpus.load speed
	$(PY) benchmarks/bench_corpus.py

soak: $(STAMP)  ## 5,000 and 20,000 articles through the fault web (not in CI; ~30 min)
	$(PY) scripts/soak.py $(SOAK_ARGS)

bench-scale: $(STAMP)  ## incremental cost, shared crawl and rebuild scaling, sizing (needs redis-server)
	./scripts/ensure-redis.sh
	$(PY) benchmarks/bench_scale.py

clean:
	rm -rf demo-corpus .pytest_cache
