package config

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestReadCDKJSON(t *testing.T) {
	ctx, err := ReadCDKJSON(filepath.Join("..", "..", "cdk.json"))
	if err != nil {
		t.Fatal(err)
	}
	if ctx["streamName"] != "tenant-metrics-stream" {
		t.Errorf("the repository's cdk.json context: streamName = %v", ctx["streamName"])
	}
	if _, err := FromContextOrExplain(ctx); err != nil {
		t.Errorf("the repository's cdk.json does not validate: %v", err)
	}

	dir := t.TempDir()
	bare := filepath.Join(dir, "cdk.json")
	if err := os.WriteFile(bare, []byte(`{"app": "x"}`), 0o644); err != nil {
		t.Fatal(err)
	}
	if ctx, err := ReadCDKJSON(bare); err != nil || ctx == nil || len(ctx) != 0 {
		t.Errorf("a cdk.json without context: %v, %v (want an empty, writable map)", ctx, err)
	}
	missing := filepath.Join(dir, "nope.json")
	if _, err := ReadCDKJSON(missing); err == nil || !strings.Contains(err.Error(), missing) {
		t.Errorf("a missing cdk.json: %v (want an error naming it)", err)
	}
	if _, err := FromContextOrExplain(map[string]any{"shardCount": "zero"}); err == nil ||
		!strings.HasPrefix(err.Error(), "invalid configuration (set in cdk.json or with -c key=value):\n") {
		t.Errorf("a bad value: %v", err)
	}
}
