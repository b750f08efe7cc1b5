// Package cfnschema reads the CloudFormation resource provider schemas that cfn-lint ships (AWS's own data on
// each resource type: which properties force a replacement, whether the type takes tags), so that facts about
// CloudFormation come from AWS rather than a hand-written list. `make` installs cfn-lint into .venv.
package cfnschema

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
)

// Schema is what this project needs of one resource type's provider schema.
type Schema struct {
	Type string
	// Taggable is the schema's tagging.taggable: CloudFormation propagates stack tags only to taggable types.
	Taggable bool
	// CreateOnly are the createOnlyProperties as property paths ("DeliveryStreamName", "TableInput/Name"):
	// changing one requires replacing the resource.
	CreateOnly []string
}

// Registry holds the schemas of one region.
type Registry struct {
	dir     string
	hashes  map[string]string // type -> schema file name (without .json)
	schemas map[string]*Schema
}

// ErrNoSchemas means cfn-lint's schemas are not installed (run make test, which creates .venv).
var ErrNoSchemas = errors.New("cfn-lint's resource schemas not found")

// Find locates cfn-lint's schema directory in the virtual environment venv (e.g. ".venv").
func Find(venv string) (string, error) {
	matches, _ := filepath.Glob(filepath.Join(venv, "lib", "python3*", "site-packages", "cfnlint", "data", "schemas"))
	if len(matches) == 0 {
		return "", fmt.Errorf("%w under %s", ErrNoSchemas, venv)
	}
	return matches[0], nil
}

// Load reads the index of region's schemas (e.g. "us-east-1") from a schema directory found by Find.
func Load(dir, region string) (*Registry, error) {
	data, err := os.ReadFile(filepath.Join(dir, "providers", region+".json"))
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrNoSchemas, err)
	}
	r := &Registry{dir: dir, schemas: map[string]*Schema{}}
	if err := json.Unmarshal(data, &r.hashes); err != nil {
		return nil, fmt.Errorf("schema index %s: %w", region, err)
	}
	return r, nil
}

// Lookup returns the schema of a resource type; ok is false for types with no schema (custom resources).
func (r *Registry) Lookup(typ string) (*Schema, bool, error) {
	if s, ok := r.schemas[typ]; ok {
		return s, true, nil
	}
	hash, ok := r.hashes[typ]
	if !ok {
		return nil, false, nil
	}
	data, err := os.ReadFile(filepath.Join(r.dir, "resources", hash+".json"))
	if err != nil {
		return nil, false, fmt.Errorf("schema of %s: %w", typ, err)
	}
	var raw struct {
		Tagging struct {
			Taggable *bool `json:"taggable"`
		} `json:"tagging"`
		CreateOnly []string `json:"createOnlyProperties"`
	}
	if err := json.Unmarshal(data, &raw); err != nil {
		return nil, false, fmt.Errorf("schema of %s: %w", typ, err)
	}
	s := &Schema{Type: typ, Taggable: raw.Tagging.Taggable != nil && *raw.Tagging.Taggable}
	for _, p := range raw.CreateOnly {
		s.CreateOnly = append(s.CreateOnly, strings.TrimPrefix(p, "/properties/"))
	}
	r.schemas[typ] = s
	return s, true, nil
}
