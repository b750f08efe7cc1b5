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
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/tenant-metrics-lab/tenant-metrics-lab/internal/awsclient"
	"github.com/tenant-metrics-lab/tenant-metrics-lab/internal/event"
	"github.com/tenant-metrics-lab/tenant-metrics-lab/internal/lab"
	"github.com/tenant-metrics-lab/tenant-metrics-lab/producer/lambdamode"
	"github.com/tenant-metrics-lab/tenant-metrics-lab/producer/send"
	"github.com/tenant-metrics-lab/tenant-metrics-lab/producer/streamwriter"
	"github.com/tenant-metrics-lab/tenant-metrics-lab/producer/telemetry"
)

// Exit codes.
const (
	exitOK      = 0
	exitFailure = 1 // events not delivered, verification failed, or the run could not start (AWS set-up, stream missing)
	exitUsage   = 2
	// exitInterrupted is the shell's convention for a process ended by SIGINT (128 + 2).
	exitInterrupted = 130
)

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

const usage = `producer generates multi-tenant SaaS telemetry events for the tenant-metrics-lab pipeline.

Usage:
  producer send [flags] [STREAM]   write events to a Kinesis data stream (default %s)
  producer print [flags]           write events to stdout as NDJSON (no AWS needed)
  producer verify [flags]          check what Firehose delivered to S3 and give a verdict
  producer help                    show this help

Run "producer COMMAND --help" for the flags of each command.
`

func run(ctx context.Context, args []string, stdout, stderr io.Writer, tty bool) int {
	if len(args) == 0 {
		fmt.Fprintf(stderr, usage, DefaultStream)
		return exitUsage
	}
	switch args[0] {
	case "send":
		return runSend(ctx, args[1:], stdout, stderr, tty)
	case "print":
		return runPrint(args[1:], stdout, stderr)
	case "verify":
		return runVerify(ctx, args[1:], stdout, stderr)
	case "help", "-h", "-help", "--help":
		fmt.Fprintf(stdout, usage, DefaultStream)
		return exitOK
	}
	fmt.Fprintf(stderr, "producer: unknown command %q\n\n"+usage, args[0], DefaultStream)
	return exitUsage
}

// generatorFlags are the event-content flags shared by send and print.
type generatorFlags struct {
	seed      uint64
	startDate string
	days      int
	runID     string
}

func (g *generatorFlags) register(fs *flag.FlagSet) {
	fs.Uint64Var(&g.seed, "seed", 0, "make the sequence of events reproducible (event ids stay unique per run unless --run-id is fixed)")
	fs.StringVar(&g.startDate, "start-date", "", "backfill: first day (YYYY-MM-DD, UTC) of random timestamps, like the original generator")
	fs.IntVar(&g.days, "days", 0, "backfill: number of days from --start-date to spread timestamps over (default 1 with --start-date)")
	fs.StringVar(&g.runID, "run-id", "", "prefix of every event id (default: random per run)")
}

func (g *generatorFlags) options(fs *flag.FlagSet) (telemetry.Options, error) {
	o := telemetry.Options{RunID: g.runID}
	fs.Visit(func(f *flag.Flag) {
		if f.Name == "seed" {
			o.Seed, o.HasSeed = g.seed, true
		}
	})
	if g.days < 0 {
		return o, fmt.Errorf("--days %d: must be 1 or more", g.days)
	}
	if g.days > 0 && g.startDate == "" {
		return o, errors.New("--days needs --start-date")
	}
	if g.startDate != "" {
		start, err := time.Parse(time.DateOnly, g.startDate)
		if err != nil {
			return o, fmt.Errorf("--start-date %q: want YYYY-MM-DD", g.startDate)
		}
		o.Backfill = telemetry.Backfill{Start: start, Days: max(g.days, 1)}
	}
	return o, nil
}

// newFlagSet returns a flag set that reports errors to the caller instead of exiting. A parse error prints only
// the error and a pointer to --help (parseFlags does it), so the error does not scroll away behind the flag list;
// --help prints the full usage.
func newFlagSet(name, synopsis, details string, stderr io.Writer) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() {
		fmt.Fprintf(fs.Output(), "Usage: %s\n\n%s\nFlags:\n", synopsis, details)
		fs.PrintDefaults()
	}
	return fs
}

// usageError prints msg and a one-line pointer to the command's --help, and returns the usage exit code.
func usageError(fs *flag.FlagSet, msg string) int {
	fmt.Fprintf(fs.Output(), "producer %s: %s\n", fs.Name(), msg)
	fmt.Fprintf(fs.Output(), "Usage: producer %s [flags]; run 'producer %s --help' for every flag.\n", fs.Name(), fs.Name())
	return exitUsage
}

// parseFlags parses args into fs, quietly: flag errors come back as a usage error with a hint, not the flag list.
func parseFlags(fs *flag.FlagSet, parse func() error) (exit int, ok bool) {
	usage, out := fs.Usage, fs.Output()
	var buf strings.Builder
	fs.Usage = func() {}
	fs.SetOutput(&buf)
	err := parse()
	fs.Usage = usage
	fs.SetOutput(out)
	switch {
	case err == nil:
		return 0, true
	case errors.Is(err, flag.ErrHelp):
		fs.Usage()
		return exitOK, false
	}
	return usageError(fs, err.Error()+durationHint(fs, err)), false
}

// durationHint suggests a unit when a duration flag got a bare number: --duration 5 means nothing, 5s does.
func durationHint(fs *flag.FlagSet, err error) string {
	var value, name string
	// The flag package says: invalid value "5" for flag -duration: parse error
	if _, scanErr := fmt.Sscanf(err.Error(), "invalid value %q for flag -%s", &value, &name); scanErr != nil {
		return ""
	}
	name = strings.TrimSuffix(name, ":")
	f := fs.Lookup(name)
	if f == nil || fmt.Sprintf("%T", f.Value) != "*flag.durationValue" {
		return ""
	}
	if _, numErr := strconv.ParseFloat(value, 64); numErr != nil {
		return " (a duration needs a unit, e.g. 30s, 5m or 1h)"
	}
	return fmt.Sprintf(" (a duration needs a unit: did you mean --%s %ss?)", name, value)
}

func runPrint(args []string, stdout, stderr io.Writer) int {
	fs := newFlagSet("print", "producer print [--count N] [--seed N] [--start-date YYYY-MM-DD --days N]",
		"Writes telemetry events to stdout, one JSON object per line, without any AWS access.\n", stderr)
	count := fs.Int64("count", 10, "number of events to print")
	var g generatorFlags
	g.register(fs)
	if code, ok := parseFlags(fs, func() error { return fs.Parse(args) }); !ok {
		return code
	}
	if fs.NArg() > 0 {
		return usageError(fs, fmt.Sprintf("unexpected argument %q", fs.Arg(0)))
	}
	if *count < 0 {
		return usageError(fs, fmt.Sprintf("--count %d: must be 0 or more", *count))
	}
	opts, err := g.options(fs)
	if err != nil {
		return usageError(fs, err.Error())
	}
	gen, err := telemetry.NewGenerator(opts)
	if err != nil {
		return usageError(fs, err.Error())
	}
	var e event.Event
	buf := make([]byte, 0, 64<<10)
	for i := int64(0); i < *count; i++ {
		gen.Next(&e)
		buf = event.AppendNDJSON(buf, &e)
		if len(buf) > 60<<10 || i == *count-1 {
			if _, err := stdout.Write(buf); err != nil {
				fmt.Fprintf(stderr, "producer print: %v\n", err)
				return exitFailure
			}
			buf = buf[:0]
		}
	}
	return exitOK
}

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

func runSend(ctx context.Context, args []string, stdout, stderr io.Writer, tty bool) int {
	fs := newFlagSet("send", "producer send [flags] [STREAM]", fmt.Sprintf(sendDetails, DefaultStream), stderr)
	rate := fs.Float64("rate", send.DefaultRate, "events per second; 0 sends as fast as the stream accepts")
	count := fs.Int64("count", 0, "stop after this many events (0: no limit)")
	duration := fs.Duration("duration", 0, "stop after this long, e.g. 10m (0: until Ctrl-C)")
	partitionKey := fs.String("partition-key", send.KeyTenant, `partition key: "tenant" or "event"`)
	flushTimeout := fs.Duration("flush-timeout", send.DefaultFlushTimeout, "how long to keep delivering buffered events after stopping")
	inFlight := fs.Int("in-flight", streamwriter.DefaultMaxInFlight, "concurrent PutRecords requests")
	verbose := fs.Bool("verbose", false, "also print every event to stdout, as the lab's generator did")
	aggregate := fs.Bool("aggregate", false, "pack the events bound for each shard into KPL aggregated records: about three times the events per shard, fewer PUT payload units (Firehose and the KCL de-aggregate)")
	aggregateSize := fs.Int("aggregate-size", streamwriter.DefaultAggregateBytes, fmt.Sprintf("with --aggregate, the largest aggregated record in bytes (%d to %d)", streamwriter.MinAggregateBytes, streamwriter.MaxAggregateBytes))
	var aws awsclient.Options
	registerAWSFlags(fs, &aws, "Kinesis endpoint, e.g. http://127.0.0.1:4568 for a local emulator")
	var g generatorFlags
	g.register(fs)
	var positional []string
	if code, ok := parseFlags(fs, func() (err error) { positional, err = parseInterspersed(fs, args); return err }); !ok {
		return code
	}
	stream := DefaultStream
	switch len(positional) {
	case 0:
	case 1:
		stream = positional[0]
	default:
		return usageError(fs, fmt.Sprintf("one STREAM at most, got %s", strings.Join(positional, " ")))
	}
	genOpts, err := g.options(fs)
	if err != nil {
		return usageError(fs, err.Error())
	}
	opts := send.Options{
		Stream: stream, Rate: *rate, Count: *count, Duration: *duration, PartitionKey: *partitionKey,
		FlushTimeout: *flushTimeout, Generator: genOpts,
		Writer: streamwriter.Options{MaxInFlight: *inFlight, Aggregate: *aggregate, AggregateBytes: *aggregateSize},
	}
	if err := opts.Validate(); err != nil {
		return usageError(fs, err.Error())
	}
	if *inFlight < 1 {
		return usageError(fs, fmt.Sprintf("--in-flight %d: must be 1 or more", *inFlight))
	}
	if *aggregateSize < streamwriter.MinAggregateBytes || *aggregateSize > streamwriter.MaxAggregateBytes {
		return usageError(fs, fmt.Sprintf("--aggregate-size %d: must be %d to %d bytes", *aggregateSize, streamwriter.MinAggregateBytes, streamwriter.MaxAggregateBytes))
	}
	if *verbose {
		opts.Verbose = stdout
	}
	if tty {
		opts.Progress = func(s send.Summary) {
			secs := max(s.Elapsed.Seconds(), 1e-9)
			fmt.Fprintf(stderr, "\r\033[Ksent %d  %.0f events/s  %.1f KiB/s  retried %d  throttled %d  in flight %d",
				s.Accepted, float64(s.Accepted)/secs, float64(s.Bytes)/1024/secs, s.Retried, s.Throttled, s.InFlight())
		}
	}

	client, err := awsclient.Kinesis(ctx, aws)
	if err != nil {
		fmt.Fprintf(stderr, "producer send: %v\n", err)
		return exitFailure
	}
	opts.Writer.SetupTimeout = setupTimeout
	sum, err := send.Run(ctx, client, opts)
	if errors.Is(err, streamwriter.ErrNoAnswer) {
		fmt.Fprintf(stderr, "producer send: %s gave %v: is the endpoint right (--endpoint-url, AWS_ENDPOINT_URL_KINESIS) and is it a Kinesis API?\n",
			kinesisEndpoint(aws, client.Options().Region), err)
		return exitFailure
	}
	if tty {
		fmt.Fprint(stderr, "\r\033[K")
	}
	if sum.Stream != "" {
		fmt.Fprintf(stderr, "producer send: %s\n", sum)
	}
	if err != nil {
		fmt.Fprintf(stderr, "producer send: %v\n", err)
		return exitFailure
	}
	return exitOK
}

// setupTimeout bounds the start of a send (describing the stream's shards); tests shorten it.
var setupTimeout = streamwriter.DefaultSetupTimeout

// kinesisEndpoint names the endpoint a Kinesis client talks to, as the person configured it.
func kinesisEndpoint(o awsclient.Options, region string) string {
	for _, e := range []string{o.EndpointURL, os.Getenv("AWS_ENDPOINT_URL_KINESIS"), os.Getenv("AWS_ENDPOINT_URL")} {
		if e != "" {
			return "the endpoint " + e
		}
	}
	return "Kinesis in " + region
}

// registerAWSFlags adds the account, region and endpoint flags every AWS-facing command takes.
func registerAWSFlags(fs *flag.FlagSet, o *awsclient.Options, endpointDoc string) {
	fs.StringVar(&o.Region, "region", "", "AWS region (default: AWS_REGION or the profile's region)")
	fs.StringVar(&o.Profile, "profile", "", "AWS shared-config profile (default: AWS_PROFILE or default)")
	fs.StringVar(&o.EndpointURL, "endpoint-url", "", endpointDoc)
}

// parseInterspersed parses flags before and after positional arguments, so that `send STREAM --rate 5` (the
// ProducerCommand output with a flag appended) works; the standard library stops at the first positional one.
// Everything after "--" is positional.
func parseInterspersed(fs *flag.FlagSet, args []string) ([]string, error) {
	var positional []string
	for {
		if err := fs.Parse(args); err != nil {
			return nil, err
		}
		rest := fs.Args()
		if len(rest) == 0 {
			return positional, nil
		}
		if consumed := len(args) - len(rest); consumed > 0 && args[consumed-1] == "--" {
			return append(positional, rest...), nil
		}
		positional = append(positional, rest[0])
		args = rest[1:]
	}
}

func isTerminal(f *os.File) bool {
	st, err := f.Stat()
	return err == nil && st.Mode()&os.ModeCharDevice != 0
}
