#!/usr/bin/env bash
# The GPU machine's one script for issue 5: `qsparse bench` on the device, the PyTorch counterpart, then the
# test suite on the device, each under its own time limit (worst case 7.5 minutes in all), leaving logs and
# JSON in $OUT (6 files: bench.log, bench-<device>.json, torch.log, bench-torch.json, tests.log, summary.txt).
# Bench runs first, so its first-launch rows find no driver cache of our kernels from the tests.
#
# Prepare here, from the repository root (the shared pack.sh; ../shared beside the main checkout):
#   ../shared/device/pack.sh Tests/QSparse.Tests.csproj
# NOTE: pack only the tests: their publish holds the qsparse program too (QSparse.Host.dll with its deps and
# runtimeconfig), and a second published copy would push the carry past its 64 MiB.
# Then call the device tool's run with carry [".device"], timeout_s 600 and the command
#   bash Perf/gpu-check.sh
# Rehearse on a CPU (from a fresh copy of the tree with .device in it):
#   QSPARSE_CHECK_DEVICE=cpu OUT=/tmp/out bash Perf/gpu-check.sh
# QSPARSE_CHECK_PYTHON picks the Python that has torch (default python3); QSPARSE_CHECK_QUICK=1 passes
# --quick to both benches (a rehearsal on two CPU cores).
set -uo pipefail
device=${QSPARSE_CHECK_DEVICE:-cuda}
python=${QSPARSE_CHECK_PYTHON:-python3}
quick=${QSPARSE_CHECK_QUICK:+--quick}
out=${OUT:?set OUT to the folder that receives the results}
cd "$(dirname "$0")/.."
mkdir -p "$out"
[ -f .device/run.sh ] || { echo "no .device/run.sh: run ../shared/device/pack.sh first and carry .device" >&2; exit 2; }
summary="$out/summary.txt"
: > "$summary"
failed=0

# part NAME LIMIT_SECONDS COMMAND...: runs COMMAND into $OUT/NAME.log under `timeout`, records rc and seconds.
part() {
  local name=$1 limit=$2 start=$SECONDS rc
  shift 2
  echo "== $name (limit ${limit} s): $*" | tee -a "$summary"
  timeout -k 10 "$limit" "$@" > "$out/$name.log" 2>&1
  rc=$?
  echo "   rc $rc after $((SECONDS - start)) s$([ "$rc" -eq 124 ] && echo ', TIMED OUT')" | tee -a "$summary"
  tail -n 3 "$out/$name.log" | sed 's/^/   | /' | tee -a "$summary"
  [ "$rc" -eq 0 ] || failed=1
}

{ date -u +%FT%TZ; uname -m; nvidia-smi --query-gpu=name,driver_version,memory.total --format=csv,noheader 2>/dev/null || echo "no nvidia-smi"; } >> "$summary"
part bench 210 bash .device/run.sh tests/QSparse.Host bench --device "$device" --json "$out/bench-$device.json" $quick
part torch 90 env PYTHONUNBUFFERED=1 "$python" Perf/reference/torch_bench.py --device "$device" --json "$out/bench-torch.json" $quick
part tests 150 env QSPARSE_TEST_DEVICES="$device" bash .device/run.sh tests/QSparse.Tests
echo "== done: $([ "$failed" -eq 0 ] && echo 'every part passed' || echo 'some part FAILED')" | tee -a "$summary"
exit "$failed"
