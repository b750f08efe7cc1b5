// Package send runs one producing session: generate telemetry events at a rate, write them to the stream, and
// account for every one. The CLI's `send` command and the Lambda handler (package lambdamode) both call Run.
package send

import (
	"context"
	"errors"
	"fmt"
	"io"
	"time"

	"github.com/tenant-metrics-lab/tenant-metrics-lab/internal/event"
	"github.com/tenant-metrics-lab/tenant-metrics-lab/internal/lab"
	"github.com/tenant-metrics-lab/tenant-metrics-lab/producer/streamwriter"
	"github.com/tenant-metrics-lab/tenant-metrics-lab/producer/telemetry"
)

// Partition key choices; their one home is internal/lab, which the stack reads too.
const (
	KeyTenant = lab.KeyTenant
	KeyEvent  = lab.KeyEvent
)

// DefaultRate keeps one shard (1,000 records/s) at a tenth of its capacity, like a lab's steady trickle.
const DefaultRate = 100

// DefaultFlushTimeout is how long a session keeps delivering after generation stops, unless told otherwise.
const DefaultFlushTimeout = 30 * time.Second

// Options describe a session.
type Options struct {
	Stream       string
	Rate         float64       // events per second; 0 sends as fast as the stream accepts
	Count        int64         // stop after this many events; 0 = no limit
	Duration     time.Duration // stop after this long; 0 = no limit (until ctx ends)
	PartitionKey string        // KeyTenant or KeyEvent
	FlushTimeout time.Duration // how long to keep delivering after generation stops; default DefaultFlushTimeout
	Generator    telemetry.Options
	Writer       streamwriter.Options // Stream is filled in from Stream
	Verbose      io.Writer            // when set, every event is also written here as a line
	Progress     func(Summary)        // when set, called about once a second while sending
}

// Summary is the outcome of a session.
type Summary struct {
	streamwriter.Stats
	Stream    string
	Generated int64
	Elapsed   time.Duration
}

// Undelivered is how many generated events were not accepted by the stream.
func (s Summary) Undelivered() int64 { return s.Generated - s.Accepted }

// String is the one-line summary printed at the end of a run.
func (s Summary) String() string {
	secs := s.Elapsed.Seconds()
	if secs <= 0 {
		secs = 1e-9
	}
	line := fmt.Sprintf("%d events to %s in %.1fs (%.1f events/s, %.1f KiB/s): %d accepted, %d undelivered, %d retried, %d throttled, %d requests",
		s.Generated, s.Stream, s.Elapsed.Seconds(), float64(s.Accepted)/secs, float64(s.Bytes)/1024/secs,
		s.Accepted, s.Undelivered(), s.Retried, s.Throttled, s.Requests)
	if s.Records < s.Accepted {
		line += fmt.Sprintf(", %d aggregated Kinesis records (%.1f events each)", s.Records, float64(s.Accepted)/float64(max(s.Records, 1)))
	}
	return line
}

// ErrUndelivered reports that some events were not accepted; the Summary says how many.
var ErrUndelivered = errors.New("some events were not delivered")

// Validate checks the options a person can get wrong.
func (o *Options) Validate() error {
	switch {
	case o.Stream == "":
		return errors.New("no stream name")
	case o.Rate < 0:
		return fmt.Errorf("rate %g: must be 0 (as fast as the stream accepts) or more", o.Rate)
	case o.Count < 0:
		return fmt.Errorf("count %d: must be 0 (no limit) or more", o.Count)
	case o.Duration < 0:
		return fmt.Errorf("duration %v: must be 0 (no limit) or more", o.Duration)
	case o.PartitionKey != KeyTenant && o.PartitionKey != KeyEvent:
		return fmt.Errorf("partition key %q: must be %q or %q", o.PartitionKey, KeyTenant, KeyEvent)
	}
	return o.Generator.Validate()
}

// Run generates and sends events until Count or Duration is reached or ctx ends (Ctrl-C), then flushes what is
// buffered and in flight for at most FlushTimeout. The error is non-nil when any event was not delivered.
func Run(ctx context.Context, api streamwriter.API, opts Options) (Summary, error) {
	if err := opts.Validate(); err != nil {
		return Summary{}, err
	}
	if opts.FlushTimeout <= 0 {
		opts.FlushTimeout = DefaultFlushTimeout
	}
	gen, err := telemetry.NewGenerator(opts.Generator)
	if err != nil {
		return Summary{}, err
	}
	wopts := opts.Writer
	wopts.Stream = opts.Stream
	w, err := streamwriter.New(ctx, api, wopts)
	if err != nil {
		return Summary{}, err
	}
	start := time.Now()
	sum := Summary{Stream: opts.Stream}
	stopProgress := progress(opts.Progress, func() Summary {
		s := w.Stats()
		return Summary{Stats: s, Stream: opts.Stream, Generated: s.Put, Elapsed: time.Since(start)}
	})

	genCtx := ctx
	if opts.Duration > 0 {
		var cancel context.CancelFunc
		genCtx, cancel = context.WithTimeout(ctx, opts.Duration)
		defer cancel()
	}
	genErr := generate(genCtx, gen, w, &opts, start)

	// Flush on a fresh context: ctx may already be canceled by Ctrl-C, and what was accepted must still go out.
	flushCtx, cancel := context.WithTimeout(context.WithoutCancel(ctx), opts.FlushTimeout)
	defer cancel()
	stats, werr := w.Close(flushCtx)
	stopProgress()
	sum.Stats, sum.Generated, sum.Elapsed = stats, stats.Put, time.Since(start)
	switch {
	case werr != nil:
		return sum, fmt.Errorf("%w: %d of %d: %w", ErrUndelivered, sum.Undelivered(), sum.Generated, werr)
	case genErr != nil:
		return sum, genErr
	case sum.Undelivered() > 0:
		return sum, fmt.Errorf("%w: %d of %d (flush timeout %v)", ErrUndelivered, sum.Undelivered(), sum.Generated, opts.FlushTimeout)
	}
	return sum, nil
}

// generate feeds the writer until a limit is reached or ctx ends; Put's back-pressure bounds the memory used.
func generate(ctx context.Context, gen *telemetry.Generator, w *streamwriter.Writer, opts *Options, start time.Time) error {
	var e event.Event
	var slab telemetry.Slab
	for n := int64(0); opts.Count == 0 || n < opts.Count; n++ {
		if opts.Rate > 0 {
			// Hold to the schedule start + n/rate; sleeping only when more than 5 ms ahead keeps timers cheap.
			if ahead := time.Until(start.Add(time.Duration(float64(n) / opts.Rate * float64(time.Second)))); ahead > 5*time.Millisecond {
				t := time.NewTimer(ahead)
				select {
				case <-t.C:
				case <-ctx.Done():
					t.Stop()
					return nil
				}
			}
		}
		if ctx.Err() != nil {
			return nil
		}
		gen.Next(&e)
		data := slab.Append(&e)
		key := e.Tenant.ID
		if opts.PartitionKey == KeyEvent {
			key = e.ID()
		}
		if err := w.Put(ctx, streamwriter.Record{Data: data, PartitionKey: key}); err != nil {
			if ctx.Err() != nil {
				return nil // stopped while waiting for room: a normal end
			}
			return err
		}
		if opts.Verbose != nil {
			if _, err := opts.Verbose.Write(data); err != nil {
				return fmt.Errorf("write event: %w", err)
			}
		}
	}
	return nil
}

// progress calls report with fresh figures every second until the returned stop is called.
func progress(report func(Summary), snapshot func() Summary) (stop func()) {
	if report == nil {
		return func() {}
	}
	done := make(chan struct{})
	finished := make(chan struct{})
	go func() {
		defer close(finished)
		t := time.NewTicker(time.Second)
		defer t.Stop()
		for {
			select {
			case <-t.C:
				report(snapshot())
			case <-done:
				return
			}
		}
	}()
	return func() { close(done); <-finished }
}
