package main

import (
	"bytes"
	"context"
	"net"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/kinesis"

	"github.com/tenant-metrics-lab/tenant-metrics-lab/internal/lab"
	"github.com/tenant-metrics-lab/tenant-metrics-lab/internal/testing/kinesisemu"
)

// TestServesTheLabStreamAndPrintsTheSendCommand starts the command, waits for its instructions, and finds the lab's
// stream on the printed endpoint.
func TestServesTheLabStreamAndPrintsTheSendCommand(t *testing.T) {
	kinesisemu.Require(t) // skips under -short or without node_modules, fails under CI=true
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	port := l.Addr().(*net.TCPAddr).Port
	l.Close()
	ctx, cancel := context.WithCancel(t.Context())
	var out syncBuffer
	done := make(chan int, 1)
	go func() { done <- run(ctx, []string{"--port", itoa(port)}, &out, &out) }()
	deadline := time.Now().Add(60 * time.Second)
	for !strings.Contains(out.String(), "go run ./producer send") && time.Now().Before(deadline) {
		time.Sleep(100 * time.Millisecond)
	}
	endpoint := "http://127.0.0.1:" + itoa(port)
	if !strings.Contains(out.String(), "--endpoint-url "+endpoint+" --duration 30s "+lab.DefaultStreamName) {
		t.Fatalf("no send command:\n%s", out.String())
	}
	d, err := kinesisemu.ClientAt(endpoint).DescribeStreamSummary(ctx, &kinesis.DescribeStreamSummaryInput{StreamName: aws.String(lab.DefaultStreamName)})
	if err != nil || aws.ToInt32(d.StreamDescriptionSummary.OpenShardCount) != 1 {
		t.Fatalf("stream %s on %s: %v", lab.DefaultStreamName, endpoint, err)
	}
	cancel()
	if code := <-done; code != 0 {
		t.Fatalf("exit %d after Ctrl-C\n%s", code, out.String())
	}
}

// TestCommandLine: the command's flags parse as every command's do (package cli), before any emulator starts.
func TestCommandLine(t *testing.T) {
	for _, tc := range []struct {
		args       []string
		code       int
		out, inErr string
	}{
		{[]string{"--nope"}, 2, "", "unknown flag --nope"},
		{[]string{"--shards", "0"}, 2, "", "--shards 0: must be 1 to"},
		{[]string{"extra"}, 2, "", `unexpected argument "extra"`},
		{[]string{"--help"}, 0, "-port int", ""},
	} {
		var stdout, stderr bytes.Buffer
		code := run(t.Context(), tc.args, &stdout, &stderr)
		if code != tc.code || !strings.Contains(stdout.String(), tc.out) || !strings.Contains(stderr.String(), tc.inErr) ||
			strings.Count(stderr.String(), "\n") > 5 || (tc.code == 0) != (stderr.Len() == 0) {
			t.Errorf("%v: exit %d, want %d\nstdout %q\nstderr %q", tc.args, code, tc.code, stdout.String(), stderr.String())
		}
	}
}

func itoa(n int) string { return strconv.Itoa(n) }

// syncBuffer is a bytes.Buffer safe for the command's writes and the test's reads.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}
func (s *syncBuffer) String() string { s.mu.Lock(); defer s.mu.Unlock(); return s.b.String() }
