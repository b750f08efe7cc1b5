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

// Build builds the main package pkg (relative to moduleRoot, e.g. ./producer) into a directory of the module's
// cache, .cache/lambda/<pkg>/, holding only the executable "bootstrap", and returns that directory.
//
// The directory is the function's asset: its content hash changes exactly when the binary does. `go build -o` onto
// the cached file does nothing when no source changed, so a synth costs no link. A file lock beside the directory
// keeps concurrent synths (parallel tests) from building over each other. A failed build returns the compiler's
// output.
func Build(moduleRoot, pkg string) (string, error) {
	dir := filepath.Join(moduleRoot, ".cache", "lambda", filepath.Base(pkg))
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return "", fmt.Errorf("building %s for Lambda: %w", pkg, err)
	}
	lock, err := os.OpenFile(dir+".lock", os.O_CREATE|os.O_RDWR, 0o644)
	if err != nil {
		return "", fmt.Errorf("building %s for Lambda: %w", pkg, err)
	}
	defer lock.Close() // releases the lock
	if err := syscall.Flock(int(lock.Fd()), syscall.LOCK_EX); err != nil {
		return "", fmt.Errorf("building %s for Lambda: lock %s: %w", pkg, lock.Name(), err)
	}

	args := append(append([]string{}, buildFlags...), filepath.Join(dir, "bootstrap"), pkg)
	cmd := exec.Command("go", args...)
	cmd.Dir = moduleRoot
	cmd.Env = append(os.Environ(), "GOOS=linux", "GOARCH=arm64", "CGO_ENABLED=0")
	if out, err := cmd.CombinedOutput(); err != nil {
		return "", fmt.Errorf("building %s for Lambda (go %s) failed: %v\n%s", pkg, strings.Join(args, " "), err, out)
	}
	return dir, nil
}
