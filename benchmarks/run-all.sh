#!/usr/bin/env bash
# Runs every Watertight benchmark at 1, 2 and 4 threads with the GC profiler, writes one JMH
# JSON file per benchmark class and thread count to benchmarks/results/, and prints a markdown
# summary (also saved as benchmarks/results/summary.md).
#
# Usage (from anywhere; build first):
#   mvn -q -B -DskipTests package -pl benchmarks -am
#   benchmarks/run-all.sh [extra JMH options]
#
# Extra options are passed to every JMH run, e.g. a quick pass: benchmarks/run-all.sh -wi 1 -i 2
# JAVA=/path/to/bin/java overrides the JDK; by default the newest JDK in /usr/lib/jvm is used.
# THREADS="1 2 4" overrides the thread counts; RESULTS=dir the output folder; CLASSES="GuardedCall ..."
# the benchmark classes (without the Benchmark suffix).
set -euo pipefail

script_dir="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo_dir="$(dirname "$script_dir")"
cd "$repo_dir"

jar="benchmarks/target/benchmarks.jar"
results="${RESULTS:-benchmarks/results}"
threads="${THREADS:-1 2 4}"

if [[ ! -f "$jar" ]]; then
    echo "$jar not found; build it first: mvn -q -B -DskipTests package -pl benchmarks -am" >&2
    exit 1
fi

# The newest JDK installed under /usr/lib/jvm, by the JAVA_VERSION in its 'release' file.
newest_jdk() {
    local dir version
    for dir in /usr/lib/jvm/*/; do
        dir="${dir%/}"
        [[ -x "$dir/bin/java" && -f "$dir/release" ]] || continue
        version="$(sed -n 's/^JAVA_VERSION="\(.*\)"$/\1/p' "$dir/release")"
        [[ -n "$version" ]] || continue
        printf '%s\t%s\n' "$version" "$(readlink -f "$dir")"
    done | sort -V -k1,1 | tail -n 1 | cut -f 2
}

if [[ -z "${JAVA:-}" ]]; then
    jdk="$(newest_jdk)"
    if [[ -z "$jdk" ]]; then
        echo "no JDK found under /usr/lib/jvm; set JAVA=/path/to/bin/java" >&2
        exit 1
    fi
    JAVA="$jdk/bin/java"
fi

mkdir -p "$results"
{
    echo "date: $(date -u +%Y-%m-%dT%H:%M:%SZ)"
    echo "java: $JAVA"
    "$JAVA" -version 2>&1
    echo "cpus: $(nproc)"
    echo "kernel: $(uname -srm)"
    echo "load before the run: $(cut -d ' ' -f 1-3 /proc/loadavg 2>/dev/null || echo unknown)"
    echo "extra JMH options: ${*:-none}"
} > "$results/environment.txt"
cat "$results/environment.txt"

for t in $threads; do
    for name in ${CLASSES:-GuardedCall Rejection ThreadPool CircuitBreaker RateLimiter Retry FullStack SharedCapacity JdbcCompartment MemoryBulkhead ResourceAccounting}; do
        echo
        echo "=== $name, $t thread(s) ==="
        "$JAVA" -jar "$jar" "${name}Benchmark" -t "$t" -prof gc -foe true \
            -rf json -rff "$results/$name-t$t.json" "$@"
    done
done

echo
python3 "$script_dir/results-table.py" "$results" | tee "$results/summary.md"
