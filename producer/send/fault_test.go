package send

import (
	"context"
	"encoding/json"
	"fmt"
	"testing"
	"time"

	"github.com/tenant-metrics-lab/tenant-metrics-lab/internal/faultproxy"
	"github.com/tenant-metrics-lab/tenant-metrics-lab/internal/kinesisemu"
	"github.com/tenant-metrics-lab/tenant-metrics-lab/producer/streamwriter"
	"github.com/tenant-metrics-lab/tenant-metrics-lab/producer/telemetry"
)

// TestSendSurvivesInjectedFaults sends through a proxy that throttles records, answers 500/503 and drops
// connections, then reads the stream back: no event may be missing, and duplicates may only come from the
// records of requests whose answer was dropped after the stream had stored them.
func TestSendSurvivesInjectedFaults(t *testing.T) {
	emu := kinesisemu.Require(t)
	stream := emu.NewStream(t, 1)
	proxy := faultproxy.Start(faultproxy.Faults{
		ThrottleRecord: 0.2, ServerError: 0.1, DropBefore: 0.05, DropAfter: 0.05, Seed: 7,
		UpstreamBaseURL: emu.Endpoint,
	})
	defer proxy.Close()

	const n = 2500
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	sum, err := Run(ctx, kinesisemu.ClientAt(proxy.URL), Options{
		Stream: stream, Count: n, PartitionKey: KeyTenant, Generator: telemetry.Options{RunID: "fault"},
		// Small batches mean many requests, so every kind of fault happens many times.
		Writer: streamwriter.Options{BaseBackoff: 5 * time.Millisecond, MaxBackoff: 100 * time.Millisecond, Linger: 2 * time.Millisecond},
	})
	c := proxy.Counts()
	t.Logf("%s; injected %+v", sum, c)
	if err != nil {
		t.Fatalf("send: %v", err)
	}
	if c.ThrottledRecords == 0 || c.ServerErrors == 0 || c.DroppedBefore == 0 || c.DroppedAfter == 0 {
		t.Fatalf("not every fault was exercised: %+v", c)
	}
	if sum.Accepted != n || sum.Throttled < int64(c.ThrottledRecords) {
		t.Fatalf("summary %s vs injected %+v", sum, c)
	}

	counts := map[string]int{}
	for _, r := range emu.ReadAll(t, stream) {
		var e telemetry.Event
		if err := json.Unmarshal(r.Data, &e); err != nil {
			t.Fatalf("record %q: %v", r.Data, err)
		}
		counts[e.Metadata.EventID]++
	}
	duplicates := 0
	for i := 1; i <= n; i++ {
		id := fmt.Sprintf("fault-%d", i)
		switch k := counts[id]; {
		case k == 0:
			t.Errorf("event %s lost", id)
		case k > 1:
			duplicates += k - 1
		}
	}
	t.Logf("duplicates %d, ambiguous records %d", duplicates, c.AmbiguousRecords)
	if duplicates > c.AmbiguousRecords {
		t.Errorf("%d duplicates, but only %d records were in ambiguous (dropped-after-forwarding) requests", duplicates, c.AmbiguousRecords)
	}
}
