package config

import (
	"encoding/json"
	"flag"
	"os"
	"slices"
	"strings"
	"testing"

	"github.com/tenant-metrics-lab/tenant-metrics-lab/internal/testing/gendoc"
)

// TestCdkJSONHoldsTheDefaults keeps cdk.json's context (what users read and edit) equal to Default().
func TestCdkJSONHoldsTheDefaults(t *testing.T) {
	data, err := os.ReadFile("../../cdk.json")
	if err != nil {
		t.Fatal(err)
	}
	var doc struct {
		Context map[string]any `json:"context"`
	}
	if err := json.Unmarshal(data, &doc); err != nil {
		t.Fatal(err)
	}
	c, err := FromContext(doc.Context)
	if err != nil {
		t.Fatalf("cdk.json context is invalid: %v", err)
	}
	if c != Default() {
		t.Fatalf("cdk.json context gives %+v, Default() is %+v", c, Default())
	}
}

// updateDocs rewrites the generated part of docs/configuration.md: go test ./stacks/config -update-docs
var updateDocs = flag.Bool("update-docs", false, "rewrite the generated reference in docs/configuration.md")

// TestReferenceIsCurrent fails when docs/configuration.md's table is not what the Settings' own documentation and
// Default() render today: the page cannot go stale.
func TestReferenceIsCurrent(t *testing.T) {
	gendoc.Check(t, "../../docs/configuration.md", "stacks/config.Reference", Reference(), *updateDocs, "go test ./stacks/config -update-docs")
}

// TestEveryKeyIsDocumented: a key without a sentence would render an empty row.
func TestEveryKeyIsDocumented(t *testing.T) {
	for _, s := range Settings {
		if len(s.Doc) < 20 || !strings.HasSuffix(s.Doc, ".") && !strings.HasSuffix(s.Doc, ")") {
			t.Errorf("%s: documentation %q is not a sentence", s.Key, s.Doc)
		}
	}
}

// TestEveryKeyHasUpdateExamples: the update table has a row for every key only if every key has an example value,
// each valid and different from the default.
func TestEveryKeyHasUpdateExamples(t *testing.T) {
	def := Default()
	for _, s := range Settings {
		values := UpdateExamples[s.Key]
		if len(values) == 0 {
			t.Errorf("%s has no UpdateExamples: the update table in docs/configuration.md needs its behaviour", s.Key)
		}
		for _, v := range values {
			c, err := FromContext(map[string]any{s.Key: v})
			if err != nil {
				t.Errorf("%s=%s: %v", s.Key, v, err)
			} else if c == def {
				t.Errorf("%s=%s is the default", s.Key, v)
			}
		}
	}
	for k := range UpdateExamples {
		if !slices.Contains(Keys(), k) {
			t.Errorf("UpdateExamples has %s, which is no key", k)
		}
	}
}
