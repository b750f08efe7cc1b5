package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"time"

	"github.com/tenant-metrics-lab/tenant-metrics-lab/internal/awsclient"
	"github.com/tenant-metrics-lab/tenant-metrics-lab/internal/cli"
	"github.com/tenant-metrics-lab/tenant-metrics-lab/producer/send"
	"github.com/tenant-metrics-lab/tenant-metrics-lab/producer/streamwriter"
)

const sendDetails = `Writes telemetry events to a Kinesis data stream with batched PutRecords requests, paced to the stream's
shard limits (1,000 records/s and 1 MiB/s per shard) and retrying every throttled or failed record. STREAM
defaults to %s. Stops after --count events or --duration, or on Ctrl-C/SIGTERM; then it delivers what is
buffered and in flight (for at most --flush-timeout) and prints a summary.

Partition keys: "tenant" (default) keeps each tenant's events in order on one shard, as the lab did, but the
tenants are unevenly weighted: on a 4-shard stream about 40%% of events hash to one shard, which caps the stream
at about 0.63 of its capacity. "event" uses the event id and spreads evenly over the shards.

Credentials and region come from the standard AWS chain (AWS_PROFILE, AWS_REGION, environment, SSO, roles);
AWS_ENDPOINT_URL_KINESIS or AWS_ENDPOINT_URL work as well as --endpoint-url.

Exit status: 0 when every event was accepted, 1 when some were not (counted in the summary) or the run could
not start, 2 for usage errors.
`

// sendFlags are send's own flags; the generator's and the AWS ones are registered beside them.
type sendFlags struct {
	rate                   float64
	count                  int64
	duration, flushTimeout time.Duration
	partitionKey           string
	inFlight               int
	verbose, aggregate     bool
	aggregateSize          int
	generator              generatorFlags
	aws                    awsclient.Options
}

func (f *sendFlags) register(fs *flag.FlagSet) {
	fs.Float64Var(&f.rate, "rate", send.DefaultRate, "events per second; 0 sends as fast as the stream accepts")
	fs.Int64Var(&f.count, "count", 0, "stop after this many events (0: no limit)")
	fs.DurationVar(&f.duration, "duration", 0, "stop after this long, e.g. 10m (0: until Ctrl-C)")
	fs.StringVar(&f.partitionKey, "partition-key", send.KeyTenant, `partition key: "tenant" or "event"`)
	fs.DurationVar(&f.flushTimeout, "flush-timeout", send.DefaultFlushTimeout, "how long to keep delivering buffered events after stopping")
	fs.IntVar(&f.inFlight, "in-flight", streamwriter.DefaultMaxInFlight, "concurrent PutRecords requests")
	fs.BoolVar(&f.verbose, "verbose", false, "also print every event to stdout, as the lab's generator did")
	fs.BoolVar(&f.aggregate, "aggregate", false, "pack the events bound for each shard into KPL aggregated records: about three times the events per shard, fewer PUT payload units (Firehose and the KCL de-aggregate)")
	fs.IntVar(&f.aggregateSize, "aggregate-size", streamwriter.DefaultAggregateBytes, fmt.Sprintf("with --aggregate, the largest aggregated record in bytes (%d to %d)", streamwriter.MinAggregateBytes, streamwriter.MaxAggregateBytes))
	registerAWSFlags(fs, &f.aws, "Kinesis endpoint, e.g. http://127.0.0.1:4567 for the local emulator (make emulator)")
	f.generator.register(fs)
}

// sendCommand is `producer send`; tty says whether stderr shows a progress line.
func sendCommand(tty bool) *cli.Command {
	return &cli.Command{
		Name:         "send",
		Synopsis:     "[flags] [STREAM]",
		Summary:      fmt.Sprintf("write events to a Kinesis data stream (default %s)", DefaultStream),
		Details:      fmt.Sprintf(sendDetails, DefaultStream),
		MaxArgs:      1,
		Interspersed: true,
		Setup: func(fs *flag.FlagSet) cli.Action {
			var f sendFlags
			f.register(fs)
			return func(ctx context.Context, c *cli.Call) int {
				opts, err := f.options(c)
				if err != nil {
					return c.Usagef("%v", err)
				}
				if tty {
					opts.Progress = progressLine(c)
				}
				return runSend(ctx, c, opts, f.aws)
			}
		},
	}
}

// options checks the flags and turns them into the session's options.
func (f *sendFlags) options(c *cli.Call) (send.Options, error) {
	stream := DefaultStream
	if len(c.Args) == 1 {
		stream = c.Args[0]
	}
	genOpts, err := f.generator.options(c.Set("seed"))
	if err != nil {
		return send.Options{}, err
	}
	opts := send.Options{
		Stream: stream, Rate: f.rate, Count: f.count, Duration: f.duration, PartitionKey: f.partitionKey,
		FlushTimeout: f.flushTimeout, Generator: genOpts,
		Writer: streamwriter.Options{MaxInFlight: f.inFlight, Aggregate: f.aggregate, AggregateBytes: f.aggregateSize},
	}
	if err := opts.Validate(); err != nil {
		return opts, err
	}
	if f.inFlight < 1 {
		return opts, fmt.Errorf("--in-flight %d: must be 1 or more", f.inFlight)
	}
	if f.aggregateSize < streamwriter.MinAggregateBytes || f.aggregateSize > streamwriter.MaxAggregateBytes {
		return opts, fmt.Errorf("--aggregate-size %d: must be %d to %d bytes", f.aggregateSize, streamwriter.MinAggregateBytes, streamwriter.MaxAggregateBytes)
	}
	if f.verbose {
		opts.Verbose = c.Stdout
	}
	return opts, nil
}

// progressLine rewrites one status line on a terminal.
func progressLine(c *cli.Call) func(send.Summary) {
	return func(s send.Summary) {
		secs := max(s.Elapsed.Seconds(), 1e-9)
		fmt.Fprintf(c.Stderr, "\r\033[Ksent %d  %.0f events/s  %.1f KiB/s  retried %d  throttled %d  in flight %d",
			s.Accepted, float64(s.Accepted)/secs, float64(s.Bytes)/1024/secs, s.Retried, s.Throttled, s.InFlight())
	}
}

// setupTimeout bounds the start of a send (describing the stream's shards); tests shorten it.
var setupTimeout = streamwriter.DefaultSetupTimeout

func runSend(ctx context.Context, c *cli.Call, opts send.Options, aws awsclient.Options) int {
	client, err := awsclient.Kinesis(ctx, aws)
	if err != nil {
		return c.Fail(err)
	}
	opts.Writer.SetupTimeout = setupTimeout
	sum, err := send.Run(ctx, client, opts)
	if errors.Is(err, streamwriter.ErrNoAnswer) {
		return c.Fail(fmt.Errorf("%s gave %w: is the endpoint right (--endpoint-url, AWS_ENDPOINT_URL_KINESIS) and is it a Kinesis API?",
			kinesisEndpoint(aws, client.Options().Region), err))
	}
	if opts.Progress != nil {
		fmt.Fprint(c.Stderr, "\r\033[K")
	}
	if sum.Stream != "" {
		fmt.Fprintf(c.Stderr, "%s: %s\n", c.Name(), sum)
	}
	if err != nil {
		return c.Fail(err)
	}
	return cli.ExitOK
}

// kinesisEndpoint names the endpoint a Kinesis client talks to, as the person configured it.
func kinesisEndpoint(o awsclient.Options, region string) string {
	for _, e := range []string{o.EndpointURL, os.Getenv("AWS_ENDPOINT_URL_KINESIS"), os.Getenv("AWS_ENDPOINT_URL")} {
		if e != "" {
			return "the endpoint " + e
		}
	}
	return "Kinesis in " + region
}
