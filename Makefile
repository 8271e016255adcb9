# gophys: the two commands users need are `make lab` and `make test` (see README.md).
SHELL := /bin/bash
export GOTOOLCHAIN := local

GO      ?= go
PYTHON  ?= python3
VENV    := $(CURDIR)/.venv
VPY     := $(VENV)/bin/python
BIN     := $(CURDIR)/bin/gophys
REPORTS := $(CURDIR)/build/reports
# JupyterLab refuses to run as root without --allow-root.
LAB_ROOT_FLAG := $(if $(filter 0,$(shell id -u)),--allow-root,)

.PHONY: all build venv kernelspec labext lab test test-go test-protocol test-notebooks test-browser report bench bench-gemm bench-train bench-pytorch-venv generate lint clean

all: build

## build: compile the gophys binary into bin/.
build:
	$(GO) build -o $(BIN) ./cmd/gophys

## venv: the local Python environment with the pinned Jupyter stack.
venv: $(VENV)/.installed
$(VENV)/.installed: requirements.txt
	$(PYTHON) -m venv $(VENV)
	$(VPY) -m pip install --quiet --disable-pip-version-check -r requirements.txt
	touch $@

## kernelspec: install the gophys kernelspec into the venv (nothing outside the repo is touched).
kernelspec: build venv
	$(BIN) install --prefix $(VENV)

## labext: build the @gophys/labext MIME renderers (npm, lock file) and install them into .venv.
LABEXT     := $(CURDIR)/display/labext
LABEXT_DIR := $(VENV)/share/jupyter/labextensions/@gophys/labext
labext: venv $(LABEXT)/node_modules/.installed
	cd $(LABEXT) && npx tsc && $(VENV)/bin/jupyter-builder build \
	  --core-package-file "$$($(VPY) -c 'import jupyterlab, os; print(os.path.dirname(jupyterlab.__file__))')/staging/package.json" .
	rm -rf $(LABEXT_DIR) && mkdir -p $(dir $(LABEXT_DIR)) && cp -r $(LABEXT)/labextension $(LABEXT_DIR)
	cp $(LABEXT)/install.json $(LABEXT_DIR)/install.json
$(LABEXT)/node_modules/.installed: $(LABEXT)/package-lock.json
	cd $(LABEXT) && npm ci --no-audit --no-fund --loglevel=error
	touch $@

## lab: build, install into .venv and open JupyterLab on notebooks/.
lab: kernelspec labext
	$(VENV)/bin/jupyter lab --notebook-dir=$(CURDIR)/notebooks $(LAB_ROOT_FLAG)

## test: vet, Go tests, the Python protocol suite, every notebook executed and exported to HTML,
## and JupyterLab in headless Chromium (screenshot in build/screenshots/).
test: test-go test-protocol test-notebooks test-browser

test-go:
	$(GO) vet ./...
	$(GO) test ./...

test-protocol: kernelspec
	PATH=$(VENV)/bin:$$PATH $(VPY) -m pytest -q tests

test-notebooks: kernelspec
	PATH=$(VENV)/bin:$$PATH $(VPY) tests/run_notebooks.py --out $(REPORTS) notebooks

test-browser: kernelspec labext tests/browser/node_modules/.installed
	node tests/browser/lab.test.mjs
tests/browser/node_modules/.installed: tests/browser/package-lock.json
	cd tests/browser && npm ci --no-audit --no-fund --loglevel=error
	touch $@

## report: execute every notebook once and export it as HTML into build/reports/.
report: kernelspec
	PATH=$(VENV)/bin:$$PATH $(VPY) tests/run_notebooks.py --out $(REPORTS) notebooks

## bench: kernel latency/memory side by side with ipykernel, physnn's Go benchmarks and the GEMM table
## (physnn vs gonum vs OpenBLAS). BENCH_OPENBLAS=1 adds the OpenBLAS column (cgo + libopenblas-dev);
## OPENBLAS_CORETYPE=SkylakeX picks its AVX-512 kernels on CPUs newer than the library (Zen 5).
## When bench/pytorch/.venv exists (make bench-pytorch-venv) it ends with bench-train's comparison.
GEMM_TABLE = PHYSNN_GEMM_TABLE=1 $(GO) test -run '^$$' -bench '^BenchmarkGEMMTable$$' -benchtime 1x \
	$(if $(filter 1,$(BENCH_OPENBLAS)),-tags openblas,) ./physnn/internal/gemm
TORCH_VENV := $(CURDIR)/bench/pytorch/.venv
bench: kernelspec
	PATH=$(VENV)/bin:$$PATH $(VPY) bench/kernel_bench.py
	$(GO) test -run '^$$' -bench . -benchmem ./physnn/...
	$(GEMM_TABLE)
	@if [ -x $(TORCH_VENV)/bin/python ]; then $(MAKE) --no-print-directory bench-train; \
	else echo "bench: no bench/pytorch/.venv, skipping the PyTorch comparison (make bench-pytorch-venv)"; fi

## bench-gemm: only the GEMM table (no Python needed).
bench-gemm:
	$(GEMM_TABLE)

## bench-train: training throughput (samples/s) of physnn's SciNet MLPs and jet-image CNN against the same
## networks in PyTorch on CPU (and GPU if present), side by side in one run; needs make bench-pytorch-venv.
## BENCH_ROUNDS sets the alternating rounds (default 3); BENCH_FLAGS=--realtime runs them under SCHED_FIFO (root).
bench-train:
	@test -x $(TORCH_VENV)/bin/python || { echo "bench-train: run make bench-pytorch-venv first"; exit 1; }
	$(TORCH_VENV)/bin/python bench/train_compare.py --rounds $(or $(BENCH_ROUNDS),3) $(BENCH_FLAGS)

## bench-pytorch-venv: the benchmark-only PyTorch venv (bench/pytorch/requirements.txt; several GB).
bench-pytorch-venv: $(TORCH_VENV)/.installed
$(TORCH_VENV)/.installed: bench/pytorch/requirements.txt
	$(PYTHON) -m venv $(TORCH_VENV)
	$(TORCH_VENV)/bin/python -m pip install --quiet --disable-pip-version-check -r bench/pytorch/requirements.txt
	touch $@

## generate: regenerate the yaegi symbol tables and other generated code.
generate:
	$(GO) generate ./...

lint:
	@test -z "$$(gofmt -l $$(git ls-files '*.go'))" || { gofmt -l $$(git ls-files '*.go'); exit 1; }
	$(GO) vet ./...

clean:
	rm -rf bin build
