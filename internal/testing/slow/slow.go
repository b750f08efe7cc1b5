// Package slow marks the tests that `make unit` (go test -short) leaves out: those that start the Kinesis emulator,
// node (CDK synthesis), Python (cfn-lint, sqlglot, DuckDB), make, or run for seconds against a rate limit. `make
// test`, which CI runs, never passes -short, so nothing is left out there.
package slow

import "testing"

// Test skips t under go test -short, saying what it would have started.
func Test(t testing.TB, what string) {
	t.Helper()
	if testing.Short() {
		t.Skipf("-short: %s (make test runs it)", what)
	}
}
