// Package layers holds the module's import rules as one table of layers and checks every package's non-test
// imports against it. It is a package of its own, in test/ with the other whole-repository tests, so that it
// builds in seconds: it links neither aws-cdk-go nor the AWS SDK.
package layers

import (
	"encoding/json"
	"flag"
	"fmt"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/tenant-metrics-lab/tenant-metrics-lab/internal/testing/gendoc"
)

var update = flag.Bool("update", false, "rewrite the generated sections of docs/architecture.md")

const module = "github.com/tenant-metrics-lab/tenant-metrics-lab"

// layer is a row of the table: its packages, the layers they may import, and whether they may import modules
// outside the standard library.
type layer struct {
	name string
	// packages are patterns relative to the module: "p" is that package, "p/*" every package below p (not p
	// itself), "p/..." p and every package below it. A package belongs to the layer of its most specific pattern.
	packages   []string
	imports    []string // the layers its packages may import, itself only when listed
	thirdParty bool     // modules outside the standard library allowed
	does       string
}

// layers are the module's layers, top to bottom: imports point down, and the contracts at the bottom are read by
// all. The test commands are commands too, but the only ones that may run the test doubles.
var layers = []layer{
	{"commands", []string{".", "producer", "labcheck", "transformer"},
		[]string{"stacks", "stacks/config", "producer/*", "labcheck/*", "transformer/*", "contracts", "leaves"}, true,
		"parse flags or context, wire the packages below, print"},
	{"test commands", []string{"internal/testing/localkinesis", "internal/testing/testsummary"},
		[]string{"contracts", "leaves", "test doubles"}, true,
		"`make emulator` and the test run's summary"},
	{"stacks", []string{"stacks"}, []string{"stacks/config", "contracts", "leaves"}, true,
		"the CDK constructs"},
	{"stacks/config", []string{"stacks/config"}, []string{"contracts", "leaves"}, true,
		"the typed configuration: keys, defaults, validation, every derived name"},
	{"producer/*", []string{"producer/*"}, []string{"producer/*", "contracts", "leaves"}, true,
		"generate, send and check events; measure their traffic"},
	{"transformer/*", []string{"transformer/*"}, []string{"contracts", "leaves"}, true,
		"the record transformation Firehose invokes (transform=redact)"},
	{"labcheck/*", []string{"labcheck/*"}, []string{"labcheck/*", "contracts", "leaves"}, true,
		"the offline analyses: updates over an earlier template, the monthly estimate"},
	{"contracts", []string{"internal/lab", "internal/event"}, nil, false,
		"what every part agrees on: names, limits, the Lambda contract, the traffic model, the event's schema; " +
			"the CDK app links them and nothing more"},
	{"leaves", []string{"internal/*"}, []string{"contracts", "leaves"}, true,
		"one job each, shared by the layers above (SDK set-up, cloud assemblies, the service specification, Firehose prefixes, the KPL format, the event as a Parquet row, the Lambda build, one way to write a command)"},
	{"test doubles", []string{"internal/testing/*"}, []string{"contracts", "leaves", "test doubles"}, true,
		"stand-ins for AWS and test helpers; no product package above internal/"},
	{"tests", []string{"test/..."},
		[]string{"commands", "stacks", "stacks/config", "producer/*", "labcheck/*", "transformer/*", "contracts", "leaves", "test doubles", "tests"}, true,
		"the stack, golden, docs and end-to-end tests (test files only)"},
}

// pkg is one package of the graph: its path relative to the module ("." for the root) and its non-test imports.
type pkg struct {
	path    string
	imports []string
}

// matches reports whether pattern covers path, and how specifically: an exact name beats any wildcard, and a
// longer wildcard prefix a shorter one.
func matches(pattern, path string) (bool, int) {
	switch {
	case pattern == path:
		return true, 1 << 20
	case strings.HasSuffix(pattern, "/*"):
		prefix := strings.TrimSuffix(pattern, "*")
		return strings.HasPrefix(path, prefix), len(prefix)
	case strings.HasSuffix(pattern, "/..."):
		base := strings.TrimSuffix(pattern, "/...")
		return path == base || strings.HasPrefix(path, base+"/"), len(base)
	}
	return false, 0
}

// layerOf is the layer of a package, or nil when no pattern covers it.
func layerOf(table []layer, path string) *layer {
	var best *layer
	bestScore := -1
	for i := range table {
		for _, p := range table[i].packages {
			if ok, score := matches(p, path); ok && score > bestScore {
				best, bestScore = &table[i], score
			}
		}
	}
	return best
}

// violations lists every break of the table in graph: a package in no layer, an import of a layer its layer may
// not import, a module outside the standard library where only the standard library is allowed, and a layer with
// no package (a stale row).
func violations(table []layer, graph []pkg) []string {
	var out []string
	used := map[string]bool{}
	for _, p := range graph {
		l := layerOf(table, p.path)
		if l == nil {
			out = append(out, fmt.Sprintf("%s is in no layer: add it to the table", p.path))
			continue
		}
		used[l.name] = true
		for _, imp := range p.imports {
			dep, own := relative(imp)
			switch {
			case own:
				d := layerOf(table, dep)
				if d == nil {
					out = append(out, fmt.Sprintf("%s imports %s, which is in no layer", p.path, dep))
				} else if !slices.Contains(l.imports, d.name) {
					out = append(out, fmt.Sprintf("%s (%s) imports %s (%s): %s may import only %s",
						p.path, l.name, dep, d.name, l.name, orNothing(l.imports)))
				}
			case !l.thirdParty && !standard(imp):
				out = append(out, fmt.Sprintf("%s (%s) imports %s: %s may import only the standard library", p.path, l.name, imp, l.name))
			}
		}
	}
	for _, l := range table {
		if !used[l.name] {
			out = append(out, fmt.Sprintf("layer %s has no package: a stale row", l.name))
		}
	}
	return out
}

func orNothing(names []string) string {
	if len(names) == 0 {
		return "the standard library"
	}
	return strings.Join(names, ", ")
}

// relative is an import path relative to the module, and whether it is the module's.
func relative(imp string) (string, bool) {
	if imp == module {
		return ".", true
	}
	rel, own := strings.CutPrefix(imp, module+"/")
	return rel, own
}

// standard reports whether imp is a standard library package: only those have no dot in their first element.
func standard(imp string) bool {
	first, _, _ := strings.Cut(imp, "/")
	return !strings.Contains(first, ".")
}

// moduleGraph is every package of the module with its non-test imports, from go list.
func moduleGraph(t *testing.T) []pkg {
	t.Helper()
	cmd := exec.CommandContext(t.Context(), "go", "list", "-json=ImportPath,Imports", "./...")
	cmd.Dir = filepath.Join("..", "..")
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("go list: %v", err)
	}
	dec := json.NewDecoder(strings.NewReader(string(out)))
	var graph []pkg
	for dec.More() {
		var p struct {
			ImportPath string
			Imports    []string
		}
		if err := dec.Decode(&p); err != nil {
			t.Fatal(err)
		}
		path, _ := relative(p.ImportPath)
		graph = append(graph, pkg{path: path, imports: p.Imports})
	}
	if len(graph) < 20 {
		t.Fatalf("go list found %d packages: not the module", len(graph))
	}
	return graph
}

// TestImportsFollowTheLayers checks the module's import graph against the table, and keeps docs/architecture.md's
// table of layers and its list of imports equal to the table and the graph.
func TestImportsFollowTheLayers(t *testing.T) {
	graph := moduleGraph(t)
	for _, v := range violations(layers, graph) {
		t.Error(v)
	}
	page := filepath.Join("..", "..", "docs", "architecture.md")
	how := "go test ./test/layers -update"
	gendoc.Check(t, page, "test/layers TestImportsFollowTheLayers (the layers)", renderLayers(layers, graph), *update, how)
	gendoc.Check(t, page, "test/layers TestImportsFollowTheLayers (the imports)", renderImports(graph), *update, how)
}

// renderLayers is the table as docs/architecture.md shows it, with the packages each layer holds today.
func renderLayers(table []layer, graph []pkg) string {
	var b strings.Builder
	b.WriteString("| layer | packages | may import | what they do |\n| --- | --- | --- | --- |\n")
	for i, l := range table {
		var members []string
		for _, p := range graph {
			if layerOf(table, p.path) == &table[i] {
				members = append(members, "`"+p.path+"`")
			}
		}
		may := strings.Join(l.imports, ", ")
		if !l.thirdParty {
			may = strings.TrimPrefix(may+"; the standard library only", "; ")
		}
		fmt.Fprintf(&b, "| %s | %s | %s | %s |\n", l.name, strings.Join(members, " "), may, l.does)
	}
	return b.String()
}

// renderImports lists each package's imports of the module, as go list reports them (test packages have none).
func renderImports(graph []pkg) string {
	var b strings.Builder
	var none []string
	b.WriteString("```text\n")
	for _, p := range graph {
		var deps []string
		for _, imp := range p.imports {
			if dep, own := relative(imp); own {
				deps = append(deps, dep)
			}
		}
		if len(deps) == 0 {
			none = append(none, p.path)
			continue
		}
		fmt.Fprintf(&b, "%-30s -> %s\n", p.path, strings.Join(deps, " "))
	}
	fmt.Fprintf(&b, "none of the module's: %s\n```\n", strings.Join(none, " "))
	return b.String()
}

// TestViolationsAreFound runs the checker on small graphs that break the table in each way it knows.
func TestViolationsAreFound(t *testing.T) {
	table := []layer{
		{name: "commands", packages: []string{"."}, imports: []string{"domain", "contracts"}, thirdParty: true},
		{name: "domain", packages: []string{"domain/*"}, imports: []string{"domain", "contracts"}, thirdParty: true},
		{name: "contracts", packages: []string{"internal/lab"}},
		{name: "doubles", packages: []string{"internal/testing/*"}, imports: []string{"contracts"}, thirdParty: true},
		{name: "tests", packages: []string{"test/..."}, imports: []string{"commands", "domain", "contracts", "doubles"}, thirdParty: true},
	}
	own := func(rel string) string { return module + "/" + rel }
	good := []pkg{
		{".", []string{"fmt", own("domain/a")}},
		{"domain/a", []string{own("domain/b"), own("internal/lab"), "github.com/aws/aws-sdk-go-v2/aws"}},
		{"domain/b", []string{"strings"}},
		{"internal/lab", []string{"time"}},
		{"internal/testing/fake", []string{own("internal/lab")}},
		{"test", nil},
		{"test/e2e", nil},
	}
	if v := violations(table, good); len(v) != 0 {
		t.Fatalf("a graph that keeps the table: %v", v)
	}
	for _, tc := range []struct {
		name  string
		graph []pkg
		want  string
	}{
		{"upward", append(slices.Clone(good), pkg{"domain/c", []string{module}}), "domain/c (domain) imports . (commands)"},
		{"double reaches up", append(slices.Clone(good), pkg{"internal/testing/f2", []string{own("domain/a")}}), "internal/testing/f2 (doubles) imports domain/a (domain)"},
		{"product imports a double", append(slices.Clone(good), pkg{"domain/c", []string{own("internal/testing/fake")}}), "domain/c (domain) imports internal/testing/fake (doubles)"},
		{"contract imports a module", append(slices.Clone(good), pkg{"internal/lab", []string{"golang.org/x/text"}}), "may import only the standard library"},
		{"contract imports the module", append(slices.Clone(good), pkg{"internal/lab", []string{own("domain/b")}}), "contracts may import only the standard library"},
		{"package in no layer", append(slices.Clone(good), pkg{"tools/x", nil}), "tools/x is in no layer"},
		{"import in no layer", append(slices.Clone(good), pkg{"domain/c", []string{own("tools/x")}}), "imports tools/x, which is in no layer"},
		{"stale row", good[:len(good)-2], "layer tests has no package"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			v := violations(table, tc.graph)
			if len(v) != 1 || !strings.Contains(v[0], tc.want) {
				t.Fatalf("want one violation containing %q, got %q", tc.want, v)
			}
		})
	}
}

// TestMostSpecificPatternWins: a package under internal/testing/ is a test double, not a leaf of internal/*; an
// exact name beats both.
func TestMostSpecificPatternWins(t *testing.T) {
	for path, want := range map[string]string{
		"internal/testing/firehose":     "test doubles",
		"internal/testing/localkinesis": "test commands",
		"internal/kpl":                  "leaves",
		"internal/event":                "contracts",
		"producer":                      "commands",
		"producer/send":                 "producer/*",
		"transformer/redact":            "transformer/*",
		"test":                          "tests",
		"test/e2e":                      "tests",
		".":                             "commands",
	} {
		if l := layerOf(layers, path); l == nil || l.name != want {
			t.Errorf("%s: layer %v, want %s", path, l, want)
		}
	}
	if l := layerOf(layers, "stacksx"); l != nil {
		t.Errorf("stacksx is in layer %s: a name must not match as a prefix", l.name)
	}
}
