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

	"github.com/tenant-metrics-lab/tenant-metrics-lab/internal/cli"
	"github.com/tenant-metrics-lab/tenant-metrics-lab/internal/lab"
	"github.com/tenant-metrics-lab/tenant-metrics-lab/internal/testing/kinesisemu"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}

// run is the command line; it returns the exit status.
func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	return cli.Run(ctx, &cli.Command{
		Name:    "localkinesis",
		Summary: "the bundled Kinesis emulator with the lab's stream on a loopback port, until Ctrl-C",
		Details: `Starts the bundled Kinesis emulator (kinesis-local, installed by npm ci) on a loopback port with the lab's
stream, prints the producer send command that writes to it, and runs until Ctrl-C. make emulator runs it.
`,
		Setup: func(fs *flag.FlagSet) cli.Action {
			port := fs.Int("port", 4567, "loopback port of the emulator")
			stream := fs.String("stream", lab.DefaultStreamName, "stream to create")
			shards := fs.Int("shards", 1, "shards of the stream")
			return func(ctx context.Context, c *cli.Call) int {
				if *shards < 1 || *shards > lab.MaxShardCount {
					return c.Usagef("--shards %d: must be 1 to %d", *shards, lab.MaxShardCount)
				}
				if err := serve(ctx, *port, *stream, *shards, c.Stdout); err != nil {
					return c.Fail(err)
				}
				return cli.ExitOK
			}
		},
	}, args, stdout, stderr)
}

// serve starts the emulator with the stream, prints how to send to it, and serves until ctx ends.
func serve(ctx context.Context, port int, stream string, shards int, stdout io.Writer) error {
	emu, err := kinesisemu.StartAt(port)
	if err != nil {
		return fmt.Errorf("%w (is port %d free? try --port)", err, port)
	}
	defer emu.Stop()
	createCtx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	if err := emu.CreateStream(createCtx, stream, shards); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "Kinesis emulator on %s with stream %s (%d shard(s)); Ctrl-C stops it. In another terminal:\n\n", emu.Endpoint, stream, shards)
	fmt.Fprintf(stdout, "  AWS_REGION=%s AWS_ACCESS_KEY_ID=test AWS_SECRET_ACCESS_KEY=test go run ./producer send --endpoint-url %s --duration 30s %s\n\n",
		kinesisemu.Region, emu.Endpoint, stream)
	<-ctx.Done()
	return nil
}
