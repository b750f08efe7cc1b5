package config

import (
	"encoding/json"
	"os"
	"strings"
	"testing"
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

// TestReadmeDocumentsEveryKey fails when a context key is added without a row in the README's table.
func TestReadmeDocumentsEveryKey(t *testing.T) {
	data, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	for _, k := range Keys() {
		if !strings.Contains(string(data), "| `"+k+"` |") {
			t.Errorf("README.md has no row for context key %s", k)
		}
	}
}
