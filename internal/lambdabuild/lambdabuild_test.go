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
	_, err := Build(module(t, "package main\n\nfunc main() { undefinedThing() }\n"), "./cmd")
	if err == nil || !strings.Contains(err.Error(), "undefined: undefinedThing") || !strings.Contains(err.Error(), "building ./cmd for Lambda") {
		t.Fatalf("error %v does not carry the compiler's message", err)
	}
}

// TestBuildIsCachedAndReproducible: a second build of unchanged sources leaves the cached binary alone (no link);
// a changed source rebuilds it; the directory holds the executable only (it is the asset).
func TestBuildIsCachedAndReproducible(t *testing.T) {
	if testing.Short() {
		t.Skip("builds a linux/arm64 binary")
	}
	mod := module(t, "package main\n\nfunc main() { println(\"one\") }\n")
	dir, err := Build(mod, "./cmd")
	if err != nil {
		t.Fatal(err)
	}
	bootstrap := filepath.Join(dir, "bootstrap")
	st1, err := os.Stat(bootstrap)
	if err != nil {
		t.Fatal(err)
	}
	if st1.Mode()&0o111 == 0 {
		t.Errorf("bootstrap is not executable: %v", st1.Mode())
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 1 {
		t.Errorf("the asset directory holds %d entries, want bootstrap alone", len(entries))
	}
	f, err := elf.Open(bootstrap)
	if err != nil {
		t.Fatal(err)
	}
	if f.Machine != elf.EM_AARCH64 {
		t.Errorf("bootstrap is for %v, want aarch64", f.Machine)
	}
	f.Close()
	first, _ := os.ReadFile(bootstrap)

	if _, err := Build(mod, "./cmd"); err != nil {
		t.Fatal(err)
	}
	// A link writes a new file and moves it over the old one; an up-to-date binary keeps its inode.
	if st2, _ := os.Stat(bootstrap); !os.SameFile(st1, st2) {
		t.Error("unchanged sources relinked the cached binary")
	}

	if err := os.WriteFile(filepath.Join(mod, "cmd", "main.go"), []byte("package main\n\nfunc main() { println(\"two\") }\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := Build(mod, "./cmd"); err != nil {
		t.Fatal(err)
	}
	if st3, _ := os.Stat(bootstrap); os.SameFile(st1, st3) {
		t.Error("a changed source did not relink the cached binary")
	}
	if again, _ := os.ReadFile(bootstrap); string(again) == string(first) {
		t.Error("a changed source left the old binary")
	}
}
