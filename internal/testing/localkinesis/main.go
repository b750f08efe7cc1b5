// Command localkinesis tries the producer without an AWS account: it starts the bundled Kinesis emulator
// (kinesis-local, installed by npm ci) on a loopback port with the lab's stream, prints the `producer send`
// command that writes to it, and runs until Ctrl-C. `make emulator` runs it.
package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/tenant-metrics-lab/tenant-metrics-lab/internal/lab"
	"github.com/tenant-metrics-lab/tenant-metrics-lab/internal/testing/kinesisemu"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, os.Args[1:], os.Stdout, os.Stderr); err != nil {
		fmt.Fprintf(os.Stderr, "localkinesis: %v\n", err)
		stop()
		os.Exit(exitCode(err))
	}
}

// errUsage marks a bad flag; it exits 2.
type errUsage struct{ error }

func exitCode(err error) int {
	if _, ok := err.(errUsage); ok {
		return 2
	}
	return 1
}

// run starts the emulator with the stream, prints how to send to it, and serves until ctx ends.
func run(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("localkinesis", flag.ContinueOnError)
	fs.SetOutput(stderr)
	port := fs.Int("port", 4567, "loopback port of the emulator")
	stream := fs.String("stream", lab.DefaultStreamName, "stream to create")
	shards := fs.Int("shards", 1, "shards of the stream")
	if err := fs.Parse(args); err != nil {
		return errUsage{err}
	}
	if *shards < 1 || *shards > lab.MaxShardCount {
		return errUsage{fmt.Errorf("--shards %d: must be 1 to %d", *shards, lab.MaxShardCount)}
	}
	emu, err := kinesisemu.StartAt(*port)
	if err != nil {
		return fmt.Errorf("%w (is port %d free? try --port)", err, *port)
	}
	defer emu.Stop()
	createCtx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	if err := emu.CreateStream(createCtx, *stream, *shards); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "Kinesis emulator on %s with stream %s (%d shard(s)); Ctrl-C stops it. In another terminal:\n\n", emu.Endpoint, *stream, *shards)
	fmt.Fprintf(stdout, "  AWS_REGION=%s AWS_ACCESS_KEY_ID=test AWS_SECRET_ACCESS_KEY=test go run ./producer send --endpoint-url %s --duration 30s %s\n\n",
		kinesisemu.Region, emu.Endpoint, *stream)
	<-ctx.Done()
	return nil
}
