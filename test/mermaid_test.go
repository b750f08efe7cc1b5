package test

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/tenant-metrics-lab/tenant-metrics-lab/internal/testing/slow"
)

// parseMermaid parses a diagram with Mermaid's own parser (test/mermaid, installed by make npm-packages) and
// returns its diagram type; a parse error fails the test. Without the parser it skips, and fails under CI=true.
func parseMermaid(t *testing.T, diagram string) string {
	t.Helper()
	slow.Test(t, "runs Mermaid's parser (node)")
	dir := filepath.Join("..", "test", "mermaid")
	if _, err := os.Stat(filepath.Join(dir, "node_modules", "mermaid")); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatal("Mermaid's parser is not installed (make npm-packages)")
		}
		t.Skip("Mermaid's parser is not installed (make npm-packages)")
	}
	cmd := exec.CommandContext(t.Context(), "node", "parse.mjs")
	cmd.Dir = dir
	cmd.Stdin = strings.NewReader(diagram)
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("Mermaid refuses the diagram: %v\n%s\n%s", err, out, diagram)
	}
	return strings.TrimSpace(string(out))
}

// TestMermaidParserCanFail: the parser the chart tests rely on refuses a broken chart.
func TestMermaidParserCanFail(t *testing.T) {
	parseMermaid(t, "xychart-beta\n    x-axis [1, 2]\n    bar [1, 2]\n")
	slow.Test(t, "runs Mermaid's parser (node)")
	cmd := exec.CommandContext(t.Context(), "node", "parse.mjs")
	cmd.Dir = filepath.Join("..", "test", "mermaid")
	cmd.Stdin = strings.NewReader("xychart-beta\n    x-axis [1, 2]\n    bar [1, two]\n")
	if out, err := cmd.CombinedOutput(); err == nil || !strings.Contains(string(out), "Parse error") {
		t.Errorf("a chart with a word for a number parsed: %v\n%s", err, out)
	}
}
