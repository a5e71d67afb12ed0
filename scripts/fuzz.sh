#!/usr/bin/env bash
# Fuzzes every parser that takes typed or scanned input (cargo fuzz / libFuzzer; fuzz/README.md
# lists the targets and what each checks).
#
#   scripts/fuzz.sh short [SECONDS]   each target SECONDS, default 20: the test command's run
#   scripts/fuzz.sh long  [SECONDS]   each target SECONDS, default 600
#
# Installs cargo-fuzz when missing, builds the targets, runs each one for a bounded time and
# prints one line per target (execs, seconds, crashes). Exits non-zero when any target crashed
# (a panic, an integer overflow, a timeout or running out of memory): the input that did it is
# kept in fuzz/work/artifacts/TARGET/ and the line says how to replay it.
#
# Environment: FUZZ_TARGETS="a b" runs only those; FUZZ_JOBS=N runs N targets at once
# (default 1: the build machines have 2 cores); FUZZ_SANITIZER (default address; none is
# faster but rebuilds everything); FUZZ_RSS_MB (default 2048); FUZZ_WORK (default fuzz/work: the
# working corpus, which grows from run to run, crash inputs and logs; not committed).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
cd "$ROOT"

usage() { echo "usage: scripts/fuzz.sh short|long [SECONDS]" >&2; exit 2; }
case "${1:-}" in
  short) seconds="${2:-20}" ;;
  long) seconds="${2:-600}" ;;
  *) usage ;;
esac
[[ "$seconds" =~ ^[1-9][0-9]*$ ]] || usage

ALL_TARGETS=(gs1_vial_scan quick_search us_dates contact_and_names seal_verify forecast_date
  forecast_engine record_render ipc_json hl7_message)
read -r -a targets <<<"${FUZZ_TARGETS:-${ALL_TARGETS[*]}}"
jobs="${FUZZ_JOBS:-1}"
sanitizer="${FUZZ_SANITIZER:-address}"
rss_mb="${FUZZ_RSS_MB:-2048}"
work="${FUZZ_WORK:-$ROOT/fuzz/work}"
triple="$(rustc -vV | sed -n 's/^host: //p')"

# cargo fuzz passes nightly-only flags (-Zsanitizer, sanitizer coverage); the pinned stable
# toolchain accepts them with RUSTC_BOOTSTRAP. Nothing else in the project sets it.
export RUSTC_BOOTSTRAP=1
# SQLite's C code defines function-local statics of the same name (aiOff), which the address
# sanitizer reports as an ODR violation when the binary starts.
export ASAN_OPTIONS="detect_odr_violation=0${ASAN_OPTIONS:+:$ASAN_OPTIONS}"

if ! cargo fuzz --version >/dev/null 2>&1; then
  step "installing cargo-fuzz"
  cargo install cargo-fuzz --locked
fi

step "building the fuzz targets (sanitizer: $sanitizer)"
build_start=$SECONDS
# 16 codegen units: a cold build on 2 cores takes minutes, not a quarter of an hour, for a few
# per cent of fuzzing speed.
(cd "$ROOT/fuzz" && cargo fuzz build --sanitizer "$sanitizer" --codegen-units 16 \
  --target "$triple")
echo "built in $((SECONDS - build_start)) s"
bin_dir="$CARGO_TARGET_DIR/$triple/release"

# run_target NAME: fuzzes NAME for $seconds and writes its report line to $work/logs/NAME.report.
run_target() {
  local t="$1" max_len=4096 corpus="$work/corpus/$1" artifacts="$work/artifacts/$1/"
  local log="$work/logs/$1.log" start rc=0 execs crashes
  case "$t" in
    forecast_engine) max_len=8192 ;;
    record_render) max_len=32768 ;;
    hl7_message) max_len=65536 ;;
  esac
  mkdir -p "$corpus" "$artifacts" "$work/logs"
  local before; before="$(find "$artifacts" -type f | wc -l)"
  start=$SECONDS
  # The first corpus directory receives what the fuzzer finds; the committed seeds are read only.
  "$bin_dir/$t" -max_total_time="$seconds" -rss_limit_mb="$rss_mb" -timeout=60 \
    -max_len="$max_len" -print_final_stats=1 -artifact_prefix="$artifacts" \
    "$corpus" "$ROOT/fuzz/corpus/$t" >"$log" 2>&1 || rc=$?
  execs="$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)"
  [ -n "$execs" ] || execs="$(grep -oE '^#[0-9]+' "$log" | tail -1 | tr -d '#' || true)"
  crashes=$(($(find "$artifacts" -type f | wc -l) - before))
  if [ "$rc" != 0 ] && [ "$crashes" = 0 ]; then crashes=1; fi
  {
    printf 'fuzz: %-18s execs=%-10s seconds=%-5s crashes=%s' "$t" "${execs:-0}" \
      "$((SECONDS - start))" "$crashes"
    if [ "$crashes" != 0 ]; then
      printf '  (log %s; replay: cd fuzz && RUSTC_BOOTSTRAP=1 cargo fuzz run %s %s)' "$log" "$t" \
        "$artifacts$(ls -t "$artifacts" | head -1)"
    fi
    echo
  } >"$work/logs/$t.report"
  [ "$rc" = 0 ]
}

step "fuzzing ${#targets[@]} targets for $seconds s each, $jobs at a time"
for t in "${targets[@]}"; do
  [ -x "$bin_dir/$t" ] || { echo "no fuzz target named $t" >&2; exit 2; }
  rm -f "$work/logs/$t.report"
done
failed=0
running=0
for t in "${targets[@]}"; do
  if [ "$running" -ge "$jobs" ]; then
    wait -n || failed=1
    running=$((running - 1))
  fi
  run_target "$t" &
  running=$((running + 1))
done
while [ "$running" -gt 0 ]; do
  wait -n || failed=1
  running=$((running - 1))
done

step "fuzzing report ($(date -u '+%Y-%m-%d %H:%M UTC'), $sanitizer sanitizer)"
for t in "${targets[@]}"; do
  cat "$work/logs/$t.report" 2>/dev/null || { echo "fuzz: $t did not report"; failed=1; }
done
for t in "${targets[@]}"; do
  if grep -q 'crashes=[1-9]' "$work/logs/$t.report" 2>/dev/null; then
    echo >&2
    echo "---- $t: end of its log ----" >&2
    grep -vE '^#[0-9]+' "$work/logs/$t.log" | tail -40 >&2
  fi
done
if [ "$failed" != 0 ]; then
  echo "fuzzing found crashes: see above" >&2
  exit 1
fi
echo "no crash in ${#targets[@]} targets"
