//go:build clisynth

// Package clisynth compares a real `npx cdk synth` with the golden template. A package of its own: its input is a
// fresh CLI synth every run, which would otherwise keep go test from reusing the stack tests' cached results.
package clisynth

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"github.com/tenant-metrics-lab/tenant-metrics-lab/internal/assembly"
)

// TestCLISynthMatchesGolden compares the output of a real `npx cdk synth` (through cdk.json's app command, with
// bundling) in CDK_OUT with the golden template. `make test` runs the CLI and then this test, with the clisynth
// build tag; plain `go test ./...` does not build it, since it has no CLI output to compare.
func TestCLISynthMatchesGolden(t *testing.T) {
	out := os.Getenv("CDK_OUT")
	if out == "" {
		t.Fatal("CDK_OUT must name the directory of a CLI synth")
	}
	// The same masking as test/golden_test.go: the producer's hash follows the Go toolchain.
	got, err := assembly.MaskedTemplate(out, "TenantMetricsLab.template.json", "producer bootstrap", "<producer-asset-hash>")
	if err != nil {
		t.Fatal(err)
	}
	want, err := os.ReadFile(filepath.Join("..", "testdata", "lab.template.json"))
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, want) {
		t.Fatalf("CLI synth differs from test/testdata/lab.template.json (go test ./test -run TestGolden -update after an intended change): %s", firstDifference(want, got))
	}
	if hash, err := assembly.FileAssetHash(out, "producer bootstrap"); err != nil || hash == "" {
		t.Fatalf("the CLI synth has no producer asset (%v): was bundling skipped?", err)
	}
}

// firstDifference names the first line where got departs from want.
func firstDifference(want, got []byte) string {
	w, g := bytes.Split(want, []byte("\n")), bytes.Split(got, []byte("\n"))
	for i := range max(len(w), len(g)) {
		var wl, gl []byte
		if i < len(w) {
			wl = w[i]
		}
		if i < len(g) {
			gl = g[i]
		}
		if !bytes.Equal(wl, gl) {
			return fmt.Sprintf("line %d: golden %q, CLI %q", i+1, wl, gl)
		}
	}
	return "equal"
}
