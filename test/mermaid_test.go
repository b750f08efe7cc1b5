package test

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/tenant-metrics-lab/tenant-metrics-lab/internal/testing/slow"
)

// runMermaid runs Mermaid's own parser (test/mermaid, installed by make npm-packages) on a diagram: its output
// (the diagram type, or the parse error) and whether it parsed. Without the parser it skips, and fails under
// CI=true.
func runMermaid(t *testing.T, diagram string) (string, error) {
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
	return strings.TrimSpace(string(out)), err
}

// parseMermaid parses a diagram with Mermaid's own parser and returns its diagram type; a parse error fails the
// test.
func parseMermaid(t *testing.T, diagram string) string {
	t.Helper()
	out, err := runMermaid(t, diagram)
	if err != nil {
		t.Fatalf("Mermaid refuses the diagram: %v\n%s\n%s", err, out, diagram)
	}
	return out
}

// TestMermaidParserCanFail: the parser the chart tests rely on refuses a broken chart.
func TestMermaidParserCanFail(t *testing.T) {
	parseMermaid(t, "xychart-beta\n    x-axis [1, 2]\n    bar [1, 2]\n")
	if out, err := runMermaid(t, "xychart-beta\n    x-axis [1, 2]\n    bar [1, two]\n"); err == nil || !strings.Contains(out, "Parse error") {
		t.Errorf("a chart with a word for a number parsed: %v\n%s", err, out)
	}
}
