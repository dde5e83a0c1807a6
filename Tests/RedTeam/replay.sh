#!/usr/bin/env bash
# make test-redteam: replays the hostile cases of issue 22 against a built dnn-run, as a
# hostile user would try them: run folders that nest, cleanup that deletes what dnn-run
# did not make, links where it writes, a spec's folder that would run commands, FIFOs and
# devices where it reads, crafted manifests, HDF5 files and costs. Every file is made here,
# at run time, in a temporary folder removed at the end; nothing binary is committed.
#
#   bash Tests/RedTeam/replay.sh [DNN_RUN] [PYTHON]
#
# DNN_RUN defaults to .build/release/dnn-run; PYTHON (with h5py, for the HDF5 cases) to
# .venv-test/bin/python, the test environment `make test-venv` makes. Each case prints one
# line, "ok" or "FAILED" with what was seen; every command runs under a deadline, so a hang
# is a failure, not a stuck CI. Exit status: 0 every case held, 1 one did not, 2 bad usage.
set -uo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
BIN=${1:-$ROOT/.build/release/dnn-run}
PY=${2:-$ROOT/.venv-test/bin/python}
if [ ! -x "$BIN" ] || [ ! -x "$PY" ]; then
    echo "usage: bash Tests/RedTeam/replay.sh [DNN_RUN] [PYTHON]   (missing: $BIN or $PY)" >&2
    exit 2
fi
BIN=$(cd "$(dirname "$BIN")" && pwd)/$(basename "$BIN")
WORK=$(mktemp -d "${TMPDIR:-/tmp}/dnn-run-redteam.XXXXXX")
BACKGROUND=
cleanup() {
    if [ -n "$BACKGROUND" ]; then kill -KILL "$BACKGROUND" 2>/dev/null; wait "$BACKGROUND" 2>/dev/null; fi
    rm -rf "$WORK"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

FAILED=0
CASES=0
OUT=$WORK/out STATUS=0
# run SECONDS COMMAND...: runs it in the case's folder under a deadline; $STATUS, $OUT.
run() {
    local seconds=$1
    shift
    timeout -s KILL "$seconds" "$@" >"$OUT" 2>&1
    STATUS=$?
}
# check "CASE" CONDITION...: one line per case, the output shown when it fails.
check() {
    local name=$1
    shift
    CASES=$((CASES + 1))
    if "$@"; then
        printf 'ok      %s\n' "$name"
    else
        FAILED=$((FAILED + 1))
        printf 'FAILED  %s (exit %s)\n' "$name" "$STATUS"
        sed 's/^/        | /' "$OUT" | head -20
    fi
}
said() { grep -qF -- "$1" "$OUT"; }
status_is() { [ "$STATUS" = "$1" ]; }
same() { cmp -s "$1" "$2"; }

# A fresh folder with the toy problem (40 + 20 examples of 6 features) and its spec.
fresh() {
    D=$WORK/case$CASES-$RANDOM
    mkdir -p "$D"
    cd "$D" || exit 1
    "$PY" - <<'EOF'
import random
random.seed(1)
for name, m in (("train.csv", 40), ("test.csv", 20)):
    with open(name, "w") as f:
        f.write("f1,f2,f3,f4,f5,f6,label\n")
        for _ in range(m):
            x = [random.random() for _ in range(6)]
            f.write(",".join("%.4f" % v for v in x) + ",%d\n" % (x[0] + x[1] > 1))
EOF
    cat >toy.yaml <<'EOF'
name: toy
data:
  train: train.csv
  test: test.csv
model:
  layer_dims: [6, 4, 3, 1]
training:
  learning_rate: 0.5
  iterations: 200
  record_every: 10
EOF
}

echo "dnn-run red-team replay: $BIN"

# --- 1, 2: a run folder never holds another; --force replaces only run folders ---------
fresh
run 60 "$BIN" toy.yaml --quiet && run 60 "$BIN" toy.yaml --quiet --set training.seed=7 \
    && run 60 "$BIN" toy.yaml --quiet --force
check "1  --force of the plain run keeps its --set run and the summary" \
    test -f results/toy/training.seed=7/manifest.json -a -f results/toy/summary.csv -a -f results/toy/default/manifest.json
cp train.csv keep.csv
sed 's/^name: toy/name: train.csv/' toy.yaml >named.yaml
run 60 "$BIN" named.yaml --quiet --results . --force
check "2  --force never replaces a folder that is not a run folder" status_is 2
mkdir -p mine/default && echo "my notes" >mine/default/notes.txt
sed 's/^name: toy/name: mine/' toy.yaml >mine.yaml
run 60 "$BIN" mine.yaml --quiet --results . --force
check "2  --force into a folder of yours: refused, named, kept" \
    bash -c '[ "$0" = 2 ] && grep -q "not a dnn-run run folder" "$1" && [ "$(cat mine/default/notes.txt)" = "my notes" ]' "$STATUS" "$OUT"

# --- 3: only what carries its maker's identity is removed --------------------------------
fresh
mkdir -p results/toy/.old-thesis-2024 && echo x >results/toy/.notes.tmp-3000 && echo y >results/toy/.old-thesis-2024/ch1.tex
sed 's/^name: toy/name: .tmp-a-99999/' toy.yaml >hidden.yaml
run 60 "$BIN" hidden.yaml --quiet && run 60 "$BIN" toy.yaml --quiet --set training.seed=2
check "3  a user's .old-thesis-2024/, .notes.tmp-3000 and a run named .tmp-a-99999 are kept" \
    test -f results/toy/.old-thesis-2024/ch1.tex -a -f results/toy/.notes.tmp-3000 -a -f "results/.tmp-a-99999/default/manifest.json"

# --- 4: a live run elsewhere (another PID namespace) keeps its staging folder -----------
if [ "$(id -u)" = 0 ] && command -v unshare >/dev/null; then
    fresh
    sed -i 's/learning_rate: 0.5/learning_rate: 0.0001/; s/iterations: 200/iterations: 10000000/' toy.yaml
    "$BIN" toy.yaml --quiet --set training.seed=1 >/dev/null 2>&1 &
    BACKGROUND=$!
    for _ in $(seq 300); do compgen -G "results/toy/.tmp-training.seed=1~*" >/dev/null && break; sleep 0.1; done
    staging=$(compgen -G "results/toy/.tmp-training.seed=1~*" | head -1)
    [ -n "$staging" ] && find "$staging" -not -name .dnn-run-staging -exec touch -d '2 hours ago' {} +
    run 60 unshare --pid --fork --mount-proc "$BIN" toy.yaml --quiet --set training.seed=2 --set training.iterations=10
    check "4  a run training on 'another node' keeps its staging folder" test -n "$staging" -a -f "$staging/spec.yaml"
    kill -KILL "$BACKGROUND"; wait "$BACKGROUND" 2>/dev/null; BACKGROUND=
else
    echo "skip    4  (needs root and unshare)"
fi

# --- 5: no lock file is followed through a link ------------------------------------------
fresh
echo precious >precious.txt && mkdir -p results/toy && ln -s "$D/precious.txt" results/toy/.lock-default
run 60 "$BIN" toy.yaml --quiet
check "5  a symlinked .lock-default is refused; its target untouched" \
    bash -c 'grep -q "is a symbolic link" "$0" && [ "$(cat precious.txt)" = precious ]' "$OUT"
rm results/toy/.lock-default && rm -f results/toy/.lock-summary && ln -s "$D/precious.txt" results/toy/.lock-summary
run 60 "$BIN" toy.yaml --quiet
check "5  a symlinked .lock-summary is refused; its target untouched" \
    bash -c 'grep -q "is a symbolic link" "$0" && [ "$(cat precious.txt)" = precious ]' "$OUT"

# --- 6: a spec's folder runs nothing -------------------------------------------------------
if command -v git >/dev/null; then
    fresh
    printf '#!/bin/sh\ntouch %s/RAN\ncat\n' "$D" >hook.sh && chmod +x hook.sh
    export GIT_CONFIG_GLOBAL=/dev/null GIT_CONFIG_NOSYSTEM=1
    git init -q && git add toy.yaml train.csv test.csv && git -c user.name=t -c user.email=t@t commit -qm spec
    git config core.fsmonitor "$D/hook.sh" && git config filter.x.clean "$D/hook.sh" && echo "*.csv filter=x" >.gitattributes
    touch train.csv
    run 60 "$BIN" toy.yaml --quiet
    unset GIT_CONFIG_GLOBAL GIT_CONFIG_NOSYSTEM
    check "6  core.fsmonitor and a clean filter in the spec's repository never run" \
        bash -c '[ "$0" = 0 ] && [ ! -e RAN ] && grep -q "\"commit\"" results/toy/default/manifest.json' "$STATUS"
fi

# --- 7, 16: crafted HDF5 files --------------------------------------------------------------
fresh
echo "secret-of-this-machine" >secret.txt
"$PY" - <<'EOF'
import h5py, numpy as np
x = (np.arange(4 * 8 * 8 * 3) % 7).astype("uint8").reshape(4, 8, 8, 3)   # compressible: LZF is optional
y = np.array([0, 1, 0, 1], dtype="int64")
with h5py.File("external.h5", "w") as f:
    f["train_set_x"] = x; f["train_set_y"] = y
    f.create_dataset("list_classes", shape=(2,), dtype="S11", external=[("secret.txt", 0, 22)])
with h5py.File("lzf.h5", "w") as f:
    f.create_dataset("train_set_x", data=x, compression="lzf"); f["train_set_y"] = y
    f["list_classes"] = np.array([b"non-cat", b"cat"])
EOF
for file in external lzf; do
    cat >"$file.yaml" <<EOF
name: $file
data:
  train: {path: $file.h5, x: train_set_x, y: train_set_y}
model:
  layer_dims: [192, 1]
training:
  learning_rate: 0.01
  iterations: 10
EOF
done
run 60 "$BIN" external.yaml --quiet
check "7  an external list_classes is refused; the file it names never read" \
    bash -c '[ "$0" = 2 ] && ! grep -rq secret-of-this results 2>/dev/null && grep -q list_classes "$1"' "$STATUS" "$OUT"
run 60 "$BIN" lzf.yaml --quiet
check "16 an LZF-compressed dataset says which filter is missing, not 'download again'" \
    bash -c '[ "$0" = 2 ] && ! grep -q "download" "$1" && grep -qi "filter\|compress" "$1"' "$STATUS" "$OUT"

# --- 9: FIFOs and devices where dnn-run reads ---------------------------------------------
fresh
run 60 "$BIN" toy.yaml --quiet
mv train.csv moved.csv   # so that verify looks in --data
mkdir data && mkfifo data/train.csv
run 20 "$BIN" verify results/toy/default --data data
check "9  verify --data with a FIFO: refused, not stuck" bash -c '[ "$0" = 2 ] && grep -q "it is a FIFO" "$1"' "$STATUS" "$OUT"
rm data/train.csv && ln -s /dev/zero data/train.csv
run 20 "$BIN" verify results/toy/default --data data
check "9  verify --data with a link to /dev/zero: refused, not spinning" bash -c '[ "$0" = 2 ] && grep -q "character device" "$1"' "$STATUS" "$OUT"
mv moved.csv train.csv
mkfifo p.csv
run 20 "$BIN" predict results/toy/default p.csv
check "9  predict of a FIFO: refused, not stuck" bash -c '[ "$0" = 2 ]' "$STATUS"

# --- 8, 13: crafted manifests ----------------------------------------------------------------
"$PY" - results/toy/default/manifest.json <<'EOF'
import hashlib, json, sys
path = sys.argv[1]
m = json.load(open(path))
data = open("/etc/passwd", "rb").read()
m["files"][0] = {"name": "../../../../../../../../etc/passwd", "bytes": len(data), "sha256": hashlib.sha256(data).hexdigest()}
json.dump(m, open(path, "w"), indent=2)
EOF
run 60 "$BIN" verify results/toy/default --quiet
check "8  a manifest naming ../../etc/passwd (with its right SHA-256) is not verified" \
    bash -c '[ "$0" = 1 ] && grep -q "not a file of a run folder" "$1"' "$STATUS" "$OUT"
run 60 "$BIN" toy.yaml --quiet --force
"$PY" - results/toy/default/manifest.json <<'EOF'
import json, sys
m = json.load(open(sys.argv[1]))
m["files"] = [f for f in m["files"] if f["name"] != "parameters.json"]
json.dump(m, open(sys.argv[1], "w"), indent=2)
EOF
echo '{"W1": [[1e999' >results/toy/default/parameters.json
run 60 "$BIN" toy.yaml --quiet
check "13 a manifest that omits parameters.json beside a corrupted one is not up to date" said "training again"

# --- 10: the test set fails after training ----------------------------------------------------
fresh
sed -i 's/iterations: 200/iterations: 2000000/; s/learning_rate: 0.5/learning_rate: 0.00001/' toy.yaml
"$BIN" toy.yaml --quiet >"$WORK/bg.out" 2>&1 &
BACKGROUND=$!
for _ in $(seq 300); do compgen -G "results/toy/.tmp-default~*/spec.yaml" >/dev/null && break; sleep 0.1; done
sleep 0.3
rm test.csv
wait "$BACKGROUND"; STATUS=$?; BACKGROUND=; cp "$WORK/bg.out" "$OUT"
check "10 a test set deleted during training: the run is completed without a test accuracy" \
    bash -c '[ "$0" = 0 ] && grep -q "no test accuracy" "$1" && grep -q "\"test_error\": \"" results/toy/default/manifest.json' "$STATUS" "$OUT"

# --- 11, 12: reports of extreme costs, a run given twice ------------------------------------
fresh
run 60 "$BIN" toy.yaml --quiet
printf 'iteration,cost\n0,1e305\n9223372036854775807,1.797e308\n10,1.797e308\n11,5e-324\n' >results/toy/default/costs.csv
run 60 "$BIN" plot results/toy/default -o big.svg --log
check "11 plot --log of costs of 1e305 to 1.797e308: no crash" bash -c '[ "$0" -lt 128 ]' "$STATUS"
run 60 "$BIN" toy.yaml --quiet --force
run 60 "$BIN" compare results/toy/default ./results/toy/default results/toy --format csv
check "12 compare of one run given three ways counts it once" bash -c '[ "$0" = 0 ] && [ "$(grep -c completed "$1")" = 1 ]' "$STATUS" "$OUT"
echo garbage >results/toy/default/metrics.json
run 60 "$BIN" compare results/toy
check "16 compare says a garbage metrics.json is damaged" said "damaged"

# --- 14, 15: predict's output -------------------------------------------------------------------
fresh
run 60 "$BIN" toy.yaml --quiet
cp test.csv before.csv
run 60 "$BIN" predict results/toy/default test.csv -o test.csv
check "14 predict -o naming its input: refused, input kept" bash -c '[ "$0" = 2 ] && cmp -s test.csv before.csv' "$STATUS"
run 60 "$BIN" predict results/toy/default test.csv -o results/toy/default/metrics.json
check "14 predict -o into a run folder: refused" status_is 2
cp test.csv "$(printf 'esc\033[31mred\u202e.csv')"
run 60 "$BIN" predict results/toy/default "$(printf 'esc\033[31mred\u202e.csv')"
check "15 terminal escapes and U+202E in a name never reach the terminal" \
    bash -c '! grep -q "$(printf "\033")" "$0" && ! grep -q "$(printf "\u202e")" "$0"' "$OUT"

# --- 16: messages ---------------------------------------------------------------------------------
fresh
tr '\n' '\r' <train.csv >cr.csv && sed 's/train: train.csv/train: cr.csv/' toy.yaml >cr.yaml
run 60 "$BIN" cr.yaml --quiet
check "16 a CR-only CSV is not called 'a header row but no examples'" \
    bash -c '[ "$0" = 2 ] && ! grep -q "but no examples" "$1"' "$STATUS" "$OUT"
head -c 4096 /dev/zero >nul.csv && sed 's/train: train.csv/train: nul.csv/' toy.yaml >nul.yaml
run 60 "$BIN" nul.yaml --quiet
check "16 a file of NUL bytes is not called 'a header row but no examples'" \
    bash -c '[ "$0" = 2 ] && ! grep -q "but no examples" "$1"' "$STATUS" "$OUT"
run 60 "$BIN" toy.yaml --quiet --results ''
check "16 --results '' is refused, not the working directory" \
    bash -c '[ "$0" = 2 ] && [ ! -d toy ] && grep -q -- "--results" "$1"' "$STATUS" "$OUT"

echo
if [ "$FAILED" = 0 ]; then
    echo "red-team replay: all $CASES cases held"
else
    echo "red-team replay: $FAILED of $CASES cases FAILED"
    exit 1
fi
