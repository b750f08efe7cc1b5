package main

import (
	"bytes"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"syscall"
	"testing"
	"time"

	"github.com/tenant-metrics-lab/tenant-metrics-lab/internal/testing/awsenv"
	"github.com/tenant-metrics-lab/tenant-metrics-lab/internal/testing/kinesisemu"
)

// TestSignalsFlushAndSummarize runs the real binary, stops it with SIGINT (Ctrl-C) and SIGTERM, and checks that
// it delivers everything it generated, prints the summary and exits 0.
func TestSignalsFlushAndSummarize(t *testing.T) {
	emu := kinesisemu.Require(t)
	awsenv.Hermetic(t, kinesisemu.Region)
	bin := filepath.Join(t.TempDir(), "producer")
	if out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput(); err != nil {
		t.Fatalf("build: %v\n%s", err, out)
	}
	summary := regexp.MustCompile(`(\d+) events to \S+ in .*: (\d+) accepted, 0 undelivered`)
	for _, sig := range []syscall.Signal{syscall.SIGINT, syscall.SIGTERM} {
		t.Run(sig.String(), func(t *testing.T) {
			stream := emu.NewStream(t, 1)
			var stderr bytes.Buffer
			cmd := exec.Command(bin, "send", "--endpoint-url", emu.Endpoint, "--rate", "300", stream)
			cmd.Stderr = &stderr
			if err := cmd.Start(); err != nil {
				t.Fatal(err)
			}
			time.Sleep(1500 * time.Millisecond)
			if err := cmd.Process.Signal(sig); err != nil {
				t.Fatal(err)
			}
			done := make(chan error, 1)
			go func() { done <- cmd.Wait() }()
			select {
			case err := <-done:
				if err != nil {
					t.Fatalf("exit after %v: %v\n%s", sig, err, stderr.String())
				}
			case <-time.After(30 * time.Second):
				cmd.Process.Kill()
				t.Fatalf("still running 30 s after %v", sig)
			}
			m := summary.FindStringSubmatch(stderr.String())
			if m == nil || m[1] != m[2] {
				t.Fatalf("no clean summary after %v:\n%s", sig, stderr.String())
			}
			n, _ := strconv.Atoi(m[1])
			if n < 100 {
				t.Fatalf("only %d events in 1.5 s at 300/s", n)
			}
			if got := len(emu.ReadAll(t, stream)); got != n {
				t.Fatalf("summary says %d accepted, stream holds %d", n, got)
			}
		})
	}
}
