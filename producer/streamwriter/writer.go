// Package streamwriter writes records to a Kinesis data stream with PutRecords: batched within the API's limits,
// several requests in flight, paced to the shards' write limits, and retrying every throttled or failed record
// until it is accepted, the writer is closed, or an error makes further attempts pointless. Nothing is dropped
// silently: every record put is counted as accepted or failed. With Options.Aggregate it packs the records bound
// for each shard into KPL aggregated records (internal/kpl), and still counts every user record.
package streamwriter

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/kinesis"

	"github.com/tenant-metrics-lab/tenant-metrics-lab/internal/lab"
)

// API is the part of the Kinesis client the writer uses.
type API interface {
	PutRecords(ctx context.Context, in *kinesis.PutRecordsInput, optFns ...func(*kinesis.Options)) (*kinesis.PutRecordsOutput, error)
	ListShards(ctx context.Context, in *kinesis.ListShardsInput, optFns ...func(*kinesis.Options)) (*kinesis.ListShardsOutput, error)
}

// Record is one Kinesis record.
type Record struct {
	Data         []byte
	PartitionKey string
}

func (r Record) size() int { return len(r.Data) + len(r.PartitionKey) }

// Stats are the writer's counters. They count user records (events), whether or not they travel aggregated:
// every record put ends up in Accepted or Failed.
type Stats struct {
	Put       int64 // records handed to Put
	Accepted  int64 // records Kinesis acknowledged
	Bytes     int64 // Kinesis data bytes acknowledged (aggregates as sent)
	Records   int64 // Kinesis records acknowledged: Accepted without aggregation, fewer with it
	Failed    int64 // records given up on (non-retryable error, or the writer closed before they were accepted)
	Retried   int64 // record re-sends, for any reason
	Throttled int64 // record attempts refused for throughput (per-record or whole request)
	Requests  int64 // PutRecords calls made
	Shards    int   // open shards the pacing is based on (0 when not pacing)
}

// InFlight is how many records are buffered or being sent.
func (s Stats) InFlight() int64 { return s.Put - s.Accepted - s.Failed }

// Writer batches and sends records. Put and Close must be called from one goroutine; Stats from any.
type Writer struct {
	api    API
	opts   Options
	pacer  *pacer
	shards *shardMap

	in      chan Record
	batches chan []entry
	done    chan struct{} // closed when every goroutine has finished

	sendCtx context.Context // canceled to abandon retries: Close's deadline or a fatal error
	cancel  context.CancelFunc

	fatalOnce sync.Once
	fatal     atomic.Pointer[error]

	put, accepted, bytes, records, failed, retried, throttled, requests atomic.Int64
}

// New learns the stream's open shards (for pacing and to fail fast on a missing stream or missing rights) and
// starts the writer's goroutines.
func New(ctx context.Context, api API, opts Options) (*Writer, error) {
	if opts.Stream == "" {
		return nil, errors.New("streamwriter: no stream name")
	}
	opts.defaults()
	if opts.Aggregate && (opts.AggregateBytes < MinAggregateBytes || opts.AggregateBytes > MaxAggregateBytes) {
		return nil, fmt.Errorf("aggregate size %d bytes: must be %d to %d", opts.AggregateBytes, MinAggregateBytes, MaxAggregateBytes)
	}
	w := &Writer{
		api:     api,
		opts:    opts,
		in:      make(chan Record, opts.QueueSize),
		batches: make(chan []entry),
		done:    make(chan struct{}),
	}
	setupCtx, cancel := context.WithTimeout(ctx, opts.SetupTimeout)
	shards, err := listOpenShards(setupCtx, api, opts.Stream)
	timedOut := setupCtx.Err() == context.DeadlineExceeded && ctx.Err() == nil
	cancel()
	switch {
	case err != nil && timedOut:
		return nil, fmt.Errorf("%w within %v to ListShards of stream %s", ErrNoAnswer, opts.SetupTimeout, opts.Stream)
	case err != nil:
		return nil, describeSetupError(opts.Stream, err)
	}
	w.shards = shards
	if !opts.NoPacing {
		w.pacer = newPacer(len(shards.starts), lab.ShardRecordsPerSecond, lab.ShardBytesPerSecond, time.Now)
	}
	w.sendCtx, w.cancel = context.WithCancel(context.Background())

	var senders sync.WaitGroup
	for range opts.MaxInFlight {
		senders.Go(func() {
			for b := range w.batches {
				w.send(b)
			}
		})
	}
	go func() {
		w.batch()
		close(w.batches)
		senders.Wait()
		close(w.done)
	}()
	return w, nil
}

// Put queues a record, blocking while the queue is full (back-pressure). It fails on a record over the API's
// limits, when ctx ends, and after a non-retryable error, which it returns.
func (w *Writer) Put(ctx context.Context, r Record) error {
	if err := w.Err(); err != nil {
		return err
	}
	if n := len(r.PartitionKey); n == 0 || n > lab.MaxPartitionKeyLen {
		return fmt.Errorf("partition key of %d characters: must be 1 to %d", n, lab.MaxPartitionKeyLen)
	}
	if r.size() > lab.MaxRecordBytes {
		return fmt.Errorf("record of %d bytes (data plus partition key): over the %d-byte limit", r.size(), lab.MaxRecordBytes)
	}
	select {
	case w.in <- r:
		w.put.Add(1)
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// Close stops accepting records and waits until every queued record is accepted or failed. When ctx ends first,
// retries are abandoned and what was not accepted counts as failed. The error is the first non-retryable one.
func (w *Writer) Close(ctx context.Context) (Stats, error) {
	close(w.in)
	select {
	case <-w.done:
	case <-ctx.Done():
		w.cancel()
		<-w.done
	}
	w.cancel()
	return w.Stats(), w.Err()
}

// Err returns the non-retryable error that stopped the writer, if any.
func (w *Writer) Err() error {
	if p := w.fatal.Load(); p != nil {
		return *p
	}
	return nil
}

// Stats returns the current counters.
func (w *Writer) Stats() Stats {
	s := Stats{
		Put: w.put.Load(), Accepted: w.accepted.Load(), Bytes: w.bytes.Load(), Records: w.records.Load(), Failed: w.failed.Load(),
		Retried: w.retried.Load(), Throttled: w.throttled.Load(), Requests: w.requests.Load(),
	}
	if w.pacer != nil {
		s.Shards = len(w.shards.starts)
	}
	return s
}

func (w *Writer) setFatal(err error) {
	w.fatalOnce.Do(func() {
		w.fatal.Store(&err)
		w.cancel()
	})
}
