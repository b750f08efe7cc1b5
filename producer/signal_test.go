package main

import (
	"bytes"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/tenant-metrics-lab/tenant-metrics-lab/internal/testing/awsenv"
	"github.com/tenant-metrics-lab/tenant-metrics-lab/internal/testing/kinesisemu"
	"github.com/tenant-metrics-lab/tenant-metrics-lab/internal/testing/slow"
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

// TestSecondInterruptAbortsAtOnce: the first Ctrl-C flushes (for up to --flush-timeout); a second one exits at
// once. The endpoint lists one shard and never answers PutRecords, so the flush could only wait.
func TestSecondInterruptAbortsAtOnce(t *testing.T) {
	slow.Test(t, "builds and signals the real binary")
	awsenv.Hermetic(t, "us-east-1")
	release := make(chan struct{})
	endpoint := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if strings.HasSuffix(r.Header.Get("X-Amz-Target"), ".ListShards") {
			w.Header().Set("Content-Type", "application/x-amz-json-1.1")
			fmt.Fprint(w, `{"Shards":[{"ShardId":"shardId-000000000000","HashKeyRange":{"StartingHashKey":"0","EndingHashKey":"340282366920938463463374607431768211455"},"SequenceNumberRange":{"StartingSequenceNumber":"1"}}]}`)
			return
		}
		select { // PutRecords: no answer until the test ends
		case <-release:
		case <-r.Context().Done():
		}
	}))
	defer endpoint.Close()
	defer close(release)
	bin := filepath.Join(t.TempDir(), "producer")
	if out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput(); err != nil {
		t.Fatalf("build: %v\n%s", err, out)
	}
	var stderr bytes.Buffer
	cmd := exec.Command(bin, "send", "--endpoint-url", endpoint.URL, "--rate", "100", "--flush-timeout", "60s", "s")
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	time.Sleep(time.Second)
	_ = cmd.Process.Signal(syscall.SIGINT)
	time.Sleep(500 * time.Millisecond)
	select {
	case err := <-done:
		t.Fatalf("the first interrupt must flush, not exit: %v\n%s", err, stderr.String())
	default:
	}
	start := time.Now()
	_ = cmd.Process.Signal(syscall.SIGINT)
	select {
	case err := <-done:
		var exit *exec.ExitError
		if !errors.As(err, &exit) || exit.ExitCode() != exitInterrupted || !strings.Contains(stderr.String(), "interrupted twice") {
			t.Fatalf("exit %v after the second interrupt:\n%s", err, stderr.String())
		}
		if d := time.Since(start); d > 3*time.Second {
			t.Errorf("took %v after the second interrupt", d)
		}
	case <-time.After(10 * time.Second):
		cmd.Process.Kill()
		t.Fatalf("still running 10 s after the second interrupt:\n%s", stderr.String())
	}
}
