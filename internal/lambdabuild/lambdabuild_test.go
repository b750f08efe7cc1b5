package lambdabuild

import (
	"debug/elf"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// module writes a throwaway Go module with the given main.go under cmd/.
func module(t *testing.T, main string) string {
	t.Helper()
	mod := t.TempDir()
	for name, text := range map[string]string{"go.mod": "module example.com/fn\n\ngo 1.26\n", "cmd/main.go": main} {
		if err := os.MkdirAll(filepath.Dir(filepath.Join(mod, name)), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(mod, name), []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return mod
}

// TestFailedBuildCarriesTheCompilersMessage: a broken function must stop the synth with the compiler's words.
func TestFailedBuildCarriesTheCompilersMessage(t *testing.T) {
	err := Build(module(t, "package main\n\nfunc main() { undefinedThing() }\n"), "./cmd", t.TempDir())
	if err == nil || !strings.Contains(err.Error(), "undefined: undefinedThing") || !strings.Contains(err.Error(), "building ./cmd for Lambda") {
		t.Fatalf("error %v does not carry the compiler's message", err)
	}
}

// TestBuildIsCachedAndReproducible: a second build of unchanged sources leaves the cached binary alone (no link) and
// stages the same bytes; a changed source rebuilds.
func TestBuildIsCachedAndReproducible(t *testing.T) {
	if testing.Short() {
		t.Skip("builds a linux/arm64 binary")
	}
	mod := module(t, "package main\n\nfunc main() { println(\"one\") }\n")
	first, second := t.TempDir(), t.TempDir()
	if err := Build(mod, "./cmd", first); err != nil {
		t.Fatal(err)
	}
	cached := filepath.Join(mod, ".cache", "lambda", "cmd", "bootstrap")
	st1, err := os.Stat(cached)
	if err != nil {
		t.Fatal(err)
	}
	if err := Build(mod, "./cmd", second); err != nil {
		t.Fatal(err)
	}
	// A link writes a new file and moves it over the old one; an up-to-date binary keeps its inode.
	st2, _ := os.Stat(cached)
	if !os.SameFile(st1, st2) {
		t.Error("unchanged sources relinked the cached binary")
	}
	a, _ := os.ReadFile(filepath.Join(first, "bootstrap"))
	b, _ := os.ReadFile(filepath.Join(second, "bootstrap"))
	if string(a) != string(b) || len(a) == 0 {
		t.Fatalf("two builds of the same source staged different bytes (%d, %d)", len(a), len(b))
	}
	f, err := elf.Open(filepath.Join(second, "bootstrap"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if f.Machine != elf.EM_AARCH64 {
		t.Errorf("bootstrap is for %v, want aarch64", f.Machine)
	}

	if err := os.WriteFile(filepath.Join(mod, "cmd", "main.go"), []byte("package main\n\nfunc main() { println(\"two\") }\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	third := t.TempDir()
	if err := Build(mod, "./cmd", third); err != nil {
		t.Fatal(err)
	}
	c, _ := os.ReadFile(filepath.Join(third, "bootstrap"))
	if string(c) == string(a) {
		t.Error("a changed source staged the old binary")
	}
	if st3, _ := os.Stat(cached); os.SameFile(st1, st3) {
		t.Error("a changed source did not relink the cached binary")
	}
}
