#!/usr/bin/env bash
# make test-slurm: the README's Slurm job script on a real Slurm, on this machine.
#
# Installs slurmctld, slurmd, slurm-client and munge from Debian when missing; starts
# munged, slurmctld and slurmd (one node, named localhost) in the foreground of this
# script, without systemd, on a configuration and state of their own under a temporary
# directory and on ports of their own (any other Slurm or munge on the machine is left
# alone); builds the release dnn-run; submits the README's script (extracted from
# README.md, not copied) for experiments/sweeps/cat_lr_seed.yaml as four arrays,
#     --array=0-3   --array=1-4   --array=0-15:4   --array=0-3%2
# each once into one shared results directory and once into a directory per task,
# merged afterwards with cp -r; then checks that every array's tasks trained every point
# exactly once, that each tree holds costs.csv and parameters.json identical (cmp) to a
# plain local run's, and that a rerun finds everything up to date. Every daemon it started
# is stopped by its PID on the way out, also when a check fails.
#
# Needs root (the daemons run as root, SlurmUser=root). SLURM_TEST_KEEP=1 keeps the
# temporary directory (logs, job outputs, results) for a look afterwards.
set -euo pipefail
umask 022 # munged refuses group- or world-writable directories on its paths
cd "$(dirname "$0")/../.."
ROOT=$PWD
SPEC=experiments/sweeps/cat_lr_seed.yaml
EXPERIMENT=cat_lr_seed
ARRAYS=(0-3 1-4 0-15:4 0-3%2)
TIMEOUT=${SLURM_TEST_TIMEOUT:-600} # seconds for all jobs to finish
START=$SECONDS

say() { printf 'test-slurm: %s\n' "$*"; }
fail() {
    printf 'test-slurm: FAILED: %s\n' "$*" >&2
    exit 1
}

if [ "$(id -u)" != 0 ]; then
    fail "needs root: slurmd and the jobs run as root here (SlurmUser=root); run it as root, as CI does"
fi

# --- a scratch directory and the daemons' PIDs, cleaned up whatever happens -------------
T=""
PIDS=()          # daemons we started, as PID:NAME, in start order
STEPDS_BEFORE="" # slurmstepd processes there before we started (another Slurm's)

# PIDs of the processes named $1 (as pgrep -x would, without needing procps).
pids_named() {
    local f
    for f in /proc/[0-9]*/comm; do
        [ "$(cat "$f" 2>/dev/null)" = "$1" ] && { f=${f#/proc/}; echo "${f%/comm}"; }
    done
    return 0
}

stop_pid() { # stop_pid PID NAME: SIGTERM, up to 20 s, then SIGKILL
    local pid=$1 name=$2 i
    kill -0 "$pid" 2>/dev/null || return 0
    kill -TERM "$pid" 2>/dev/null || true
    for i in $(seq 200); do
        kill -0 "$pid" 2>/dev/null || return 0
        sleep 0.1
    done
    say "$name (pid $pid) ignored SIGTERM for 20 s: SIGKILL"
    kill -KILL "$pid" 2>/dev/null || true
}

cleanup() {
    local status=$? i pid
    trap - EXIT INT TERM
    set +e
    if [ "${POLICY_RC_D:-0}" = 1 ]; then rm -f /usr/sbin/policy-rc.d; fi
    if [ "$status" != 0 ] && [ -n "$T" ] && [ -d "$T/log" ]; then
        for f in "$T"/log/* "$T"/out/*; do
            [ -f "$f" ] || continue
            echo "----- $f (last 15 lines)" >&2
            tail -n 15 "$f" >&2
        done
    fi
    # Cancel what is still queued or running (after a failure), while slurmctld is up,
    # so that slurmd ends the job steps itself.
    if [ -n "${SLURMCTLD_PID:-}" ] && kill -0 "$SLURMCTLD_PID" 2>/dev/null; then
        scancel --quiet --user=root 2>/dev/null
        for i in $(seq 100); do
            [ -z "$(squeue -h 2>/dev/null)" ] && break
            sleep 0.1
        done
    fi
    # Stop the daemons by PID, the last started first: slurmd, slurmctld, munged.
    for ((i = ${#PIDS[@]} - 1; i >= 0; i--)); do
        stop_pid "${PIDS[i]%%:*}" "${PIDS[i]#*:}"
    done
    # slurmd's job step daemons (slurmstepd) outlive slurmd only while a step ends:
    # wait for those that were not there before we started, then stop them by PID.
    for i in $(seq 100); do
        [ "${#PIDS[@]}" = 0 ] && break
        pid=""
        for p in $(pids_named slurmstepd); do
            case "$STEPDS_BEFORE" in *" $p "*) ;; *) pid="$pid $p" ;; esac
        done
        [ -z "$pid" ] && break
        [ "$i" = 100 ] && for p in $pid; do stop_pid "$p" slurmstepd; done
        sleep 0.1
    done
    if [ -z "$T" ]; then
        :
    elif [ "${SLURM_TEST_KEEP:-0}" = 1 ]; then
        say "kept $T"
    else
        rm -rf "$T"
    fi
    case $status in
    0) ;;
    130 | 143) say "interrupted after $((SECONDS - START)) s; every daemon it started is stopped" ;;
    *) say "FAILED after $((SECONDS - START)) s" ;;
    esac
    exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# --- Debian packages -----------------------------------------------------------------
missing=""
for p in slurmctld slurmd slurm-client munge; do
    # (dpkg -s also succeeds for a removed package whose configuration files remain)
    [ "$(dpkg-query -W -f='${db:Status-Abbrev}' "$p" 2>/dev/null)" = "ii " ] || missing="$missing $p"
done
if [ -n "$missing" ]; then
    say "installing:$missing"
    # The packages' scripts would start the system's munged, slurmctld and slurmd; a
    # policy-rc.d that says no (as in Docker images) keeps them stopped while installing.
    if [ ! -e /usr/sbin/policy-rc.d ]; then
        printf '#!/bin/sh\n# made by dnn-run Tests/Slurm/run.sh while installing; removed after\nexit 101\n' >/usr/sbin/policy-rc.d
        chmod 755 /usr/sbin/policy-rc.d
        POLICY_RC_D=1
    fi
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $missing >/dev/null
    if [ "${POLICY_RC_D:-0}" = 1 ]; then rm -f /usr/sbin/policy-rc.d; POLICY_RC_D=0; fi
fi

T=$(mktemp -d /tmp/dnn-run-slurm.XXXXXX)
chmod 755 "$T" # munged needs its socket's directories executable by all
mkdir -p "$T"/{munge,state,spool,log,out,results,merged}
STEPDS_BEFORE=" $(pids_named slurmstepd | tr '\n' ' ') "

# Ports of our own, so that another Slurm on the machine is no obstacle.
port_free() { ! command -v ss >/dev/null || ! ss -Htln "sport = :$1" | grep -q .; }
base=$((20000 + ($$ % 2000) * 2))
while ! port_free "$base" || ! port_free $((base + 1)); do base=$((base + 2)); done

# --- munge: a fresh key and a socket of our own ---------------------------------------
if command -v mungekey >/dev/null; then
    mungekey --create --keyfile="$T/munge/munge.key"
else
    dd if=/dev/urandom of="$T/munge/munge.key" bs=1024 count=1 status=none
fi
chmod 400 "$T/munge/munge.key"
MUNGE_SOCKET=$T/munge/munge.socket
munged --foreground --socket="$MUNGE_SOCKET" --key-file="$T/munge/munge.key" \
    --pid-file="$T/munge/munged.pid" --seed-file="$T/munge/munged.seed" \
    --log-file="$T/log/munged.log" >>"$T/log/munged.log" 2>&1 &
PIDS+=("$!:munged")

wait_for() { # wait_for SECONDS DESCRIPTION COMMAND...: until COMMAND succeeds
    local limit=$1 what=$2 i
    shift 2
    for ((i = 0; i < limit * 10; i++)); do
        "$@" >/dev/null 2>&1 && return 0
        local entry
        for entry in "${PIDS[@]}"; do
            kill -0 "${entry%%:*}" 2>/dev/null || fail "${entry#*:} exited while waiting for $what (log: below)"
        done
        sleep 0.1
    done
    fail "no $what after $limit s"
}
munge_works() { munge -n -S "$MUNGE_SOCKET" | unmunge -S "$MUNGE_SOCKET"; }
wait_for 20 "munge credential round trip" munge_works

# --- slurm.conf -------------------------------------------------------------------------
export SLURM_CONF=$T/slurm.conf
cat >"$SLURM_CONF" <<EOF
# A one-node Slurm for make test-slurm (Tests/Slurm/run.sh); Slurm 22.05 (Debian 12).
ClusterName=dnnruntest
SlurmctldHost=localhost
SlurmctldPort=$base
SlurmdPort=$((base + 1))
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
CredType=cred/munge
# Our munged's socket, not the system's /run/munge/munge.socket.2.
AuthInfo=socket=$MUNGE_SOCKET
StateSaveLocation=$T/state
SlurmdSpoolDir=$T/spool
SlurmctldPidFile=$T/slurmctld.pid
SlurmdPidFile=$T/slurmd.pid
SlurmctldLogFile=$T/log/slurmctld.log
SlurmdLogFile=$T/log/slurmd.log
# In a container without systemd: proctrack/cgroup and task/cgroup need cgroup
# delegation from systemd (dbus) and fail here; linuxproc tracks a job's processes by
# parentage, task/none binds nothing. Together with jobacct_gather/none nothing loads
# the cgroup plugin, so no cgroup.conf is needed.
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
JobCompType=jobcomp/none
MpiDefault=none
MailProg=/bin/true
ReturnToService=2
SchedulerType=sched/backfill
SelectType=select/cons_tres
SelectTypeParameters=CR_CPU
# Keep finished jobs visible to scontrol long enough to read their exit codes.
MinJobAge=3600
# The node is declared with 4 CPUs whatever the machine has (config_overrides: slurmd
# does not drain it for having fewer), so that two 2-CPU tasks run at once and share
# one results directory for real.
SlurmdParameters=config_overrides
NodeName=localhost CPUs=4 RealMemory=2000 State=UNKNOWN
PartitionName=debug Nodes=localhost Default=YES MaxTime=INFINITE State=UP
EOF

# --- slurmctld and slurmd in the foreground (-D), in the background of this script -------
slurmctld -D -i >>"$T/log/slurmctld.out" 2>&1 &
SLURMCTLD_PID=$!
PIDS+=("$SLURMCTLD_PID:slurmctld")
wait_for 30 "answer from slurmctld" scontrol ping
slurmd -D -N localhost >>"$T/log/slurmd.out" 2>&1 &
PIDS+=("$!:slurmd")
node_idle() { [ "$(sinfo -h -N -n localhost -o %t)" = idle ]; }
wait_for 60 "idle node in sinfo" node_idle
say "Slurm up in $((SECONDS - START)) s (slurmctld port $base, pids ${PIDS[*]})"

# --- dnn-run, the job script, and a plain local run to compare with ---------------------
t=$SECONDS
make --no-print-directory release >"$T/log/build.log" 2>&1 || { tail -n 30 "$T/log/build.log" >&2; fail "make release"; }
export PATH=$ROOT/.build/release:$PATH
[ "$(command -v dnn-run)" = "$ROOT/.build/release/dnn-run" ] || fail "dnn-run on PATH is $(command -v dnn-run)"
say "make release: $((SECONDS - t)) s"

# The README's job script: its one bash block that runs --shard slurm.
awk '/^```bash$/ { inside = 1; block = ""; next }
     /^```$/ && inside { inside = 0; if (block ~ /--shard slurm/) { printf "%s", block; n++ } next }
     inside { block = block $0 "\n" }
     END { if (n != 1) { print "README.md: expected one bash block with --shard slurm, found " n > "/dev/stderr"; exit 1 } }' \
    README.md >"$T/sweep.sh"
grep -q '^#SBATCH --array=' "$T/sweep.sh" || fail "README.md's job script has no #SBATCH --array line"

dnn-run "$SPEC" --quiet --results "$T/local" >"$T/out/local.out"
POINTS=$(sed -n 's/^\([^:]*\): final cost .*/\1/p' "$T/out/local.out" | sort)
[ "$(echo "$POINTS" | wc -l)" = 9 ] || fail "the local run trained $(echo "$POINTS" | wc -l) points, expected 9: $(cat "$T/out/local.out")"

# --- submit every array twice: one shared results directory, a directory per task -------
t=$SECONDS
JOBS=() WHAT=()
for a in "${ARRAYS[@]}"; do
    name=${a//[:%]/_}
    JOBS+=("$(sbatch --parsable --array="$a" --job-name="$name-shared" --output="$T/out/$name-shared-%a.out" \
        "$T/sweep.sh" "$T/results/$name-shared")")
    WHAT+=("--array=$a into one shared directory")
    JOBS+=("$(sbatch --parsable --array="$a" --job-name="$name-pertask" --output="$T/out/$name-pertask-%a.out" \
        "$T/sweep.sh" "$T/results/$name-task%a")")
    WHAT+=("--array=$a into a directory per task")
done
say "submitted jobs ${JOBS[*]} (arrays ${ARRAYS[*]}, shared and per task)"

# No accounting (sacct) here: poll squeue until it is empty.
until [ -z "$(squeue -h)" ]; do
    ((SECONDS - t < TIMEOUT)) || fail "jobs still queued or running after $TIMEOUT s: $(squeue)"
    sleep 0.5
done
say "all 32 tasks done in $((SECONDS - t)) s"

# Every task completed with exit code 0 (scontrol keeps finished jobs for MinJobAge).
for i in "${!JOBS[@]}"; do
    job=${JOBS[i]}
    states=$(scontrol -o show job "$job" | grep -o 'ArrayTaskId=[0-9]*\|JobState=[A-Z_]*\|ExitCode=[0-9:]*' | paste -sd ' ')
    n=$(scontrol -o show job "$job" | grep -c 'JobState=COMPLETED .* ExitCode=0:0' || true)
    [ "$n" = 4 ] || fail "job $job (${WHAT[i]}): expected 4 tasks COMPLETED with exit code 0, got: $states"
done

# --- checks ----------------------------------------------------------------------------
same_as_local() { # same_as_local EXPERIMENT_DIR: the 9 runs, costs and parameters as the local run's
    local dir=$1 point file
    [ "$(find "$dir" -mindepth 2 -maxdepth 2 -name manifest.json | wc -l)" = 9 ] \
        || fail "$dir: expected 9 runs, found $(find "$dir" -mindepth 2 -maxdepth 2 -name manifest.json | wc -l)"
    while read -r point; do
        for file in costs.csv parameters.json; do
            cmp "$T/local/$point/$file" "$(dirname "$dir")/$point/$file" || fail "$point/$file differs from the local run's"
        done
    done <<<"$POINTS"
}
all_up_to_date() { # all_up_to_date RESULTS_DIR
    dnn-run "$SPEC" --quiet --results "$1" >"$T/out/rerun.out" || fail "rerun on $1: $(cat "$T/out/rerun.out")"
    [ "$(tail -n 1 "$T/out/rerun.out")" = "9 runs: 9 up to date" ] || fail "rerun on $1: $(cat "$T/out/rerun.out")"
}

for a in "${ARRAYS[@]}"; do
    name=${a//[:%]/_}
    for mode in shared pertask; do
        outputs=("$T/out/$name-$mode"-*.out)
        [ "${#outputs[@]}" = 4 ] || fail "--array=$a ($mode): ${#outputs[@]} task outputs, expected 4"
        # The summary lines of all tasks name each point exactly once: nothing trained twice or missed.
        trained=$(cat "${outputs[@]}" | sed -n 's/^\([^:]*\): final cost .*/\1/p' | sort)
        [ "$trained" = "$POINTS" ] || fail "--array=$a ($mode): the tasks trained
$trained
expected each of
$POINTS"
        if grep -l -i 'error' "${outputs[@]}"; then fail "--array=$a ($mode): an error in a task's output"; fi
    done
    # One shared directory: the whole sweep, as the local run's.
    same_as_local "$T/results/$name-shared/$EXPERIMENT"
    all_up_to_date "$T/results/$name-shared"
    # A directory per task, each holding only its own points, merged by plain copying.
    n=$(find "$T/results/$name"-task*/"$EXPERIMENT" -mindepth 2 -maxdepth 2 -name manifest.json | wc -l)
    [ "$n" = 9 ] || fail "--array=$a: the per-task directories hold $n runs together, expected 9"
    mkdir -p "$T/merged/$name"
    cp -r "$T/results/$name"-task*/. "$T/merged/$name/"
    same_as_local "$T/merged/$name/$EXPERIMENT"
    all_up_to_date "$T/merged/$name"
    say "--array=$a: every point trained once; shared and merged trees identical to a local run's; reruns up to date"
done

say "OK in $((SECONDS - START)) s"
