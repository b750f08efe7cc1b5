package stacks

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestFailedBuildFailsWithTheCompilersMessage: a broken producer must stop the synth with the compiler's words,
// never fall through to the Docker fallback (TryBundle returning false would do that).
func TestFailedBuildFailsWithTheCompilersMessage(t *testing.T) {
	mod := t.TempDir()
	write := func(name, text string) {
		if err := os.MkdirAll(filepath.Dir(filepath.Join(mod, name)), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(mod, name), []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write("go.mod", "module example.com/broken\n\ngo 1.26\n")
	write("cmd/main.go", "package main\n\nfunc main() { undefinedThing() }\n")

	var msg string
	func() {
		defer func() { msg = fmt.Sprint(recover()) }()
		out := t.TempDir()
		ok := (&goBundler{moduleRoot: mod, pkg: "./cmd"}).TryBundle(&out, nil)
		t.Errorf("TryBundle returned %v for a package that does not compile", *ok)
	}()
	if !strings.Contains(msg, "undefined: undefinedThing") || !strings.Contains(msg, "building ./cmd for Lambda") {
		t.Fatalf("panic %q does not carry the compiler's message", msg)
	}
}
