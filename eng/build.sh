#!/usr/bin/env bash
# The project's entry point for people and CI. Every command first checks (and on Debian 12 as root installs)
# TorchSharp's native prerequisite, so it works on a fresh machine with only the .NET SDK.
#
#   eng/build.sh demo [args]          run the main sample (SeedExample: speech + images in one model) in Release
#   eng/build.sh demo school [args]   run the School benchmark (SchoolExams)
#   eng/build.sh test [--quick]       build and run every test project on net8.0 and net10.0 (as root it installs the
#                                     .NET 8 runtime into the SDK's folder: eng/ensure-dotnet8.sh); --quick skips
#                                     tests marked Category=Slow
#   eng/build.sh build                restore and build everything with warnings as errors
#   eng/build.sh pack                 create the NuGet packages in artifacts/packages
#   eng/build.sh bench [command]      run the benchmark suite (default: all; see tests/MultitaskLearning.Benchmarks)
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1

command=${1:-}
[ $# -gt 0 ] && shift

if ! command -v dotnet >/dev/null 2>&1; then
  echo "build.sh: the .NET SDK (10.0) is required: https://dot.net" >&2
  exit 1
fi

bash "$root/eng/ensure-prerequisites.sh"

case "$command" in
  build)
    dotnet build MultitaskLearning.sln -c Release -warnaserror
    ;;
  demo)
    if [ "${1:-}" = "school" ]; then
      shift
      dotnet run --project samples/SchoolExams -c Release -- "$@"
    else
      dotnet run --project samples/SeedExample -c Release -- "$@"
    fi
    ;;
  test)
    filter=()
    if [ "${1:-}" = "--quick" ]; then
      filter=(--filter "Category!=Slow")
      shift
    fi
    # The libraries target net8.0 and net10.0; the tests run on both when a .NET 8 runtime is present (installed here
    # from its NuGet runtime pack when possible), otherwise on net10.0 only, and the summary says so.
    frameworks="net8.0 and net10.0"
    if ! bash "$root/eng/ensure-dotnet8.sh"; then
      filter+=(--framework net10.0)
      frameworks="net10.0 only (no .NET 8 runtime; the net8.0 builds are compiled, not run)"
    fi
    dotnet build MultitaskLearning.sln -c Release -warnaserror
    log=$(mktemp)
    # -m:1 runs the test assemblies one after the other: two libtorch processes with two threads each on two cores
    # wait on each other's cores and run many times slower than one after the other.
    set +e
    dotnet test MultitaskLearning.sln -c Release --no-build -m:1 "${filter[@]}" "$@" 2>&1 | tee "$log"
    status=${PIPESTATUS[0]}
    set -e
    # One plain summary line over all test assemblies.
    awk '/(Passed|Failed)! +- +Failed:/ {
           for (i = 1; i <= NF; i++) { gsub(",", "", $(i+1)); if ($i == "Failed:") f += $(i+1); if ($i == "Passed:") p += $(i+1); if ($i == "Skipped:") s += $(i+1) }
         } END { printf "tests: %d passed, %d failed, %d skipped", p, f, s }' "$log"
    echo " (on $frameworks)"
    if ! grep -qE '(Passed|Failed)! +- +Failed:' "$log"; then
      echo "build.sh: no test results were reported" >&2
      status=1
    fi
    rm -f "$log"
    exit "$status"
    ;;
  pack)
    # Every library under src/, compiled afresh with ContinuousIntegrationBuild (source paths in the PDBs become /_/;
    # an incremental build could otherwise reuse assemblies compiled without the mapping).
    for project in src/*/*.csproj; do
      dotnet build "$project" -c Release --no-incremental -p:ContinuousIntegrationBuild=true
      dotnet pack "$project" -c Release -o artifacts/packages --no-build -p:ContinuousIntegrationBuild=true
    done
    ;;
  bench)
    bash "$root/eng/ensure-benchmark-peers.sh"
    dotnet build tests/MultitaskLearning.Benchmarks -c Release -warnaserror
    # Build servers keep working for a while after a build; stop them so that they do not share the cores with timed runs.
    dotnet build-server shutdown >/dev/null 2>&1 || true
    [ $# -eq 0 ] && set -- all
    tests/MultitaskLearning.Benchmarks/bin/Release/net10.0/MultitaskLearning.Benchmarks "$@"
    ;;
  *)
    echo "usage: eng/build.sh {demo|test [--quick]|build|pack|bench} [args]" >&2
    exit 2
    ;;
esac
