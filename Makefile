# dnn-run: make run (train the course's 5-layer cat model), make test, make bench.
SWIFT ?= swift
APT_PACKAGES := libyaml-dev libhdf5-dev libblis-dev pkg-config
BIN := .build/release/dnn-run

.PHONY: all deps build release run test check-parity bench fuzz clean

all: release

# Install the Debian packages that are missing (needs root, as on CI and these machines).
deps:
	@missing=""; for p in $(APT_PACKAGES); do \
	  dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
	  echo "installing:$$missing"; \
	  SUDO=""; [ "$$(id -u)" = 0 ] || SUDO=sudo; \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq $$missing; \
	fi

build: deps
	$(SWIFT) build

release: deps
	$(SWIFT) build -c release --product dnn-run

run: release
	$(BIN) experiments/cat_5layer.yaml

test: deps
	$(SWIFT) build --product dnn-run
	$(SWIFT) test --disable-swift-testing

# The full 2500 iterations of both course models with every engine, against the numpy
# oracle's recorded outputs (make test runs the dual engine's full run and 300 iterations of each).
check-parity: deps
	$(SWIFT) build --product dnn-run
	DNN_RUN_FULL_PARITY=1 $(SWIFT) test --filter ParityTests

# Time dnn-run against the course's numpy algorithm and PyTorch (Benchmarks/README.md).
# BENCH_FLAGS passes options, e.g. make bench BENCH_FLAGS="--quick --no-torch".
PYTHON ?= python3
bench: release
	$(PYTHON) Benchmarks/bench.py --binary $(BIN) $(BENCH_FLAGS)

clean:
	rm -rf .build
