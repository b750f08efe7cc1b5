package lambdamode

import (
	"testing"
	"time"

	"github.com/tenant-metrics-lab/tenant-metrics-lab/internal/lab"
	"github.com/tenant-metrics-lab/tenant-metrics-lab/producer/streamwriter"
)

// Figures that bound how much is still buffered or in flight when generation stops (the test may import what the
// package itself must not).
const (
	linger        = streamwriter.DefaultLinger // a partial batch waits this long for more records
	requestBudget = time.Second                // a PutRecords round trip, generously
	shardRecords  = lab.ShardRecordsPerSecond
	maxShards     = lab.MaxShardCount
	returnMargin  = time.Second // what the handler needs after the flush to return its summary
)

// TestInvocationsNeverOverlap proves, for every producerRate the configuration admits (1 to 1,000 x shardCount
// for every shard count), that an invocation sends, flushes and returns before its timeout, and that the timeout
// ends it before the schedule's next tick: overlapping runs are impossible without reserved concurrency.
func TestInvocationsNeverOverlap(t *testing.T) {
	if lab.FunctionTimeout >= lab.SchedulePeriod {
		t.Fatalf("timeout %v must be below the schedule period %v", lab.FunctionTimeout, lab.SchedulePeriod)
	}
	if lab.MaxEventAge < time.Minute || lab.MaxEventAge > lab.SchedulePeriod {
		t.Fatalf("max event age %v: Lambda's minimum is 60 s, and more than a period would start a late run over the next one", lab.MaxEventAge)
	}
	window, flush := lab.Plan(lab.FunctionTimeout)
	if window <= 0 || window+flush+returnMargin > lab.FunctionTimeout {
		t.Fatalf("window %v + flush %v + %v to return exceeds the %v timeout", window, flush, returnMargin, lab.FunctionTimeout)
	}
	for shards := 1; shards <= maxShards; shards++ {
		for rate := 1; rate <= shardRecords*shards; rate++ {
			// What is buffered or in flight when generation stops: one linger's worth plus one round trip's worth
			// of events. It drains at the stream's capacity, which the rate never exceeds.
			backlog := float64(rate) * (linger + requestBudget).Seconds()
			drain := time.Duration(backlog / float64(shardRecords*shards) * float64(time.Second))
			if drain+requestBudget > flush {
				t.Fatalf("rate %d on %d shards: the backlog of %.0f events needs %v to drain, the flush has %v", rate, shards, backlog, drain+requestBudget, flush)
			}
		}
	}
}

func TestPlanKeepsAReserveForShortInvocations(t *testing.T) {
	for _, tc := range []struct{ remaining, window, flush time.Duration }{
		{lab.FunctionTimeout, lab.FunctionTimeout - lab.MaxFlushReserve, lab.MaxFlushReserve * 4 / 5},
		{3 * time.Second, 2 * time.Second, 800 * time.Millisecond},
		{0, 0, 0},
	} {
		t.Run(tc.remaining.String(), func(t *testing.T) {
			w, f := lab.Plan(tc.remaining)
			if w != tc.window || f != tc.flush {
				t.Errorf("lab.Plan(%v) = %v, %v; want %v, %v", tc.remaining, w, f, tc.window, tc.flush)
			}
		})
	}
}
