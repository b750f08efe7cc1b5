package test

import (
	"encoding/json"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/tenant-metrics-lab/tenant-metrics-lab/internal/assembly"
)

// goldenJSON reads a committed golden template as generic JSON, for tests that edit a copy.
func goldenJSON(t *testing.T, name string) map[string]any {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("testdata", name+".template.json"))
	if err != nil {
		t.Fatal(err)
	}
	var tmpl map[string]any
	if err := json.Unmarshal(data, &tmpl); err != nil {
		t.Fatal(err)
	}
	return tmpl
}

// goldenTemplate reads a committed golden template's resources.
func goldenTemplate(t *testing.T, name string) assembly.Template {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("testdata", name+".template.json"))
	if err != nil {
		t.Fatal(err)
	}
	tmpl, err := assembly.Parse(data)
	if err != nil {
		t.Fatal(err)
	}
	return tmpl
}

// goldenResourceList is a golden template's resources in logical-id order.
func goldenResourceList(t *testing.T, name string) []assembly.Resource {
	t.Helper()
	tmpl := goldenTemplate(t, name)
	var out []assembly.Resource
	for _, id := range slices.Sorted(maps.Keys(tmpl.Resources)) {
		out = append(out, tmpl.Resources[id])
	}
	return out
}

// goldenNames are the committed golden configurations, sorted.
func goldenNames() []string { return slices.Sorted(maps.Keys(variants)) }
