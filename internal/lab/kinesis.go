package lab

// Kinesis Data Streams quotas that both the producer (batching, pacing) and the stack's configuration (validating
// producerRate) depend on, so each number is written once.

// Per-shard write throughput. "A shard supports 1 MB/s and 1000 records per second for writes ... in both
// on-demand and provisioned capacity modes" (https://docs.aws.amazon.com/streams/latest/dev/working-with-streams.html),
// so the producer paces per open shard whatever the stream's mode.
const (
	ShardRecordsPerSecond = 1000
	ShardBytesPerSecond   = 1 << 20
)

// Write capacity of a new on-demand stream: 4 MB/s or 4,000 records/s, after which Kinesis accommodates up to
// twice the previous peak (https://docs.aws.amazon.com/streams/latest/dev/how-do-i-size-a-stream.html#ondemandmode).
const (
	OnDemandRecordsPerSecond = 4000
	OnDemandBytesPerSecond   = 4 << 20
)

// PutRecords request limits.
const (
	MaxBatchRecords    = 500
	MaxBatchBytes      = 5 << 20 // data plus partition keys of one request
	MaxRecordBytes     = 1 << 20 // data plus partition key of one record
	MaxPartitionKeyLen = 256
)

// MaxShardCount guards against a mistyped shard count: each provisioned shard costs about $11 a month, and the lab
// needs one. Raise it deliberately if a load test needs more.
const MaxShardCount = 50
