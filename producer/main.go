// Command producer generates the lab's multi-tenant telemetry events and writes them to the Kinesis data stream.
// With AWS_LAMBDA_RUNTIME_API set (inside AWS Lambda) it serves invocations instead; see package lambdamode.
//
//	producer send [flags] [STREAM]   write events to the stream (default tenant-metrics-stream)
//	producer print [flags]           write events to stdout as NDJSON, no AWS needed
//	producer verify [flags]          check what landed in S3
//
// Run `producer help` or `producer send --help` for every flag.
package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"

	"github.com/tenant-metrics-lab/tenant-metrics-lab/internal/cli"
	"github.com/tenant-metrics-lab/tenant-metrics-lab/internal/lab"
	"github.com/tenant-metrics-lab/tenant-metrics-lab/producer/lambdamode"
)

// exitInterrupted is the shell's convention for a process ended by SIGINT (128 + 2).
const exitInterrupted = 130

// DefaultStream is the stack's default stream name, so `producer send` alone does what the lab did.
var DefaultStream = lab.DefaultStreamName

func main() {
	if os.Getenv(lab.RuntimeAPIEnv) != "" {
		lambdamode.Start()
		return
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	go abortOnSecondSignal(ctx, stop)
	code := run(ctx, os.Args[1:], os.Stdout, os.Stderr, isTerminal(os.Stderr))
	stop()
	os.Exit(code)
}

// abortOnSecondSignal waits for the first Ctrl-C (which stops generating and flushes what is in flight, for up to
// --flush-timeout), then exits at once on a second one: a person who presses it twice wants out now.
func abortOnSecondSignal(first context.Context, stop context.CancelFunc) {
	<-first.Done()
	second := make(chan os.Signal, 1)
	signal.Notify(second, os.Interrupt, syscall.SIGTERM)
	stop()
	<-second
	fmt.Fprintln(os.Stderr, "\nproducer: interrupted twice: exiting without waiting for the flush; events still buffered or in flight may be undelivered")
	os.Exit(exitInterrupted)
}

// run is the command line: tty says whether stderr is a terminal, where send shows its progress.
func run(ctx context.Context, args []string, stdout, stderr io.Writer, tty bool) int {
	p := &cli.Program{
		Name:     "producer",
		Header:   "producer generates multi-tenant SaaS telemetry events for the tenant-metrics-lab pipeline.",
		Commands: []*cli.Command{sendCommand(tty), printCommand(), verifyCommand()},
		Footer:   "Exit status: 0 on success, 1 when events were not delivered, verification failed or the run could not start, 2 for usage errors.",
	}
	return p.Run(ctx, args, stdout, stderr)
}

func isTerminal(f *os.File) bool {
	st, err := f.Stat()
	return err == nil && st.Mode()&os.ModeCharDevice != 0
}
