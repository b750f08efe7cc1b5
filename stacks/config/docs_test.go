package config

import (
	"encoding/json"
	"flag"
	"os"
	"slices"
	"strings"
	"testing"
	"unicode"

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
		if doc := s.Documentation(); len(doc) < 20 || !strings.HasSuffix(doc, ".") && !strings.HasSuffix(doc, ")") {
			t.Errorf("%s: documentation %q is not a sentence", s.Key, doc)
		}
	}
}

// TestDocsTakeAllowedValuesFromTheRule: a key with a rule shows its allowed values where its Doc says
// {allowed}, and the Doc does not type them again (a retyped range or list goes stale when the rule changes).
func TestDocsTakeAllowedValuesFromTheRule(t *testing.T) {
	words := func(s string) []string {
		return strings.FieldsFunc(s, func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) && r != '_' })
	}
	for _, s := range Settings {
		if s.allowedDoc == "" {
			if strings.Contains(s.Doc, allowedMark) {
				t.Errorf("%s: Doc has %s but the key has no rule", s.Key, allowedMark)
			}
			continue
		}
		if strings.Count(s.Doc, allowedMark) != 1 {
			t.Errorf("%s: Doc must show its rule's allowed values once, at %s: %q", s.Key, allowedMark, s.Doc)
			continue
		}
		// Every word of the allowed values that is a number or an upper-case or code value must come from the
		// rule alone: e.g. 50 in shardCount's 1-50, HADOOP_SNAPPY in compression's list.
		retyped := 0
		var ws []string
		for _, w := range words(s.allowedDoc) {
			if strings.IndexFunc(w, unicode.IsLower) < 0 || strings.Contains(s.allowedDoc, "`"+w+"`") {
				ws = append(ws, w)
			}
		}
		for _, w := range ws {
			if slices.Contains(words(s.Doc), w) {
				retyped++
			}
		}
		if len(ws) > 0 && retyped == len(ws) || retyped > 2 {
			t.Errorf("%s: Doc types its allowed values again (%d of %v): %q", s.Key, retyped, ws, s.Doc)
		}
	}
}

// TestNeedsNamesAFeatureSwitch: a key that matters only with a feature names a boolean key that is on by default,
// so its default never conflicts.
func TestNeedsNamesAFeatureSwitch(t *testing.T) {
	for _, s := range Settings {
		if s.Needs == "" {
			continue
		}
		f, ok := lookup(s.Needs)
		if !ok || f.value(Default()) != "true" || s.needsWhy == "" {
			t.Errorf("%s needs %q, which is not a boolean key on by default, or says no why", s.Key, s.Needs)
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
			ctx := map[string]any{s.Key: v}
			for k, cv := range UpdateExampleCompanions[s.Key] {
				ctx[k] = cv
			}
			c, err := FromContext(ctx)
			if err != nil {
				t.Errorf("%s=%s: %v", s.Key, v, err)
			} else if c == def {
				t.Errorf("%s=%s is the default", s.Key, v)
			}
		}
	}
	for k, companions := range UpdateExampleCompanions {
		if _, ok := UpdateExamples[k]; !ok {
			t.Errorf("UpdateExampleCompanions has %s, which has no UpdateExamples", k)
		}
		for c := range companions {
			if !slices.Contains(Keys(), c) {
				t.Errorf("UpdateExampleCompanions of %s has %s, which is no key", k, c)
			}
		}
	}
	for k := range UpdateExamples {
		if !slices.Contains(Keys(), k) {
			t.Errorf("UpdateExamples has %s, which is no key", k)
		}
	}
}
