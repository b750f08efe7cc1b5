package updates

import (
	"encoding/json"
	"maps"
	"slices"
	"strings"

	"github.com/tenant-metrics-lab/tenant-metrics-lab/internal/cfnspec"
)

// change is one property difference and whether it replaces the resource.
type change struct {
	path     string
	replaces cfnspec.Replacement
	why      string // why a textually unchanged property changes (a referenced resource is replaced)
}

// diffProperties lists the differing properties of a and b, as deep as the specification describes them: a
// property that replaces the resource is reported whole, others are followed into their nested properties.
func diffProperties(spec map[string]*cfnspec.Property, a, b map[string]any, prefix string) []change {
	var out []change
	for _, k := range unionKeys(a, b) {
		va, vb := a[k], b[k]
		if jsonEqual(va, vb) {
			continue
		}
		p := spec[k]
		path := prefix + k
		ma, aok := va.(map[string]any)
		mb, bok := vb.(map[string]any)
		switch {
		case p != nil && p.Replaces != cfnspec.ReplaceNo:
			out = append(out, change{path: path, replaces: p.Replaces})
		case p != nil && p.Nested != nil && aok && bok:
			out = append(out, diffProperties(p.Nested, ma, mb, path+"/")...)
		default:
			out = append(out, change{path: path})
		}
	}
	return out
}

// refersToReplaced finds a replacing property of props that refers (Ref, Fn::GetAtt, Fn::Sub) to a replaced
// resource; it returns the property's path and the resource, or "".
func refersToReplaced(spec map[string]*cfnspec.Property, props map[string]any, replaced map[string]change, prefix string) (string, string) {
	for _, k := range slices.Sorted(maps.Keys(props)) {
		p := spec[k]
		if p == nil {
			continue
		}
		if p.Replaces == cfnspec.ReplaceYes {
			if target := reference(props[k], replaced); target != "" {
				return prefix + k, target
			}
			continue
		}
		if nested, ok := props[k].(map[string]any); ok && p.Nested != nil {
			if path, target := refersToReplaced(p.Nested, nested, replaced, prefix+k+"/"); path != "" {
				return path, target
			}
		}
	}
	return "", ""
}

// reference returns a replaced resource that v refers to, or "".
func reference(v any, replaced map[string]change) string {
	switch x := v.(type) {
	case map[string]any:
		if ref, ok := x["Ref"].(string); ok && replaced[ref].path != "" {
			return ref
		}
		if ga, ok := x["Fn::GetAtt"].([]any); ok && len(ga) > 0 {
			if id, _ := ga[0].(string); replaced[id].path != "" {
				return id
			}
		}
		if sub, ok := x["Fn::Sub"].(string); ok {
			for id := range replaced {
				if strings.Contains(sub, "${"+id+"}") || strings.Contains(sub, "${"+id+".") {
					return id
				}
			}
		}
		for _, e := range x {
			if r := reference(e, replaced); r != "" {
				return r
			}
		}
	case []any:
		for _, e := range x {
			if r := reference(e, replaced); r != "" {
				return r
			}
		}
	}
	return ""
}

// unionKeys returns the keys of a and b, sorted, each once.
func unionKeys[V any](a, b map[string]V) []string {
	keys := slices.Collect(maps.Keys(a))
	for k := range b {
		if _, ok := a[k]; !ok {
			keys = append(keys, k)
		}
	}
	slices.Sort(keys)
	return keys
}

// lookup follows a property path ("TableInput/Name") into props.
func lookup(props map[string]any, path string) (any, bool) {
	var cur any = props
	for _, part := range strings.Split(path, "/") {
		m, ok := cur.(map[string]any)
		if !ok {
			return nil, false
		}
		if cur, ok = m[part]; !ok {
			return nil, false
		}
	}
	return cur, true
}

// lookupOr is the value at path, or nil where props has none.
func lookupOr(props map[string]any, path string) any {
	v, _ := lookup(props, path)
	return v
}

// jsonEqual compares two property values by their JSON, as the templates hold them.
func jsonEqual(a, b any) bool {
	ja, _ := json.Marshal(a)
	jb, _ := json.Marshal(b)
	return string(ja) == string(jb)
}
