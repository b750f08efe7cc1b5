package streamwriter

import (
	"fmt"
	"math"
	"testing"
	"time"

	"github.com/tenant-metrics-lab/tenant-metrics-lab/internal/event"
)

func TestPartitionHashIsKinesisRouting(t *testing.T) {
	m, err := listOpenShards(t.Context(), newFake(4), "s")
	if err != nil {
		t.Fatal(err)
	}
	if len(m.starts) != 4 {
		t.Fatalf("%d shards", len(m.starts))
	}
	// Every key lands on the shard whose range holds its hash.
	for i := 0; i < 1000; i++ {
		key := fmt.Sprintf("key-%d", i)
		h, s := partitionHash(key), m.shardOf(key)
		if h.less(m.starts[s]) || (s+1 < len(m.starts) && !h.less(m.starts[s+1])) {
			t.Fatalf("%s routed to shard %d outside its range", key, s)
		}
	}
}

// TestTenantKeysSkewFourShards backs the figure in --help and the README: with the catalog's tenant weights,
// tenant partition keys put about 40 % of events on one of four shards, capping the stream at about 0.63 of
// its capacity, while event-id keys spread evenly.
func TestTenantKeysSkewFourShards(t *testing.T) {
	m, err := listOpenShards(t.Context(), newFake(4), "s")
	if err != nil {
		t.Fatal(err)
	}
	share := make([]float64, 4)
	total := 0
	for _, tn := range event.Tenants {
		share[m.shardOf(tn.ID)] += float64(tn.Weight)
		total += tn.Weight
	}
	hot := 0.0
	for _, s := range share {
		hot = math.Max(hot, s/float64(total))
	}
	capacity := 1 / (4 * hot)
	t.Logf("tenant keys: hottest of 4 shards takes %.0f%% of events; usable capacity %.2f", hot*100, capacity)
	if hot < 0.35 || hot > 0.45 || capacity < 0.55 || capacity > 0.72 {
		t.Errorf("hot shard share %.2f, capacity %.2f: update the figures in --help and the README", hot, capacity)
	}
	counts := make([]int, 4)
	for i := 0; i < 40000; i++ {
		counts[m.shardOf(fmt.Sprintf("0123456789abcdef-%d", i))]++
	}
	for s, c := range counts {
		if c < 9500 || c > 10500 {
			t.Errorf("event-id keys: shard %d got %d of 40000", s, c)
		}
	}
}

func TestPacerHoldsEachShardToItsLimits(t *testing.T) {
	now := time.Unix(0, 0)
	p := newPacer(2, 1000, 1<<20, func() time.Time { return now })
	// Simulate a sender that sleeps whatever the pacer asks: after 10 s, shard 0 saw ~10,000 records.
	sent := 0
	for now.Before(time.Unix(10, 0)) {
		now = now.Add(p.reserve(0, 100))
		sent++
	}
	if rate := float64(sent) / 10; rate < 990 || rate > 1015 {
		t.Errorf("record pacing: %.0f records/s, want ~1000", rate)
	}
	// Bytes: 10 KiB records are limited by 1 MiB/s, i.e. ~102 per second.
	now = time.Unix(100, 0)
	sent = 0
	for now.Before(time.Unix(110, 0)) {
		now = now.Add(p.reserve(1, 10<<10))
		sent++
	}
	if rate := float64(sent) / 10; rate < 100 || rate > 105 {
		t.Errorf("byte pacing: %.1f records/s of 10 KiB, want ~102", rate)
	}
	var nilPacer *pacer
	if nilPacer.reserve(0, 1) != 0 {
		t.Error("a nil pacer must never wait")
	}
}
