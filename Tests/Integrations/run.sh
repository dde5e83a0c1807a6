#!/usr/bin/env bash
# make test-integrations: the README's "With DVC" and "With MLflow" recipes, run against a
# real DVC and a real MLflow store, and what they report checked against the results tree.
#
#   bash Tests/Integrations/run.sh        (make test-integrations builds the binary first)
#
# DVC and MLflow go into a virtual environment, .venv-integrations/ (INTEGRATIONS_VENV),
# made once from requirements.txt and reused while that file is unchanged. Everything else
# happens in a temporary folder that is removed at the end. Nothing is left running: no
# server is started, DVC's analytics daemon is off, and at exit every process that carries
# this run's token in its environment is reported and stopped by its PID.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
HERE=$ROOT/Tests/Integrations
BIN=$ROOT/.build/release/dnn-run
VENV=${INTEGRATIONS_VENV:-$ROOT/.venv-integrations}
PYTHON=${PYTHON:-python3}
REQUIREMENTS=$HERE/requirements.txt

TOKEN="$$-$(date +%s%N)"
export DNN_RUN_INTEGRATIONS_TOKEN=$TOKEN
export DVC_NO_ANALYTICS=1            # DVC would otherwise fork a daemon to send analytics
export MLFLOW_ENABLE_ARTIFACTS_PROGRESS_BAR=false
export GIT_AUTHOR_NAME=dnn-run-test GIT_AUTHOR_EMAIL=test@dnn-run.invalid
export GIT_COMMITTER_NAME=dnn-run-test GIT_COMMITTER_EMAIL=test@dnn-run.invalid

WORK=$(mktemp -d "${TMPDIR:-/tmp}/dnn-run-integrations.XXXXXX")
BACKGROUND_PID=

# The processes started by this run (they inherit the token) other than this shell.
survivors() {
    local environ pid
    for environ in /proc/[0-9]*/environ; do
        pid=${environ#/proc/}
        pid=${pid%/environ}
        if [ "$pid" = "$$" ] || [ "$pid" = "$BASHPID" ]; then continue; fi
        if grep -qzx "DNN_RUN_INTEGRATIONS_TOKEN=$TOKEN" "$environ" 2>/dev/null; then
            echo "$pid"
        fi
    done
}

cleanup() {
    local status=$? left
    trap - EXIT INT TERM
    if [ -n "$BACKGROUND_PID" ] && kill -0 "$BACKGROUND_PID" 2>/dev/null; then
        kill -TERM "$BACKGROUND_PID" 2>/dev/null || true
        wait "$BACKGROUND_PID" 2>/dev/null || true
    fi
    left=$(survivors)
    if [ -n "$left" ]; then
        left=$(echo $left)
        echo "error: processes started by this test were still running: $left (stopping them)" >&2
        ps -o pid,args -p "${left// /,}" >&2 || true
        # shellcheck disable=SC2086
        kill -TERM $left 2>/dev/null || true
        [ "$status" = 0 ] && status=1
    fi
    rm -rf "$WORK"
    [ "$status" = 0 ] || echo "make test-integrations: FAILED (status $status)" >&2
    exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

step() { printf '\n== %s (%ds)\n' "$1" "$SECONDS"; }
run() { printf '$ %s\n' "$*" >&2; "$@"; }   # show a command of the recipe, then run it

if [ ! -x "$BIN" ]; then
    echo "error: $BIN is missing; build it with make release (make test-integrations does)" >&2
    exit 2
fi

# ------------------------------------------------------------------------------------ venv
step "virtual environment $VENV"
stamp=$(sha256sum "$REQUIREMENTS" | cut -d' ' -f1)
if [ "$(cat "$VENV/.requirements-sha256" 2>/dev/null)" = "$stamp" ] \
    && "$VENV/bin/python" -c 'import dvc, mlflow, pandas, sqlalchemy' 2>/dev/null; then
    echo "reusing it (requirements.txt unchanged)"
else
    if [ -e "$VENV" ] && [ ! -f "$VENV/pyvenv.cfg" ]; then
        echo "error: $VENV exists and is not a virtual environment; remove it or set INTEGRATIONS_VENV" >&2
        exit 2
    fi
    rm -rf "$VENV"
    if ! "$PYTHON" -m venv "$VENV"; then
        echo "error: '$PYTHON -m venv' failed; on Debian install python3-venv, or set PYTHON" >&2
        exit 1
    fi
    started=$SECONDS
    "$VENV/bin/pip" install --quiet --disable-pip-version-check -r "$REQUIREMENTS"
    echo "$stamp" > "$VENV/.requirements-sha256"
    echo "pip install: $((SECONDS - started)) s"
fi
export PATH="$VENV/bin:$PATH"
PY=$VENV/bin/python
dvc --version

# ------------------------------------------------------------------------------------- DVC
step "DVC: experiments/dvc/dvc.yaml in a new git repository"
repo=$WORK/dvc-repo
out=$WORK/dvc-out
mkdir -p "$repo/.build/release" "$repo/datasets" "$repo/experiments" "$out"
cp "$BIN" "$repo/.build/release/dnn-run"
cp "$ROOT"/datasets/train_catvnoncat.h5 "$ROOT"/datasets/test_catvnoncat.h5 "$repo/datasets/"
mkdir -p "$repo/experiments/dvc"   # the example's files only, never a results/ or dvc.lock left by hand
cp "$ROOT"/experiments/dvc/{dvc.yaml,cat_2layer.yaml,.gitignore} "$repo/experiments/dvc/"
cd "$repo"
printf '/.build/\n' > .gitignore
git init -q
git add -A
git commit -qm "dnn-run's DVC example"
run dvc init -q
dvc config core.analytics false
git add -A
git commit -qm "dvc init"

run dvc repro experiments/dvc/dvc.yaml
cp -R experiments/dvc/results/cat_2layer/default "$out/repro-run"
run dvc repro experiments/dvc/dvc.yaml | tee "$out/repro-again.txt"
run dvc metrics show
dvc metrics show --json > "$out/metrics.json"
run dvc plots show --json > "$out/plots.json"
git add -A
git commit -qm "dvc repro"

# The same spec without DVC, as the reference for the checks.
"$BIN" experiments/dvc/cat_2layer.yaml --results "$out/direct" --quiet
"$BIN" experiments/dvc/cat_2layer.yaml --results "$out/direct" --quiet --set training.learning_rate=0.01

run dvc exp run experiments/dvc/dvc.yaml -S 'experiments/dvc/cat_2layer.yaml:training.learning_rate=0.01'
cp -R experiments/dvc/results/cat_2layer/default "$out/exp-run"
git diff -U0 experiments/dvc/cat_2layer.yaml > "$out/spec.diff"
dvc metrics show --json > "$out/metrics-exp.json"
run dvc exp show --no-pager --only-changed
dvc exp show --no-pager --json > "$out/exp-show.json"

"$PY" "$HERE/check_dvc.py" "$out"
cd "$ROOT"

# ---------------------------------------------------------------------------------- MLflow
step "MLflow: a results tree with completed, failed and interrupted runs"
results=$WORK/results
store=$WORK/mlflow
mkdir -p "$store"
run "$BIN" experiments/cat_2layer.yaml --results "$results" --quiet
run "$BIN" experiments/sweeps/cat_lr_seed.yaml --results "$results" --quiet --jobs 2
# A run that diverges: recorded as failed, exit status 1.
echo "(expected: the next run diverges, is recorded as failed and exits with status 1)" >&2
status=0
run "$BIN" experiments/cat_2layer.yaml --results "$results" --quiet \
    --set training.learning_rate=50 --set training.iterations=300 || status=$?
if [ "$status" != 1 ]; then
    echo "error: the diverging run exited with $status, expected 1" >&2
    exit 1
fi
# A run interrupted by SIGINT: it leaves only its hidden staging folder.
"$BIN" experiments/cat_2layer.yaml --results "$results" --quiet \
    --set training.engine=primal --set training.iterations=1000000 &
BACKGROUND_PID=$!
for _ in $(seq 600); do
    if compgen -G "$results/cat_2layer/.tmp-training.engine=primal*/manifest.json" >/dev/null; then break; fi
    sleep 0.05
done
sleep 0.5
kill -INT "$BACKGROUND_PID"
status=0
wait "$BACKGROUND_PID" || status=$?
BACKGROUND_PID=
if [ "$status" != 1 ]; then
    echo "error: the interrupted run exited with $status, expected 1" >&2
    exit 1
fi

step "MLflow: import into a SQLite store, twice"
cd "$store"
run "$PY" "$ROOT/scripts/mlflow_import.py" "$results" --tracking-uri "sqlite:///$store/mlflow.db" \
    | tee "$store/import-1.txt"
run "$PY" "$ROOT/scripts/mlflow_import.py" "$results/cat_lr_seed" "$results/cat_2layer" \
    "$results/cat_lr_seed/training.learning_rate=0.01,training.seed=2" "$results/cat_2layer/default" \
    --tracking-uri "sqlite:///$store/mlflow.db" | tee "$store/import-2.txt"
cd "$ROOT"
"$PY" "$HERE/check_mlflow.py" --results "$results" --store "$store" \
    --importer "$ROOT/scripts/mlflow_import.py" --not-a-tree "$ROOT/experiments"

step "done"
