package lab

import (
	"encoding/json"
	"os/exec"
	"strings"
	"testing"
)

const module = "github.com/tenant-metrics-lab/tenant-metrics-lab"

// TestDependenciesPointOneWay keeps the import graph layered: commands -> domain packages -> this leaf. The leaf
// imports only the standard library, nothing under producer/ imports stacks/, and no non-test code imports a test
// double or test/.
func TestDependenciesPointOneWay(t *testing.T) {
	out, err := exec.CommandContext(t.Context(), "go", "list", "-json=ImportPath,Imports", module+"/...").Output()
	if err != nil {
		t.Fatalf("go list: %v", err)
	}
	dec := json.NewDecoder(strings.NewReader(string(out)))
	seen := 0
	for dec.More() {
		var p struct {
			ImportPath string
			Imports    []string
		}
		if err := dec.Decode(&p); err != nil {
			t.Fatal(err)
		}
		seen++
		pkg := strings.TrimPrefix(p.ImportPath, module)
		for _, imp := range p.Imports {
			dep, own := strings.CutPrefix(imp, module)
			switch {
			case pkg == "/internal/lab" && (own || strings.Contains(strings.Split(imp, "/")[0], ".")):
				t.Errorf("internal/lab must import only the standard library, imports %s", imp)
			case strings.HasPrefix(pkg, "/producer") && strings.HasPrefix(dep, "/stacks"):
				t.Errorf("%s imports %s: the producer must not depend on the CDK app", pkg, dep)
			case own && (strings.HasPrefix(dep, "/test") || strings.HasPrefix(dep, "/internal/testing")) &&
				!strings.HasPrefix(pkg, "/internal/testing") && !strings.HasPrefix(pkg, "/test"):
				t.Errorf("%s imports the test-only package %s", pkg, dep)
			}
		}
	}
	if seen < 10 {
		t.Fatalf("go list found %d packages: not the module", seen)
	}
}
