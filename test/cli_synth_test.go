//go:build clisynth

package test

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"
)

// TestCLISynthMatchesGolden compares the output of a real `npx cdk synth` (through cdk.json's app command, with
// bundling) in CDK_OUT with the golden template. `make test` runs the CLI and then this test, with the clisynth
// build tag; plain `go test ./...` does not build it, since it has no CLI output to compare.
func TestCLISynthMatchesGolden(t *testing.T) {
	out := os.Getenv("CDK_OUT")
	if out == "" {
		t.Fatal("CDK_OUT must name the directory of a CLI synth")
	}
	got := readNormalized(t, out, "TenantMetricsLab.template.json")
	want, err := os.ReadFile(filepath.Join("testdata", "lab.template.json"))
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, want) {
		t.Fatalf("CLI synth differs from testdata/lab.template.json:\n%s", lineDiff(string(want), string(got)))
	}
	if producerAssetHash(t, out) == "" {
		t.Fatal("the CLI synth has no producer asset: was bundling skipped?")
	}
}
