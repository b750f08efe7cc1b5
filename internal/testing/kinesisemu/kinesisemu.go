// Package kinesisemu runs the real Kinesis emulator (kinesis-local from npm, the engine LocalStack uses) on a
// loopback port for tests, and gives them a Kinesis client and fresh streams on it.
//
// When the emulator or node is missing a test skips, except under CI=true, where it fails: CI must never pass
// by not testing.
package kinesisemu

import (
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/kinesis"
	"github.com/aws/aws-sdk-go-v2/service/kinesis/types"

	"github.com/tenant-metrics-lab/tenant-metrics-lab/internal/modroot"
	"github.com/tenant-metrics-lab/tenant-metrics-lab/internal/testing/slow"
)

// Emulator is a running kinesis-local process.
type Emulator struct {
	Endpoint string // http://127.0.0.1:PORT
	cmd      *exec.Cmd
	dir      string
}

// bindLoopback is a node preload: kinesis-local always listens on 0.0.0.0, so its listen() calls are pointed at
// 127.0.0.1 to keep the test server off every network but loopback.
const bindLoopback = `const net = require('net');
const listen = net.Server.prototype.listen;
net.Server.prototype.listen = function (...args) {
  if (args.length && args[0] !== null && typeof args[0] === 'object') {
    args[0] = Object.assign({}, args[0], { host: '127.0.0.1' });
  } else if (typeof args[0] === 'number' || (typeof args[0] === 'string' && /^\d+$/.test(args[0]))) {
    if (typeof args[1] === 'string') args[1] = '127.0.0.1'; else args.splice(1, 0, '127.0.0.1');
  }
  return listen.apply(this, args);
};
`

// ErrMissing means node or the kinesis-local package is not installed (run `npm ci`).
var ErrMissing = errors.New("kinesis emulator not available")

// Start launches the emulator on a free loopback port and waits until it answers.
func Start() (*Emulator, error) { return StartAt(freePort()) }

// ErrPortInUse means something already listens on the port asked for, often an emulator started before.
var ErrPortInUse = errors.New("port in use")

// StartAt launches the emulator on the given loopback port and waits until it answers.
func StartAt(plain int) (*Emulator, error) {
	// Checked first: waiting for the port to answer would otherwise succeed at once against the earlier process,
	// and the first request would fail with a confusing "stream already exists".
	l, err := net.Listen("tcp", fmt.Sprintf("127.0.0.1:%d", plain))
	if err != nil {
		return nil, fmt.Errorf("%w: something already listens on 127.0.0.1:%d, perhaps an emulator started earlier (%v)", ErrPortInUse, plain, err)
	}
	l.Close()
	main, err := findPackage()
	if err != nil {
		return nil, err
	}
	node, err := exec.LookPath("node")
	if err != nil {
		return nil, fmt.Errorf("%w: node not on PATH", ErrMissing)
	}
	dir, err := os.MkdirTemp("", "kinesisemu-")
	if err != nil {
		return nil, err
	}
	preload := filepath.Join(dir, "bind-loopback.js")
	if err := os.WriteFile(preload, []byte(bindLoopback), 0o644); err != nil {
		return nil, err
	}
	tls := freePort()
	cmd := exec.Command(node, "-r", preload, main)
	// Its own process group, so Stop ends node and anything it started; and where the OS allows, ended with the
	// process that started it, even one killed without a chance to call Stop.
	cmd.SysProcAttr = ownProcessGroup()
	cmd.Dir = dir
	cmd.Env = append(os.Environ(),
		"KINESIS_MOCK_PLAIN_PORT="+strconv.Itoa(plain),
		"KINESIS_MOCK_TLS_PORT="+strconv.Itoa(tls),
		"KINESIS_MOCK_CERT_PATH="+filepath.Join(filepath.Dir(main), "server.json"),
		"LOG_LEVEL=WARN",
		"CREATE_STREAM_DURATION=50ms",
		"SHARD_LIMIT=1000",
		"AWS_REGION="+Region,
	)
	log, err := os.Create(filepath.Join(dir, "emulator.log"))
	if err != nil {
		return nil, err
	}
	cmd.Stdout, cmd.Stderr = log, log
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("start kinesis-local: %w", err)
	}
	e := &Emulator{Endpoint: fmt.Sprintf("http://127.0.0.1:%d", plain), cmd: cmd, dir: dir}
	deadline := time.Now().Add(30 * time.Second)
	for {
		c, err := net.DialTimeout("tcp", fmt.Sprintf("127.0.0.1:%d", plain), 200*time.Millisecond)
		if err == nil {
			c.Close()
			return e, nil
		}
		if time.Now().After(deadline) {
			e.Stop()
			out, _ := os.ReadFile(filepath.Join(dir, "emulator.log"))
			return nil, fmt.Errorf("kinesis-local did not listen on %d within 30 s: %s", plain, out)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// Stop ends the emulator's whole process group.
func (e *Emulator) Stop() {
	if e.cmd.Process != nil {
		_ = syscall.Kill(-e.cmd.Process.Pid, syscall.SIGKILL)
		_ = e.cmd.Process.Kill()
		_ = e.cmd.Wait()
	}
	os.RemoveAll(e.dir)
}

// Region is the region the emulator and its clients use.
const Region = "us-east-1"

// Client returns a Kinesis client for the emulator with static test credentials.
func (e *Emulator) Client() *kinesis.Client { return ClientAt(e.Endpoint) }

// ClientAt returns a Kinesis client for any local endpoint (the emulator, or a proxy in front of it).
func ClientAt(endpoint string) *kinesis.Client {
	return kinesis.New(kinesis.Options{
		Region:       Region,
		BaseEndpoint: aws.String(endpoint),
		Credentials:  aws.CredentialsProviderFunc(testCredentials),
	})
}

func testCredentials(context.Context) (aws.Credentials, error) {
	return aws.Credentials{AccessKeyID: "000000000000", SecretAccessKey: "test", Source: "kinesisemu"}, nil
}

var streamSeq atomic.Int64

// NewStream creates a fresh stream with the given shard count and waits until it is ACTIVE. Fresh streams keep
// tests independent, and kinesis-local slows down as a shard fills.
func (e *Emulator) NewStream(t testing.TB, shards int) string {
	t.Helper()
	return e.NewNamedStream(t, fmt.Sprintf("test-%d-%d", os.Getpid(), streamSeq.Add(1)), shards)
}

// NewNamedStream creates a stream with a given name (which must be new to the emulator) and waits until it is
// ACTIVE, for tests about names, such as a stream left over from the console lab.
func (e *Emulator) NewNamedStream(t testing.TB, name string, shards int) string {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if err := e.CreateStream(ctx, name, shards); err != nil {
		t.Fatal(err)
	}
	return name
}

// CreateStream creates a stream (which must be new to the emulator) and waits until it is ACTIVE.
func (e *Emulator) CreateStream(ctx context.Context, name string, shards int) error {
	c := e.Client()
	if _, err := c.CreateStream(ctx, &kinesis.CreateStreamInput{StreamName: aws.String(name), ShardCount: aws.Int32(int32(shards))}); err != nil {
		return fmt.Errorf("create stream %s: %w", name, err)
	}
	w := kinesis.NewStreamExistsWaiter(c, func(o *kinesis.StreamExistsWaiterOptions) {
		o.MinDelay = 50 * time.Millisecond
		o.MaxDelay = 200 * time.Millisecond
	})
	if err := w.Wait(ctx, &kinesis.DescribeStreamInput{StreamName: aws.String(name)}, 30*time.Second); err != nil {
		return fmt.Errorf("stream %s not active: %w", name, err)
	}
	return nil
}

// ReadAll reads every record of every shard of stream from the beginning, until a shard answers empty twice in
// a row. Nothing is written while it reads, so that is everything, duplicates included.
func (e *Emulator) ReadAll(t testing.TB, stream string) []types.Record {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	c := e.Client()
	shards, err := c.ListShards(ctx, &kinesis.ListShardsInput{StreamName: aws.String(stream)})
	if err != nil {
		t.Fatalf("list shards: %v", err)
	}
	var out []types.Record
	for _, s := range shards.Shards {
		it, err := c.GetShardIterator(ctx, &kinesis.GetShardIteratorInput{
			StreamName: aws.String(stream), ShardId: s.ShardId, ShardIteratorType: types.ShardIteratorTypeTrimHorizon,
		})
		if err != nil {
			t.Fatalf("shard iterator: %v", err)
		}
		iter := it.ShardIterator
		empty := 0
		for iter != nil && empty < 2 {
			res, err := c.GetRecords(ctx, &kinesis.GetRecordsInput{ShardIterator: iter, Limit: aws.Int32(10000)})
			if err != nil {
				t.Fatalf("get records: %v", err)
			}
			out = append(out, res.Records...)
			if len(res.Records) == 0 {
				empty++
			}
			iter = res.NextShardIterator
		}
	}
	return out
}

var (
	sharedOnce sync.Once
	shared     *Emulator
	sharedErr  error
)

// Require returns the package's shared emulator, starting it on first use. Without the emulator the test
// skips, or fails under CI=true. Call StopShared from TestMain after m.Run.
func Require(t testing.TB) *Emulator {
	t.Helper()
	slow.Test(t, "starts the Kinesis emulator (node)")
	sharedOnce.Do(func() { shared, sharedErr = Start() })
	if sharedErr != nil {
		if errors.Is(sharedErr, ErrMissing) && os.Getenv("CI") != "true" {
			t.Skipf("%v (run `npm ci`; under CI=true this fails)", sharedErr)
		}
		t.Fatalf("kinesis emulator: %v", sharedErr)
	}
	return shared
}

// RunTests runs a package's tests and then stops the shared emulator; a TestMain calls os.Exit(RunTests(m)).
func RunTests(m *testing.M) int {
	defer StopShared()
	return m.Run()
}

// StopShared stops the shared emulator if it was started.
func StopShared() {
	if shared != nil {
		shared.Stop()
	}
}

// findPackage locates node_modules/kinesis-local/main.js in the module root.
func findPackage() (string, error) {
	root, err := modroot.Find()
	if err != nil {
		return "", fmt.Errorf("%w: %w", ErrMissing, err)
	}
	main := filepath.Join(root, "node_modules", "kinesis-local", "main.js")
	if _, err := os.Stat(main); err != nil {
		return "", fmt.Errorf("%w: %s missing", ErrMissing, main)
	}
	return main, nil
}

// freePort asks the kernel for a free loopback port.
func freePort() int {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		panic(err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}
