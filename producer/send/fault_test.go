package send

import (
	"context"
	"encoding/json"
	"fmt"
	"testing"
	"time"

	"github.com/tenant-metrics-lab/tenant-metrics-lab/internal/event"
	"github.com/tenant-metrics-lab/tenant-metrics-lab/internal/testing/faultproxy"
	"github.com/tenant-metrics-lab/tenant-metrics-lab/internal/testing/kinesisemu"
	"github.com/tenant-metrics-lab/tenant-metrics-lab/internal/testing/kplread"
	"github.com/tenant-metrics-lab/tenant-metrics-lab/producer/streamwriter"
	"github.com/tenant-metrics-lab/tenant-metrics-lab/producer/telemetry"
)

// TestSendSurvivesInjectedFaults sends through a proxy that throttles records, answers 500/503 and drops
// connections, then reads the stream back: no event may be missing, and duplicates may only come from the
// records of requests whose answer was dropped after the stream had stored them. It runs with plain and with
// aggregated records, where a throttled or dropped record carries many events.
func TestSendSurvivesInjectedFaults(t *testing.T) {
	for _, aggregate := range []bool{false, true} {
		t.Run(fmt.Sprintf("aggregate=%v", aggregate), func(t *testing.T) { sendThroughFaults(t, aggregate) })
	}
}

func sendThroughFaults(t *testing.T, aggregate bool) {
	emu := kinesisemu.Require(t)
	stream := emu.NewStream(t, 1)
	proxy := faultproxy.Start(faultproxy.Faults{
		ThrottleRecord: 0.2, ServerError: 0.1, DropBefore: 0.05, DropAfter: 0.05, Seed: 7,
		// Each request-level fault once up front: at 5 % a request, a run of about 130 requests missed one now and
		// then, and the check below would fail for want of a fault, not for a lost event.
		Opening:         []faultproxy.Fault{faultproxy.ServerError, faultproxy.DropBefore, faultproxy.DropAfter},
		UpstreamBaseURL: emu.Endpoint,
	})
	defer proxy.Close()

	// Aggregates carry several events per record, so the aggregated run needs more events for as many requests.
	n := int64(2500)
	if aggregate {
		n = 8000
	}
	ctx, cancel := context.WithTimeout(t.Context(), 3*time.Minute)
	defer cancel()
	sum, err := Run(ctx, kinesisemu.ClientAt(proxy.URL), Options{
		Stream: stream, Count: n, PartitionKey: KeyTenant, Generator: telemetry.Options{RunID: "fault"},
		// Small batches mean many requests, so every kind of fault happens many times.
		// With aggregation, small aggregates (the minimum size) likewise.
		Writer: streamwriter.Options{BaseBackoff: 5 * time.Millisecond, MaxBackoff: 100 * time.Millisecond, Linger: 2 * time.Millisecond,
			Aggregate: aggregate, AggregateBytes: streamwriter.MinAggregateBytes},
	})
	c := proxy.Counts()
	t.Logf("%s; injected %+v", sum, c)
	if err != nil {
		t.Fatalf("send: %v", err)
	}
	if c.ThrottledRecords == 0 || c.ServerErrors == 0 || c.DroppedBefore == 0 || c.DroppedAfter == 0 {
		t.Fatalf("not every fault was exercised: %+v", c)
	}
	if sum.Accepted != n || sum.Throttled < int64(c.ThrottledRecords) || aggregate && sum.Records >= n/2 {
		t.Fatalf("summary %s vs injected %+v", sum, c)
	}

	counts := map[string]int{}
	for _, r := range emu.ReadAll(t, stream) {
		users, err := kplread.Records(r.Data, *r.PartitionKey)
		if err != nil {
			t.Fatal(err)
		}
		for _, u := range users {
			var e event.Event
			if err := json.Unmarshal(u.Data, &e); err != nil {
				t.Fatalf("record %q: %v", u.Data, err)
			}
			counts[e.Metadata.EventID]++
		}
	}
	duplicates := 0
	for i := int64(1); i <= n; i++ {
		id := fmt.Sprintf("fault-%d", i)
		switch k := counts[id]; {
		case k == 0:
			t.Errorf("event %s lost", id)
		case k > 1:
			duplicates += k - 1
		}
	}
	t.Logf("duplicates %d, events in ambiguous records %d", duplicates, c.AmbiguousEvents)
	if duplicates > c.AmbiguousEvents {
		t.Errorf("%d duplicates, but only %d events were in ambiguous (dropped-after-forwarding) requests", duplicates, c.AmbiguousEvents)
	}
}
