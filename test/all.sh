#!/usr/bin/env bash
# The body of `make test` (the README's test command, what CI runs): every check, each phase timed, and the
# timings printed at the end, so a slow phase is seen, not guessed. Python set-up runs beside the Go compile.
set -euo pipefail
cd "$(dirname "$0")/.."
mkdir -p .cache
make=(make --no-print-directory -s)

names=() secs=()
start_all=$(date +%s%N)
# report [RC]: prints every finished phase's time, then exits with RC (default: the status that ended the script).
report() {
	local rc=${1:-$?}
	echo
	echo "phase timings (seconds):"
	for i in "${!names[@]}"; do printf '  %-34s %6.1f\n' "${names[$i]}" "${secs[$i]}"; done
	printf '  %-34s %6.1f\n' "total" "$(( ($(date +%s%N) - start_all) / 1000000 ))e-3"
	exit "$rc"
}
trap report EXIT

# phase NAME CMD...: runs CMD and records how long it took.
phase() {
	local name=$1 t0
	shift
	echo "== $name"
	t0=$(date +%s%N)
	"$@"
	names+=("$name")
	secs+=("$(( ($(date +%s%N) - t0) / 1000000 ))e-3")
}

phase "npm packages (npm ci when changed)" "${make[@]}" npm-packages

# cfn-lint, checkov, sqlglot and DuckDB install from PyPI while Go compiles: pip waits on the network, go on the CPU.
python_log=.cache/python-setup.log
python_t0=$(date +%s%N)
( if "${make[@]}" python-tools >"$python_log" 2>&1; then echo 0; else echo 1; fi >"$python_log.rc" ) &
python_pid=$!

phase "go module download" go mod download
phase "format and tidy" bash -c '
	unformatted="$(gofmt -l $(git ls-files "*.go"))"
	if [ -n "$unformatted" ]; then echo "gofmt needed: $unformatted" >&2; exit 1; fi
	go mod tidy -diff || { echo "go.mod/go.sum are not tidy: run go mod tidy and commit the result" >&2; exit 1; }'
if [ ! -d "$(go env GOCACHE)" ] || [ -z "$(ls -A "$(go env GOCACHE)" 2>/dev/null)" ]; then
	echo "(empty Go build cache: compiling aws-cdk-go and the AWS SDK once takes about 5 minutes on 2 cores)"
fi
phase "compile and vet (go vet ./...)" go vet ./...
phase "staticcheck" go tool staticcheck ./...
phase "actionlint" go tool actionlint
phase "short suite (go test -short)" bash -c "go test -short ./... | grep -v 'no test files'"

out=$(mktemp -d)
# The status goes to report as an argument: `(exit "$rc")` under set -e would end the trap before the timings.
trap 'rc=$?; rm -rf "$out"; report "$rc"' EXIT
phase "CLI synth (cdk.json app command)" npx --no-install cdk synth --no-notices --quiet -o "$out"

wait "$python_pid" || true
names+=("python tools (beside the above)")
secs+=("$(( ($(date +%s%N) - python_t0) / 1000000 ))e-3")
if [ "$(cat "$python_log.rc")" != 0 ]; then
	cat "$python_log" >&2
	echo "setting up the Python test tools failed (log above)" >&2
	exit 1
fi

go build -o .cache/testsummary ./internal/testing/testsummary
echo "== go test ./... (emulator, cfn-lint, checkov, DuckDB; the CLI synth compared to the golden template)"
phase "go test ./..." bash -c "CDK_OUT='$out' go test -tags clisynth -json ./... | .cache/testsummary"
