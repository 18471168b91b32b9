#!/usr/bin/env bash
# Builds the benchmarks and runs every suite, the SDK against what a vendor would use instead, then renders
# benchmarks/RESULTS.md from the raw results kept in benchmarks/results/<date>-<mode>/.
#
#   benchmarks/run.sh quick   # a few minutes: one fork, short iterations, a few gateway sizes
#   benchmarks/run.sh full    # proper settings: three forks, longer iterations, more gateway sizes
#
# MVN_ARGS adds Maven options (e.g. MVN_ARGS=-o to build offline).
set -euo pipefail

mode=${1:-}
case "$mode" in
  quick|full) ;;
  *) echo "usage: $0 quick|full" >&2; exit 2 ;;
esac

root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
command="benchmarks/run.sh $mode"
out="benchmarks/results/$(date -u +%Y-%m-%d)-$mode"
mkdir -p "$out"
started=$(date -u +%s)

echo "== build"
mvn -B -q ${MVN_ARGS:-} -pl benchmarks -am package -DskipTests
jar=benchmarks/target/benchmarks.jar

if [ "$mode" = quick ]; then
  jmh_opts=(-f 1 -wi 2 -i 3 -w 1s -r 1s)
  opcua_opts=(-f 1 -wi 1 -i 3 -w 2s -r 2s)
  inference_params=(-p model=MLP)
  interleaved=(10 50 MLP)
  latency_scale=1
  gateway=(10,50,100,200 10)
else
  jmh_opts=(-f 3 -wi 5 -i 10 -w 2s -r 2s)
  opcua_opts=(-f 2 -wi 3 -i 10 -w 3s -r 3s)
  inference_params=()
  interleaved=(30 100 MLP,PCA)
  latency_scale=3
  gateway=(25,50,100,150,200,300,400 60)
fi

# Machine and load, before and after: on a shared machine the load average is part of the result.
{
  echo "{"
  echo "  \"mode\": \"$mode\","
  echo "  \"command\": \"$command\","
  echo "  \"date\": \"$(date -u +%Y-%m-%dT%H:%M:%SZ)\","
  echo "  \"commit\": \"$(git rev-parse --short HEAD 2>/dev/null || echo unknown)\","
  echo "  \"cores\": $(nproc),"
  echo "  \"cpu\": \"$(grep -m1 'model name' /proc/cpuinfo | sed 's/.*: //; s/"/\\"/g')\","
  echo "  \"memoryKiB\": $(grep MemTotal /proc/meminfo | awk '{print $2}'),"
  echo "  \"jvm\": \"$(java -version 2>&1 | sed -n 2p | sed 's/"/\\"/g')\","
  echo "  \"os\": \"$(uname -sr)\","
  echo "  \"loadBefore\": \"$(cut -d' ' -f1-3 /proc/loadavg)\","
} > "$out/machine.part"

# JMH's lock file keeps two JMH runs on one machine apart; on a shared build machine another engineer's run would
# make ours exit, so we ignore it and report the load average instead.
jmh() {
  local name=$1; shift
  echo "== $name"
  java -Djmh.ignoreLock=true -jar "$jar" "$@" -rf json -rff "$out/$name.json" > "$out/$name.log" 2>&1 \
    || { echo "$name failed: see $out/$name.log" >&2; tail -20 "$out/$name.log" >&2; }
}
main() {
  local name=$1 class=$2; shift 2
  echo "== $name"
  java -cp "$jar" "io.aifactory.sdk.benchmarks.$class" "$@" > "$out/$name.log" 2>&1 \
    || { echo "$name failed: see $out/$name.log" >&2; tail -20 "$out/$name.log" >&2; }
}

jmh window '\.WindowBenchmark\.' "${jmh_opts[@]}" -prof gc
jmh inference '\.InferenceBenchmark\.' "${inference_params[@]}" "${jmh_opts[@]}" -prof gc
main inference-interleaved InterleavedRatios "${interleaved[@]}" "$out/inference-interleaved.json"
jmh pipeline-batching '\.PipelineBatchingBenchmark\.' "${jmh_opts[@]}" -prof gc
jmh modbus '\.ModbusPollBenchmark\.' "${jmh_opts[@]}" -prof gc
jmh opcua '\.OpcUaSubscriptionBenchmark\.' "${opcua_opts[@]}" -prof gc
main end-to-end PipelineLatency "$latency_scale" 1 "$out/end-to-end.json"
main gateway GatewayCapacity "${gateway[@]}" "$out/gateway.json"

{
  cat "$out/machine.part"
  echo "  \"loadAfter\": \"$(cut -d' ' -f1-3 /proc/loadavg)\","
  echo "  \"minutes\": $(( ($(date -u +%s) - started + 59) / 60 ))"
  echo "}"
} > "$out/machine.json"
rm "$out/machine.part"

echo "== render"
python3 benchmarks/render.py "$out" > benchmarks/RESULTS.md
echo "wrote benchmarks/RESULTS.md from $out"
