package send

import (
	"context"
	"fmt"
	"os"
	"strconv"
	"testing"
	"time"

	"github.com/tenant-metrics-lab/tenant-metrics-lab/internal/kinesisemu"
	"github.com/tenant-metrics-lab/tenant-metrics-lab/internal/shardlimit"
	"github.com/tenant-metrics-lab/tenant-metrics-lab/producer/telemetry"
)

// sendAtCapacity runs `send --rate 0` for d against an endpoint enforcing the per-shard limits, and checks that
// every generated event was stored exactly once (no fault here is ambiguous, so any duplicate is a bug).
func sendAtCapacity(t testing.TB, shards int, key string, d time.Duration) (sum Summary, ratio float64) {
	t.Helper()
	srv := shardlimit.Start(shards)
	defer srv.Close()
	ctx, cancel := context.WithTimeout(context.Background(), d+time.Minute)
	defer cancel()
	sum, err := Run(ctx, kinesisemu.ClientAt(srv.URL), Options{
		Stream: "limited", Rate: 0, Duration: d, PartitionKey: key, Generator: telemetry.Options{RunID: "cap"},
	})
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
	ratio = float64(sum.Accepted) / sum.Elapsed.Seconds() / float64(shards*shardlimit.RecordsPerSecond)
	t.Logf("%d shard(s), %s keys: %s; %d throttled by the endpoint; %.3f of capacity", shards, key, sum, throttled, ratio)
	return sum, ratio
}

// TestSendAtCapacityLosesNothing checks correctness (not speed) of a full-speed send into shard limits.
func TestSendAtCapacityLosesNothing(t *testing.T) {
	sendAtCapacity(t, 1, KeyTenant, 2*time.Second)
	sendAtCapacity(t, 4, KeyEvent, 2*time.Second)
}

// BenchmarkThroughput measures `send --rate 0` against the per-shard limits for THROUGHPUT_SECONDS (default 30)
// per case and reports achieved/limit as capacity-ratio. Run it with `make bench`.
func BenchmarkThroughput(b *testing.B) {
	secs, err := strconv.Atoi(os.Getenv("THROUGHPUT_SECONDS"))
	if err != nil || secs <= 0 {
		secs = 30
	}
	for _, tc := range []struct {
		shards int
		key    string
	}{{1, KeyTenant}, {4, KeyEvent}, {4, KeyTenant}} {
		b.Run(fmt.Sprintf("shards=%d/key=%s", tc.shards, tc.key), func(b *testing.B) {
			for range b.N {
				sum, ratio := sendAtCapacity(b, tc.shards, tc.key, time.Duration(secs)*time.Second)
				b.ReportMetric(ratio, "capacity-ratio")
				b.ReportMetric(float64(sum.Accepted)/sum.Elapsed.Seconds(), "events/s")
				b.ReportMetric(float64(sum.Throttled), "throttled")
			}
		})
	}
}
