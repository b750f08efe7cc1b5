// Package streamwriter writes records to a Kinesis data stream with PutRecords: batched within the API's limits,
// several requests in flight, paced to the shards' write limits, and retrying every throttled or failed record
// until it is accepted, the writer is closed, or an error makes further attempts pointless. Nothing is dropped
// silently: every record put is counted as accepted or failed. With Options.Aggregate it packs the records bound
// for each shard into KPL aggregated records (package kpl), and still counts every user record.
package streamwriter

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"sync"
	"sync/atomic"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/kinesis"
	"github.com/aws/aws-sdk-go-v2/service/kinesis/types"

	"github.com/tenant-metrics-lab/tenant-metrics-lab/internal/kpl"
	"github.com/tenant-metrics-lab/tenant-metrics-lab/internal/lab"
)

// Limits of the PutRecords API and of one shard, re-exported for callers of this package.
const (
	MaxBatchRecords       = lab.MaxBatchRecords
	MaxBatchBytes         = lab.MaxBatchBytes
	MaxRecordBytes        = lab.MaxRecordBytes
	MaxPartitionKeyLen    = lab.MaxPartitionKeyLen
	ShardRecordsPerSecond = lab.ShardRecordsPerSecond
	ShardBytesPerSecond   = lab.ShardBytesPerSecond
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

// entry is one Kinesis record as it is sent: a user record, or an aggregate of several bound for one shard.
type entry struct {
	Record         // data and partition key as sent
	hashKey string // ExplicitHashKey; "" lets Kinesis hash the partition key
	shard   int    // the shard it is paced against
	events  int64  // user records it carries
}

func eventsIn(entries []entry) int64 {
	var n int64
	for _, e := range entries {
		n += e.events
	}
	return n
}

// Options tune a Writer; zero values take the defaults.
type Options struct {
	Stream      string        // stream name (required)
	MaxInFlight int           // concurrent PutRecords requests; default DefaultMaxInFlight
	Linger      time.Duration // how long a partial batch waits for more records; default DefaultLinger
	NoPacing    bool          // send without pacing to the shard limits (only throttling slows it down)
	BaseBackoff time.Duration // first retry delay, doubled per attempt with full jitter; default 100 ms
	MaxBackoff  time.Duration // retry delay cap; default 2 s
	QueueSize   int           // records buffered before Put blocks; default 2 x MaxBatchRecords
	// Aggregate packs the records bound for one shard into KPL aggregated records of up to AggregateBytes (data
	// plus partition key; default DefaultAggregateBytes). A record too big to share one goes alone, unaggregated.
	Aggregate      bool
	AggregateBytes int
	// SetupTimeout bounds New's description of the stream's shards: an endpoint that accepts connections and never
	// answers must not hang a run without a word. Default DefaultSetupTimeout.
	SetupTimeout time.Duration
	now          func() time.Time
}

// DefaultSetupTimeout is how long New waits for the stream's shard list: Kinesis answers in milliseconds.
const DefaultSetupTimeout = 10 * time.Second

// ErrNoAnswer reports that the endpoint did not answer the first request within SetupTimeout.
var ErrNoAnswer = errors.New("no answer")

// Defaults of the tunables that callers (the CLI's flags, the Lambda) show or reason about.
const (
	DefaultMaxInFlight = 4
	DefaultLinger      = 50 * time.Millisecond
	// DefaultAggregateBytes is one 25 KB PUT payload unit (the unit Kinesis bills puts in), so no unit is paid
	// half empty, and about 75 of the lab's events. Aggregates this small keep per-shard pacing smooth (40 a
	// second per shard, each a quarter of the pacer's 0.1 s burst): measured, 0.99 of the byte limit, against
	// 0.98 with 32 KiB and 0.95 with 64 KiB aggregates, which overshoot the shard's one-second windows and get
	// throttled more often.
	DefaultAggregateBytes = 25_000
	// MinAggregateBytes and MaxAggregateBytes bound AggregateBytes: an aggregate with its partition key must fit
	// the 1 MiB record limit.
	MinAggregateBytes = 1 << 10
	MaxAggregateBytes = MaxRecordBytes - MaxPartitionKeyLen
)

func (o *Options) defaults() {
	if o.MaxInFlight <= 0 {
		o.MaxInFlight = DefaultMaxInFlight
	}
	if o.Linger <= 0 {
		o.Linger = DefaultLinger
	}
	if o.BaseBackoff <= 0 {
		o.BaseBackoff = 100 * time.Millisecond
	}
	if o.MaxBackoff <= 0 {
		o.MaxBackoff = 2 * time.Second
	}
	if o.QueueSize <= 0 {
		o.QueueSize = 2 * MaxBatchRecords
	}
	if o.AggregateBytes <= 0 {
		o.AggregateBytes = DefaultAggregateBytes
	}
	if o.SetupTimeout <= 0 {
		o.SetupTimeout = DefaultSetupTimeout
	}
	if o.now == nil {
		o.now = time.Now
	}
}

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
		w.pacer = newPacer(len(shards.starts), ShardRecordsPerSecond, ShardBytesPerSecond, opts.now)
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
	if n := len(r.PartitionKey); n == 0 || n > MaxPartitionKeyLen {
		return fmt.Errorf("partition key of %d characters: must be 1 to %d", n, MaxPartitionKeyLen)
	}
	if r.size() > MaxRecordBytes {
		return fmt.Errorf("record of %d bytes (data plus partition key): over the %d-byte limit", r.size(), MaxRecordBytes)
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

// batch turns the record queue into batches of Kinesis records: full ones at once, partial ones after the linger
// time. With aggregation, records first go into their shard's open aggregate, which is sealed into a Kinesis
// record when the next one would not fit, and at the linger time.
func (w *Writer) batch() {
	var batch []entry
	var size int
	buffered := false // a partial batch or an open aggregate is waiting for the linger time
	linger := time.NewTimer(time.Hour)
	linger.Stop()
	flush := func() {
		if len(batch) == 0 {
			return
		}
		if w.sendCtx.Err() != nil {
			w.failed.Add(eventsIn(batch))
		} else {
			select {
			case w.batches <- batch:
			case <-w.sendCtx.Done():
				w.failed.Add(eventsIn(batch))
			}
		}
		batch, size = nil, 0
	}
	emit := func(e entry) {
		if len(batch) == MaxBatchRecords || size+e.size() > MaxBatchBytes {
			flush()
		}
		w.wait(w.pacer.reserve(e.shard, e.size()))
		batch = append(batch, e)
		size += e.size()
	}
	var aggs []kpl.Aggregate
	if w.opts.Aggregate {
		aggs = make([]kpl.Aggregate, len(w.shards.starts))
	}
	seal := func(shard int) {
		a := &aggs[shard]
		if a.Len() == 0 {
			return
		}
		key := a.FirstKey()
		// The explicit hash key is the first record's, as the KPL sets it: inside the shard's range, since every
		// record of the aggregate hashes there.
		emit(entry{Record: Record{Data: a.Encode(), PartitionKey: key}, hashKey: partitionHash(key).String(), shard: shard, events: int64(a.Len())})
		a.Reset()
	}
	sealAll := func() {
		for i := range aggs {
			seal(i)
		}
	}
	for {
		select {
		case r, ok := <-w.in:
			if !ok {
				sealAll()
				flush()
				return
			}
			if w.sendCtx.Err() != nil {
				w.failed.Add(1) // abandoned: the writer failed or its close deadline passed
				continue
			}
			if !buffered {
				linger.Reset(w.opts.Linger)
				buffered = true
			}
			shard := w.shards.shardOf(r.PartitionKey)
			if !w.opts.Aggregate {
				emit(entry{Record: r, shard: shard, events: 1})
				continue
			}
			a := &aggs[shard]
			if a.Len() > 0 && !a.Fits(r.PartitionKey, len(r.Data), w.opts.AggregateBytes) {
				seal(shard)
			}
			if !a.Fits(r.PartitionKey, len(r.Data), w.opts.AggregateBytes) {
				emit(entry{Record: r, shard: shard, events: 1}) // too big to share an aggregate: it goes alone
				continue
			}
			a.Add(r.PartitionKey, r.Data)
		case <-linger.C:
			sealAll()
			flush()
			buffered = false
		}
	}
}

// minSleep batches up small pacing waits: sleeping per record at 1,000 records/s would cost more than it paces.
const minSleep = 5 * time.Millisecond

// wait sleeps off pacing debt once it is worth a timer.
func (w *Writer) wait(d time.Duration) {
	if d < minSleep {
		return
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
	case <-w.sendCtx.Done():
	}
}

// send delivers one batch, re-sending throttled and failed records with backoff until all are accepted or
// further attempts are abandoned.
func (w *Writer) send(batch []entry) {
	pending := batch
attempts:
	for attempt := 1; len(pending) > 0; attempt++ {
		if attempt > 1 {
			w.retried.Add(eventsIn(pending))
			if !w.sleep(backoff(attempt-1, w.opts.BaseBackoff, w.opts.MaxBackoff)) {
				break
			}
			for _, e := range pending {
				// Re-sent records use shard capacity again, so they are paced like new ones.
				w.wait(w.pacer.reserve(e.shard, e.size()))
			}
		}
		entries := make([]types.PutRecordsRequestEntry, len(pending))
		for i, e := range pending {
			entries[i] = types.PutRecordsRequestEntry{Data: e.Data, PartitionKey: aws.String(e.PartitionKey)}
			if e.hashKey != "" {
				entries[i].ExplicitHashKey = aws.String(e.hashKey)
			}
		}
		w.requests.Add(1)
		out, err := w.api.PutRecords(w.sendCtx, &kinesis.PutRecordsInput{StreamName: aws.String(w.opts.Stream), Records: entries}, noSDKRetries)
		if err != nil {
			switch classify(err) {
			case throttle:
				w.throttled.Add(eventsIn(pending))
				for _, e := range pending {
					w.pacer.refund(e.shard, e.size())
				}
				continue
			case retry:
				continue
			case fatal:
				w.setFatal(fmt.Errorf("PutRecords to stream %s: %w", w.opts.Stream, err))
			}
			break attempts // abandoned or fatal
		}
		if len(out.Records) != len(pending) {
			// Without a result per record nothing is known to be accepted: send them all again.
			continue
		}
		var again []entry
		for i, res := range out.Records {
			e := pending[i]
			if res.ErrorCode == nil {
				w.accepted.Add(e.events)
				w.records.Add(1)
				w.bytes.Add(int64(len(e.Data)))
				continue
			}
			switch classifyCode(*res.ErrorCode) {
			case throttle:
				w.throttled.Add(e.events)
				w.pacer.refund(e.shard, e.size())
				again = append(again, e)
			case retry:
				again = append(again, e)
			default:
				w.failed.Add(e.events)
				w.setFatal(fmt.Errorf("stream %s rejected a record: %s: %s", w.opts.Stream, *res.ErrorCode, aws.ToString(res.ErrorMessage)))
			}
		}
		pending = again
	}
	// Whatever is still pending was abandoned (closed, or a fatal error).
	w.failed.Add(eventsIn(pending))
}

// noSDKRetries leaves every retry decision to send: the SDK's retryer would re-send whole batches on its own
// schedule and give up after three attempts, which would hide throttling from the pacing and the counters.
func noSDKRetries(o *kinesis.Options) { o.Retryer = aws.NopRetryer{} }

// sleep waits d unless retries are abandoned first; it reports whether to go on.
func (w *Writer) sleep(d time.Duration) bool {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return w.sendCtx.Err() == nil
	case <-w.sendCtx.Done():
		return false
	}
}

// backoff is "full jitter" exponential backoff: uniform in [0, min(max, base*2^(n-1))].
func backoff(n int, base, maxDelay time.Duration) time.Duration {
	d := maxDelay
	if n < 30 {
		d = min(maxDelay, base<<(n-1))
	}
	return time.Duration(rand.Int64N(int64(d) + 1))
}
