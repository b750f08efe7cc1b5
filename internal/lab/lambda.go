package lab

// The Lambda contract: what the stack and the producer's Lambda handler agree on (environment variable names,
// partition-key choices, the timing of the scheduled invocations).

import "time"

// Environment variables the stack sets on the function.
const (
	EnvStream       = "STREAM_NAME"
	EnvRate         = "EVENTS_PER_SECOND"
	EnvPartitionKey = "PARTITION_KEY"
	EnvAggregate    = "AGGREGATE" // "true" packs events into KPL aggregated records
)

// RuntimeAPIEnv is set by the Lambda runtime; its presence switches the producer binary into handler mode.
const RuntimeAPIEnv = "AWS_LAMBDA_RUNTIME_API"

// Partition key choices of the producer (CLI flag --partition-key and the function's PARTITION_KEY).
const (
	KeyTenant = "tenant" // the tenant id: keeps each tenant's events in order on one shard
	KeyEvent  = "event"  // the event id: spreads load evenly over shards
)

// Timing of the scheduled producer. The function times out well before the schedule's next tick, so two
// invocations never overlap even without reserved concurrency (which new accounts cannot grant; see docs/deploying.md).
const (
	// SchedulePeriod is the EventBridge rule's rate.
	SchedulePeriod = time.Minute
	// FunctionTimeout is the function's timeout: Lambda ends an invocation at this age whatever it is doing.
	FunctionTimeout = 50 * time.Second
	// MaxEventAge is how long Lambda may keep a scheduled event queued (its minimum, 60 s): an event that cannot
	// start within one period is dropped, so a missed minute is skipped instead of retried for hours.
	MaxEventAge = time.Minute
	// MaxFlushReserve is the most of an invocation kept back for delivering what is in flight after generation stops.
	MaxFlushReserve = 10 * time.Second
)

// Plan splits the time left in an invocation into a sending window and a flush timeout. The window ends a reserve
// before the deadline (at most MaxFlushReserve, a third of what is left for short invocations); the flush gets four
// fifths of the reserve, so the summary is returned before the runtime kills the invocation.
func Plan(remaining time.Duration) (window, flush time.Duration) {
	reserve := min(MaxFlushReserve, remaining/3)
	return remaining - reserve, reserve * 4 / 5
}
