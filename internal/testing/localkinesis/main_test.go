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
	done := make(chan error, 1)
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
	if err := <-done; err != nil {
		t.Fatal(err)
	}
}

func TestBadFlagExits2(t *testing.T) {
	var out bytes.Buffer
	if err := run(t.Context(), []string{"--shards", "0"}, &out, &out); exitCode(err) != 2 {
		t.Errorf("--shards 0: %v", err)
	}
	if err := run(t.Context(), []string{"--nope"}, &out, &out); exitCode(err) != 2 {
		t.Errorf("--nope: %v", err)
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
