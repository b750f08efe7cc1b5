package send

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/tenant-metrics-lab/tenant-metrics-lab/internal/event"
	"github.com/tenant-metrics-lab/tenant-metrics-lab/internal/testing/kinesisemu"
	"github.com/tenant-metrics-lab/tenant-metrics-lab/producer/telemetry"
)

func TestMain(m *testing.M) { os.Exit(kinesisemu.RunTests(m)) }

// checkExactlyOnce decodes every record and requires each id run-1..run-n exactly once, with a valid body.
func checkExactlyOnce(t *testing.T, bodies [][]byte, run string, n int) {
	t.Helper()
	seen := make(map[string]int, n)
	for _, b := range bodies {
		if !bytes.HasSuffix(b, []byte("\n")) || bytes.Count(b, []byte("\n")) != 1 {
			t.Fatalf("record is not one NDJSON line: %q", b)
		}
		dec := json.NewDecoder(bytes.NewReader(b))
		dec.DisallowUnknownFields()
		var e event.Event
		if err := dec.Decode(&e); err != nil {
			t.Fatalf("record %q: %v", b, err)
		}
		if e.Type != event.EventType || e.Tenant.ID == "" || e.Metric.Name == "" || e.Timestamp == 0 {
			t.Fatalf("incomplete event %q", b)
		}
		seen[e.Metadata.EventID]++
	}
	for i := 1; i <= n; i++ {
		id := fmt.Sprintf("%s-%d", run, i)
		if seen[id] != 1 {
			t.Errorf("event %s arrived %d times", id, seen[id])
		}
		delete(seen, id)
	}
	if len(seen) > 0 {
		t.Errorf("%d unexpected event ids, e.g. %v", len(seen), seen)
	}
}

func TestSendDeliversEveryEventExactlyOnce(t *testing.T) {
	emu := kinesisemu.Require(t)
	for _, tc := range []struct {
		shards int
		key    string
		count  int64
	}{{1, KeyTenant, 3000}, {2, KeyEvent, 2000}} {
		t.Run(fmt.Sprintf("%d-shards-%s-keys", tc.shards, tc.key), func(t *testing.T) {
			stream := emu.NewStream(t, tc.shards)
			run := fmt.Sprintf("it%d", tc.shards)
			ctx, cancel := context.WithTimeout(t.Context(), 2*time.Minute)
			defer cancel()
			sum, err := Run(ctx, emu.Client(), Options{
				Stream: stream, Rate: 0, Count: tc.count, PartitionKey: tc.key,
				Generator: telemetry.Options{RunID: run},
			})
			if err != nil {
				t.Fatalf("send: %v (%s)", err, sum)
			}
			if sum.Generated != tc.count || sum.Accepted != tc.count || sum.Undelivered() != 0 {
				t.Fatalf("summary %s", sum)
			}
			var bodies [][]byte
			for _, r := range emu.ReadAll(t, stream) {
				bodies = append(bodies, r.Data)
			}
			checkExactlyOnce(t, bodies, run, int(tc.count))
		})
	}
}

func TestSendToMissingStreamFailsClearly(t *testing.T) {
	emu := kinesisemu.Require(t)
	_, err := Run(t.Context(), emu.Client(), Options{Stream: "no-such-stream", Count: 1, PartitionKey: KeyTenant})
	if err == nil || !strings.Contains(err.Error(), "stream no-such-stream not found") {
		t.Fatalf("want a clear not-found error, got %v", err)
	}
}

func TestSendStopsOnContextAndFlushes(t *testing.T) {
	emu := kinesisemu.Require(t)
	stream := emu.NewStream(t, 1)
	ctx, cancel := context.WithTimeout(t.Context(), 1500*time.Millisecond)
	defer cancel()
	// A Ctrl-C ends generation; everything generated must still be delivered.
	sum, err := Run(ctx, emu.Client(), Options{Stream: stream, Rate: 400, PartitionKey: KeyTenant, Generator: telemetry.Options{RunID: "ctrlc"}})
	if err != nil {
		t.Fatalf("%v (%s)", err, sum)
	}
	if sum.Generated < 300 || sum.Accepted != sum.Generated {
		t.Fatalf("summary %s", sum)
	}
	var bodies [][]byte
	for _, r := range emu.ReadAll(t, stream) {
		bodies = append(bodies, r.Data)
	}
	checkExactlyOnce(t, bodies, "ctrlc", int(sum.Generated))
}
