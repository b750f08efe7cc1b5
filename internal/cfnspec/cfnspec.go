// Package cfnspec reads the AWS service specification that the CDK CLI ships (node_modules/aws-cdk/db.json.gz, the
// database `cdk diff` itself uses): for every CloudFormation resource type, which properties cause a replacement
// when they change (including nested ones), whether the type holds state, and whether it takes tags. Facts about
// CloudFormation come from this AWS data, not from a hand-written list. `npm ci` (run by every make target that
// needs the CDK CLI) installs it.
package cfnspec

import (
	"compress/gzip"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
)

// Replacement says whether changing a property replaces the resource.
type Replacement string

// The values the specification uses.
const (
	ReplaceNo    Replacement = ""
	ReplaceYes   Replacement = "yes"
	ReplaceMaybe Replacement = "maybe" // depends on the values (CloudFormation's "Update requires: Some interruptions" or "Replacement" in some cases)
)

// Property is one property of a resource type or of a nested property type.
type Property struct {
	Replaces Replacement
	// Nested is the property type's own properties for an object (or a list of objects); nil for scalars.
	Nested map[string]*Property
}

// Resource is what this project needs of one resource type.
type Resource struct {
	Type       string
	Properties map[string]*Property
	Stateful   bool // the specification's isStateful: deleting or replacing it loses what it holds
	Taggable   bool // the type has a tag property: CloudFormation propagates stack tags to it
}

// Spec is the loaded specification, by resource type.
type Spec struct {
	resources map[string]*Resource
}

// ErrMissing means the CDK CLI (and with it the specification) is not installed: run npm ci.
var ErrMissing = errors.New("the CDK CLI's service specification (node_modules/aws-cdk/db.json.gz) is missing: run npm ci")

// Path is where npm installs the specification, relative to the repository root.
var Path = filepath.Join("node_modules", "aws-cdk", "db.json.gz")

// Installed reads the specification npm installed in the repository at root; ErrMissing when it is not there.
func Installed(root string) (*Spec, error) {
	path := filepath.Join(root, Path)
	s, err := Load(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("%w (%s)", ErrMissing, path)
	}
	return s, err
}

// Load reads the specification from a db.json.gz at path.
func Load(path string) (*Spec, error) {
	f, err := os.Open(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, missingFile(path)
	}
	if err != nil {
		return nil, fmt.Errorf("read the service specification: %w", err)
	}
	defer f.Close()
	z, err := gzip.NewReader(f)
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", path, err)
	}
	var db struct {
		Schema struct {
			Resource struct {
				Entities []rawResource `json:"entities"`
			} `json:"resource"`
			TypeDefinition struct {
				Entities []rawType `json:"entities"`
			} `json:"typeDefinition"`
		} `json:"schema"`
	}
	if err := json.NewDecoder(z).Decode(&db); err != nil {
		return nil, fmt.Errorf("read %s: %w", path, err)
	}
	types := make(map[string]rawType, len(db.Schema.TypeDefinition.Entities))
	for _, t := range db.Schema.TypeDefinition.Entities {
		types[t.ID] = t
	}
	s := &Spec{resources: make(map[string]*Resource, len(db.Schema.Resource.Entities))}
	for _, r := range db.Schema.Resource.Entities {
		s.resources[r.Type] = &Resource{
			Type:       r.Type,
			Properties: properties(r.Properties, types, map[string]bool{}),
			Stateful:   r.Stateful,
			Taggable:   r.TagInformation != nil,
		}
	}
	if len(s.resources) == 0 {
		return nil, fmt.Errorf("read %s: no resource types", path)
	}
	return s, nil
}

// missingFile names a specification file that is not there; errors.Is sees fs.ErrNotExist.
type missingFile string

func (m missingFile) Error() string {
	return "the service specification " + string(m) + " does not exist"
}
func (missingFile) Unwrap() error { return fs.ErrNotExist }

// Lookup returns a resource type's specification; ok is false for types it does not know (custom resources).
func (s *Spec) Lookup(typ string) (*Resource, bool) {
	r, ok := s.resources[typ]
	return r, ok
}

type rawResource struct {
	Type           string                 `json:"cloudFormationType"`
	Properties     map[string]rawProperty `json:"properties"`
	Stateful       bool                   `json:"isStateful"`
	TagInformation *json.RawMessage       `json:"tagInformation"`
}

type rawType struct {
	ID         string                 `json:"$id"`
	Properties map[string]rawProperty `json:"properties"`
}

type rawProperty struct {
	Type              rawTypeRef  `json:"type"`
	CausesReplacement Replacement `json:"causesReplacement"`
}

// rawTypeRef is a property's type: a scalar, a reference to a type definition, or a collection of either.
type rawTypeRef struct {
	Type      string `json:"type"`
	Reference *struct {
		Ref string `json:"$ref"`
	} `json:"reference"`
	Element *rawTypeRef `json:"element"`
}

// properties converts raw properties, following type references (seen guards against recursive types).
func properties(raw map[string]rawProperty, types map[string]rawType, seen map[string]bool) map[string]*Property {
	out := make(map[string]*Property, len(raw))
	for name, p := range raw {
		prop := &Property{Replaces: p.CausesReplacement}
		t := &p.Type
		for t.Element != nil { // a list or map of something: its elements' properties
			t = t.Element
		}
		if t.Reference != nil && !seen[t.Reference.Ref] {
			if def, ok := types[t.Reference.Ref]; ok {
				seen[t.Reference.Ref] = true
				prop.Nested = properties(def.Properties, types, seen)
				delete(seen, t.Reference.Ref)
			}
		}
		out[name] = prop
	}
	return out
}
