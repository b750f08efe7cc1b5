package streamwriter

import (
	"time"

	"github.com/tenant-metrics-lab/tenant-metrics-lab/internal/lab"
)

// Options tune a Writer; zero values take the defaults.
type Options struct {
	Stream      string        // stream name (required)
	MaxInFlight int           // concurrent PutRecords requests; default DefaultMaxInFlight
	Linger      time.Duration // how long a partial batch waits for more records; default DefaultLinger
	NoPacing    bool          // send without pacing to the shard limits (only throttling slows it down)
	BaseBackoff time.Duration // first retry delay, doubled per attempt with full jitter; default 100 ms
	MaxBackoff  time.Duration // retry delay cap; default 2 s
	QueueSize   int           // records buffered before Put blocks; default 2 x lab.MaxBatchRecords
	// Aggregate packs the records bound for one shard into KPL aggregated records of up to AggregateBytes (data
	// plus partition key; default DefaultAggregateBytes). A record too big to share one goes alone, unaggregated.
	Aggregate      bool
	AggregateBytes int
	// SetupTimeout bounds New's description of the stream's shards: an endpoint that accepts connections and never
	// answers must not hang a run without a word. Default DefaultSetupTimeout.
	SetupTimeout time.Duration
}

// DefaultSetupTimeout is how long New waits for the stream's shard list: Kinesis answers in milliseconds.
const DefaultSetupTimeout = 10 * time.Second

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
	MaxAggregateBytes = lab.MaxRecordBytes - lab.MaxPartitionKeyLen
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
		o.QueueSize = 2 * lab.MaxBatchRecords
	}
	if o.AggregateBytes <= 0 {
		o.AggregateBytes = DefaultAggregateBytes
	}
	if o.SetupTimeout <= 0 {
		o.SetupTimeout = DefaultSetupTimeout
	}
}
