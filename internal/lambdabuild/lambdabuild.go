// Package lambdabuild builds a Go main package into a Lambda "bootstrap" executable (provided.al2023, arm64) on
// this machine, reproducibly and only when its sources changed.
package lambdabuild

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
)

// buildFlags make the binary reproducible: no paths or VCS stamp in it, so the same source and Go version give the
// same bytes on any machine (checked from another checkout and an empty build cache). The build id stays: it is a
// hash of the inputs, and it is how `go build -o` knows the cached binary is current and skips the link.
var buildFlags = []string{"build", "-trimpath", "-buildvcs=false", "-ldflags", "-s -w", "-o"}

// Build builds the main package pkg (relative to moduleRoot, e.g. ./producer) into outputDir/bootstrap.
//
// It builds into a cache of the module's (.cache/lambda/<pkg>) and copies from there: every synth stages into a
// fresh directory, and building there would link the function anew each time, while `go build -o` onto the cached
// file does nothing when no source changed. A file lock keeps concurrent synths (parallel tests) from building over
// each other. A failed build returns the compiler's output.
func Build(moduleRoot, pkg, outputDir string) error {
	cacheDir := filepath.Join(moduleRoot, ".cache", "lambda", filepath.Base(pkg))
	if err := os.MkdirAll(cacheDir, 0o755); err != nil {
		return fmt.Errorf("building %s for Lambda: %w", pkg, err)
	}
	lock, err := os.OpenFile(filepath.Join(cacheDir, ".lock"), os.O_CREATE|os.O_RDWR, 0o644)
	if err != nil {
		return fmt.Errorf("building %s for Lambda: %w", pkg, err)
	}
	defer lock.Close() // releases the lock
	if err := syscall.Flock(int(lock.Fd()), syscall.LOCK_EX); err != nil {
		return fmt.Errorf("building %s for Lambda: lock %s: %w", pkg, lock.Name(), err)
	}

	cached := filepath.Join(cacheDir, "bootstrap")
	args := append(append([]string{}, buildFlags...), cached, pkg)
	cmd := exec.Command("go", args...)
	cmd.Dir = moduleRoot
	cmd.Env = append(os.Environ(), "GOOS=linux", "GOARCH=arm64", "CGO_ENABLED=0")
	if out, err := cmd.CombinedOutput(); err != nil {
		return fmt.Errorf("building %s for Lambda (go %s) failed: %v\n%s", pkg, strings.Join(args, " "), err, out)
	}
	data, err := os.ReadFile(cached)
	if err != nil {
		return fmt.Errorf("building %s for Lambda: %w", pkg, err)
	}
	if err := os.WriteFile(filepath.Join(outputDir, "bootstrap"), data, 0o755); err != nil {
		return fmt.Errorf("building %s for Lambda: %w", pkg, err)
	}
	return nil
}
