package send

import (
	"context"
	"fmt"
	"os"
	"strconv"
	"syscall"
	"testing"
	"time"

	"github.com/tenant-metrics-lab/tenant-metrics-lab/internal/testing/kinesisemu"
	"github.com/tenant-metrics-lab/tenant-metrics-lab/internal/testing/shardlimit"
	"github.com/tenant-metrics-lab/tenant-metrics-lab/internal/testing/slow"
	"github.com/tenant-metrics-lab/tenant-metrics-lab/producer/streamwriter"
	"github.com/tenant-metrics-lab/tenant-metrics-lab/producer/telemetry"
)

// capacity is what one full-speed run achieved against the per-shard limits.
type capacity struct {
	sum         Summary
	recordRatio float64 // Kinesis records stored per second / the shards' record limit
	byteRatio   float64 // bytes (data plus partition key) stored per second / the shards' byte limit
	cpuPerEvent time.Duration
}

// sendAtCapacity runs `send --rate 0` for d against an endpoint enforcing the per-shard limits, and checks that
// every generated event was stored exactly once (no fault here is ambiguous, so any duplicate is a bug) and that
// no aggregate carried an event to a shard it does not hash to.
func sendAtCapacity(t testing.TB, shards int, key string, aggregate bool, d time.Duration) capacity {
	t.Helper()
	srv := shardlimit.Start(shards)
	defer srv.Close()
	ctx, cancel := context.WithTimeout(t.Context(), d+time.Minute)
	defer cancel()
	cpuStart := processCPU()
	sum, err := Run(ctx, kinesisemu.ClientAt(srv.URL), Options{
		Stream: "limited", Rate: 0, Duration: d, PartitionKey: key, Generator: telemetry.Options{RunID: "cap"},
		Writer: streamwriter.Options{Aggregate: aggregate},
	})
	cpu := processCPU() - cpuStart
	if err != nil {
		t.Fatalf("send: %v (%s)", err, sum)
	}
	byID, stored, throttled := srv.Stored()
	if int64(stored) != sum.Generated || int64(len(byID)) != sum.Generated {
		t.Fatalf("generated %d, stored %d records with %d distinct ids", sum.Generated, stored, len(byID))
	}
	for i := int64(1); i <= sum.Generated; i++ {
		if n := byID[fmt.Sprintf("cap-%d", i)]; n != 1 {
			t.Fatalf("event cap-%d stored %d times", i, n)
		}
	}
	if n := srv.Misrouted(); n != 0 {
		t.Fatalf("%d events were carried to a shard their partition key does not hash to", n)
	}
	secs := sum.Elapsed.Seconds()
	c := capacity{
		sum:         sum,
		recordRatio: float64(sum.Records) / secs / float64(shards*shardlimit.RecordsPerSecond),
		byteRatio:   float64(srv.StoredBytes()) / secs / float64(shards*shardlimit.BytesPerSecond),
		cpuPerEvent: cpu / time.Duration(max(sum.Accepted, 1)),
	}
	t.Logf("%d shard(s), %s keys, aggregate=%v: %s; %d throttled by the endpoint; %.3f of the record limit, %.3f of the byte limit; %v CPU per event (producer and in-process endpoint)",
		shards, key, aggregate, sum, throttled, c.recordRatio, c.byteRatio, c.cpuPerEvent)
	return c
}

// processCPU is the user plus system CPU time this process has used.
func processCPU() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// TestSendAtCapacityLosesNothing checks correctness (not speed) of a full-speed send into shard limits.
func TestSendAtCapacityLosesNothing(t *testing.T) {
	slow.Test(t, "sends at full speed into shard limits for 8 s")
	sendAtCapacity(t, 1, KeyTenant, false, 2*time.Second)
	sendAtCapacity(t, 4, KeyEvent, false, 2*time.Second)
	sendAtCapacity(t, 1, KeyTenant, true, 2*time.Second)
	sendAtCapacity(t, 4, KeyTenant, true, 2*time.Second)
}

// BenchmarkThroughput measures `send --rate 0` against the per-shard limits for THROUGHPUT_SECONDS (default 30)
// per case and reports events/s, the fractions of the record and byte limits, and CPU per event. Run it with
// `make bench`.
func BenchmarkThroughput(b *testing.B) {
	secs, err := strconv.Atoi(os.Getenv("THROUGHPUT_SECONDS"))
	if err != nil || secs <= 0 {
		secs = 30
	}
	for _, tc := range []struct {
		shards    int
		key       string
		aggregate bool
	}{{1, KeyTenant, false}, {4, KeyEvent, false}, {4, KeyTenant, false}, {1, KeyTenant, true}, {4, KeyEvent, true}, {4, KeyTenant, true}} {
		b.Run(fmt.Sprintf("shards=%d/key=%s/aggregate=%v", tc.shards, tc.key, tc.aggregate), func(b *testing.B) {
			for range b.N {
				c := sendAtCapacity(b, tc.shards, tc.key, tc.aggregate, time.Duration(secs)*time.Second)
				b.ReportMetric(c.recordRatio, "record-ratio")
				b.ReportMetric(c.byteRatio, "byte-ratio")
				b.ReportMetric(float64(c.sum.Accepted)/c.sum.Elapsed.Seconds(), "events/s")
				b.ReportMetric(float64(c.sum.Throttled), "throttled")
				b.ReportMetric(float64(c.cpuPerEvent.Nanoseconds()), "cpu-ns/event")
			}
		})
	}
}
