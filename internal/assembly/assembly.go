// Package assembly reads what cdk synth writes: a cloud assembly's manifest and its stacks' CloudFormation
// templates (the resources, their properties and policies), for the offline analyses of labcheck.
package assembly

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
)

// Template is a CloudFormation template's resources.
type Template struct {
	Resources map[string]Resource
}

// Resource is one resource of a template.
type Resource struct {
	ID                  string `json:"-"` // its logical ID, the key of Template.Resources
	Type                string
	Properties          map[string]any
	DeletionPolicy      string
	UpdateReplacePolicy string
}

// Parse reads a JSON template (what cdk synth writes and CloudFormation's GetTemplate returns for it).
func Parse(data []byte) (Template, error) {
	var t Template
	if err := json.Unmarshal(data, &t); err != nil {
		return t, fmt.Errorf("not a JSON template: %w", err)
	}
	for id, r := range t.Resources {
		r.ID = id
		t.Resources[id] = r
	}
	return t, nil
}

// Load reads the stack templates of a synthesized cloud assembly, by stack name, from its manifest (a
// reused cdk.out may hold stale templates of earlier configurations, which are not part of it).
func Load(dir string) (map[string]Template, error) {
	data, err := os.ReadFile(filepath.Join(dir, "manifest.json"))
	if err != nil {
		return nil, fmt.Errorf("%s is not a cloud assembly (cdk synth -o %s writes one): %w", dir, dir, err)
	}
	var m struct {
		Artifacts map[string]struct {
			Type        string `json:"type"`
			DisplayName string `json:"displayName"`
			Properties  struct {
				TemplateFile string `json:"templateFile"`
			} `json:"properties"`
		} `json:"artifacts"`
	}
	if err := json.Unmarshal(data, &m); err != nil {
		return nil, fmt.Errorf("%s/manifest.json: %w", dir, err)
	}
	out := map[string]Template{}
	for id, a := range m.Artifacts {
		if a.Type != "aws:cloudformation:stack" {
			continue
		}
		name := a.DisplayName
		if name == "" {
			name = id
		}
		data, err := os.ReadFile(filepath.Join(dir, a.Properties.TemplateFile))
		if err != nil {
			return nil, fmt.Errorf("stack %s: %w", name, err)
		}
		if out[name], err = Parse(data); err != nil {
			return nil, fmt.Errorf("stack %s: %w", name, err)
		}
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("%s declares no stack", dir)
	}
	return out, nil
}
