# Shared by the benchmark scripts: running a module's main class as ./nowcast does, and medians.
# shellcheck shell=bash
ROOT=${ROOT:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)}

bench_java() { # bench_java MODULE HEAP MAINCLASS ARGS...: Spark's module options, the module's runtime and provided classpath
  local m=$1 heap=$2; shift 2
  local cp
  cp="$(ls "$ROOT/$m"/target/nowcast-"$m"-*-SNAPSHOT.jar | grep -v -e '-job.jar' -e '-tests.jar' | head -1):$(cat "$ROOT/$m/target/classpath.txt")"
  [[ -s $ROOT/$m/target/provided-classpath.txt ]] && cp="$cp:$(cat "$ROOT/$m/target/provided-classpath.txt")"
  # shellcheck disable=SC2046
  java $(sed -n 's:.*<spark.jvm.opens>\(.*\)</spark.jvm.opens>.*:\1:p' "$ROOT/pom.xml") -Xmx"$heap" \
    -Dlog4j2.configurationFile="$ROOT/speed-layer/log4j2-local.properties" -cp "$cp" "$@"
}

median() { sort -n | awk '{a[NR]=$1} END {print (NR % 2) ? a[(NR+1)/2] : (a[NR/2] + a[NR/2+1]) / 2}'; }

# traced_run PID SECONDS LABEL COMMAND...: runs COMMAND (one benchmark run, longer than SECONDS + 2 s)
# while bench/lib/cpu-stalls traces the scheduler from its 2nd second for SECONDS, watching PID's threads;
# prints "bench: LABEL: " and COMMAND's last line, then the trace, analysed only once COMMAND has ended so
# that the analysis does not compete with the load it describes.
traced_run() {
  local pid=$1 seconds=$2 label=$3 out stalls run
  shift 3
  out=$(mktemp) stalls=$(mktemp)
  "$@" >"$out" 2>/dev/null &
  run=$!
  (sleep 2; CPU_STALLS_ANALYSE_AFTER_PID=$run "$ROOT/bench/lib/cpu-stalls" "$seconds" "$pid" >"$stalls" 2>&1 || true) &
  wait "$run" || true
  echo "bench: $label: $(tail -n 1 "$out")"
  wait $! || true
  local line # not sed: a label may hold any character (one with a "/" broke the s command)
  while IFS= read -r line; do
    [[ $line == cpu-stalls:* ]] && line="bench: $label, scheduler trace:${line#cpu-stalls:}"
    printf '%s\n' "$line"
  done <"$stalls"
  rm -f "$out" "$stalls"
}
