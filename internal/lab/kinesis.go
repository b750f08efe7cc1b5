package lab

// Kinesis Data Streams quotas that both the producer (batching, pacing) and the stack's configuration (validating
// producerRate) depend on, so each number is written once.

// Per-shard write throughput.
const (
	ShardRecordsPerSecond = 1000
	ShardBytesPerSecond   = 1 << 20
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
