# dnn-run: make run (train the course's 5-layer cat model), make reproduce, make test, make bench.
SWIFT ?= swift
APT_PACKAGES := libyaml-dev libhdf5-dev libblis-dev libstb-dev libjpeg-dev pkg-config libssl-dev time bsdutils util-linux
TEST_VENV := .venv-test
BIN := .build/release/dnn-run

.PHONY: all deps build release run reproduce test test-venv test-timing test-slurm test-redteam test-integrations check-parity bench fuzz clean

all: release

# Install the Debian packages that are missing (needs root, as on CI and these machines).
define install-missing
@missing=""; for p in $(1); do \
  [ "$$(dpkg-query -W -f='$${db:Status-Abbrev}' $$p 2>/dev/null)" = "ii " ] || missing="$$missing $$p"; done; \
if [ -n "$$missing" ]; then \
  echo "installing:$$missing"; \
  SUDO=""; [ "$$(id -u)" = 0 ] || SUDO=sudo; \
  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq $$missing; \
fi
endef

deps:
	$(call install-missing,$(APT_PACKAGES))

build: deps
	$(SWIFT) build

# The Swift runtime and Foundation linked statically: about 5 MB less memory per process.
release: deps
	$(SWIFT) build -c release --product dnn-run --static-swift-stdlib

run: release
	$(BIN) experiments/cat_5layer.yaml

# Train both course models (into a temporary folder) and compare their costs and accuracies
# with the numbers the course's notebook printed (experiments/course_numbers.tsv); exit 1 if
# a compared digit differs.
reproduce: release
	sh experiments/reproduce.sh $(BIN)

test: deps test-venv
	$(SWIFT) build --product dnn-run
	DNN_RUN_TEST_PYTHON=$(CURDIR)/$(TEST_VENV)/bin/python $(SWIFT) test --disable-swift-testing
	cd Benchmarks && $(CURDIR)/$(TEST_VENV)/bin/python -m doctest bench.py  # the harness's own rules

# The image tests compare with Pillow (Tests/ImagesTests/Reference): a virtual environment
# in .venv-test (untracked) with the pinned Pillow, numpy and h5py; Debian's python3-venv.
test-venv: $(TEST_VENV)/installed

$(TEST_VENV)/installed: Tests/ImagesTests/Reference/requirements.txt
	@$(MAKE) --no-print-directory deps APT_PACKAGES=python3-venv
	rm -rf $(TEST_VENV)
	$(PYTHON) -m venv $(TEST_VENV)
	$(TEST_VENV)/bin/python -m pip install --quiet --disable-pip-version-check -r $<
	touch $@

# The timing guards of the unit tests (a slow path coming back: typing digit strings,
# 10,000 sweep points, a 10,000-run plot, a gzip bomb refused, a lock wait stopped), asserted
# only here: make test prints the times without judging a shared machine by them.
test-timing: deps test-venv
	$(SWIFT) build --product dnn-run
	DNN_RUN_TIMING=1 DNN_RUN_TEST_PYTHON=$(CURDIR)/$(TEST_VENV)/bin/python $(SWIFT) test --disable-swift-testing \
	    --filter 'SpecInputFileTests|SpecValidationTests|SweepKindTests|ExperimentPlotTests|HostileInputTests|RunTrustTests'

# The README's Slurm job script on a real one-node Slurm started here (installs slurmctld,
# slurmd, slurm-client and munge when missing; needs root): Tests/Slurm/run.sh.
test-slurm:
	bash Tests/Slurm/run.sh

# Issue 22's hostile cases replayed against the release binary (Tests/RedTeam/replay.sh):
# nesting run folders, others' files, links, a hostile git repository, FIFOs, crafted
# manifests, HDF5 files and costs, all made at run time.
test-redteam: release test-venv
	bash Tests/RedTeam/replay.sh $(BIN) $(CURDIR)/$(TEST_VENV)/bin/python

# DVC and MLflow against real results trees (README: "With DVC", "With MLflow"): installs
# them into .venv-integrations/ (once), runs experiments/dvc/dvc.yaml and
# scripts/mlflow_import.py, and checks what they report (Tests/Integrations/run.sh).
test-integrations: release
	@$(MAKE) --no-print-directory deps APT_PACKAGES=python3-venv
	PYTHON=$(PYTHON) bash Tests/Integrations/run.sh

# The full 2500 iterations of both course models with every engine, against the numpy
# oracle's recorded outputs (make test runs the dual engine's full run and 300 iterations of each).
check-parity: deps
	$(SWIFT) build --product dnn-run
	DNN_RUN_FULL_PARITY=1 $(SWIFT) test --filter ParityTests

# Time dnn-run against the course's numpy algorithm and PyTorch (Benchmarks/README.md).
# BENCH_FLAGS passes options, e.g. make bench BENCH_FLAGS="--quick --no-torch".
PYTHON ?= python3
# Debian's OpenBLAS is only compared with, in the MNIST-size rows' dgemm rates.
BENCH_APT_PACKAGES := libopenblas-dev
bench: release
	$(call install-missing,$(BENCH_APT_PACKAGES))
	$(PYTHON) Benchmarks/bench.py --binary $(BIN) $(BENCH_FLAGS)

# Fuzz the spec loader (Sources/FuzzSpec) with libFuzzer for FUZZ_SECONDS over the seeds
# in Fuzz/corpus/spec; new inputs go to Fuzz/work/ and crashes to Fuzz/crashes/ (both
# untracked). Fails on a crash, a hang (> 5 s) or an input using > 1 GiB. Fuzz/README.md.
FUZZ_SECONDS ?= 120
FUZZ_SCRATCH := .build-fuzz
FUZZ_BIN := $(FUZZ_SCRATCH)/debug/FuzzSpec
FUZZ_FLAGS := -max_total_time=$(FUZZ_SECONDS) -rss_limit_mb=1024 -timeout=5 -max_len=65536 \
	-dict=Fuzz/yaml.dict -artifact_prefix=Fuzz/crashes/ -print_final_stats=1

# (ld.gold warns "Cannot export local symbol" for every ASan helper; harmless, filtered.)
fuzz: deps
	@mkdir -p $(FUZZ_SCRATCH) Fuzz/work/corpus Fuzz/crashes
	@echo "building FuzzSpec with -sanitize=fuzzer,address (log: $(FUZZ_SCRATCH)/build.log)"
	@$(SWIFT) build -c debug --product FuzzSpec --scratch-path $(FUZZ_SCRATCH) \
	  -Xswiftc -sanitize=fuzzer,address -Xswiftc -DFUZZING >$(FUZZ_SCRATCH)/build.log 2>&1; \
	  status=$$?; grep -v 'Cannot export local symbol' $(FUZZ_SCRATCH)/build.log | tail -n 20; exit $$status
	$(FUZZ_BIN) $(FUZZ_FLAGS) Fuzz/work/corpus Fuzz/corpus/spec

clean:
	rm -rf .build $(FUZZ_SCRATCH) Fuzz/work $(TEST_VENV)
