package telemetry

import (
	"bytes"
	"encoding/json"
	"math"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/tenant-metrics-lab/tenant-metrics-lab/internal/event"
)

func newTestGenerator(t testing.TB, opts Options) *Generator {
	t.Helper()
	g, err := NewGenerator(opts)
	if err != nil {
		t.Fatal(err)
	}
	return g
}

// TestGeneratedEventsEncodeAsEncodingJSON: the generator marks its events as catalog events, which the encoder
// writes without escaping checks; they must still come out exactly as encoding/json writes them.
func TestGeneratedEventsEncodeAsEncodingJSON(t *testing.T) {
	g := newTestGenerator(t, Options{Seed: 1, HasSeed: true, RunID: "run1"})
	var e event.Event
	for i := 0; i < 10000; i++ {
		g.Next(&e)
		got := event.AppendNDJSON(nil, &e)
		withID := e
		withID.Metadata.EventID = e.ID()
		want, err := json.Marshal(withID)
		if err != nil {
			t.Fatal(err)
		}
		want = append(want, '\n')
		if !bytes.Equal(got, want) {
			t.Fatalf("event %d:\n got %s\nwant %s", i, got, want)
		}
	}
}

// find is the catalog entry that matches, or nil.
func find[T any](entries []T, match func(T) bool) *T {
	if i := slices.IndexFunc(entries, match); i >= 0 {
		return &entries[i]
	}
	return nil
}

// TestSchema decodes generated lines strictly and checks every field against the catalog.
func TestSchema(t *testing.T) {
	g := newTestGenerator(t, Options{})
	now := time.Now().Unix()
	seen := map[string]bool{}
	var e event.Event
	for i := 0; i < 2000; i++ {
		g.Next(&e)
		line := event.AppendNDJSON(nil, &e)
		if bytes.Count(line, []byte("\n")) != 1 || line[len(line)-1] != '\n' {
			t.Fatalf("not one line: %q", line)
		}
		dec := json.NewDecoder(bytes.NewReader(line))
		dec.DisallowUnknownFields()
		var got event.Event
		if err := dec.Decode(&got); err != nil {
			t.Fatalf("%s: %v", line, err)
		}
		var raw map[string]any
		_ = json.Unmarshal(line, &raw)
		if len(raw) != 7 {
			t.Fatalf("want the 7 top-level fields, got %v", raw)
		}
		if got.Type != "Application" {
			t.Errorf("type %q", got.Type)
		}
		w := find(event.Workloads, func(w event.Workload) bool { return w.Name == got.Workload })
		if w == nil || !slices.Contains(w.Contexts, got.Context) {
			t.Errorf("workload/context %q/%q not in catalog", got.Workload, got.Context)
		}
		if tn := find(event.Tenants, func(tn event.TenantInfo) bool { return tn.ID == got.Tenant.ID }); tn == nil || tn.Name != got.Tenant.Name || tn.Tier != got.Tenant.Tier {
			t.Errorf("tenant %+v not in catalog", got.Tenant)
		}
		res := find(event.Resources, func(r event.Resource) bool { return r.Name == got.Metadata.Resource })
		if res == nil || !slices.Contains(res.Metrics, got.Metric.Name) {
			t.Errorf("resource/metric %q/%q not in catalog", got.Metadata.Resource, got.Metric.Name)
		}
		m := event.Metrics[got.Metric.Name]
		if got.Metric.Unit != m.Unit || got.Metric.Value < m.Min || got.Metric.Value > m.Max || (got.Metric.Value-m.Min)%m.Step != 0 {
			t.Errorf("metric %+v outside %+v", got.Metric, m)
		}
		if !strings.HasPrefix(got.Metadata.User, "user-") {
			t.Errorf("user %q", got.Metadata.User)
		}
		if d := got.Timestamp - now; d < -5 || d > 5 {
			t.Errorf("timestamp %d is not now (%d)", got.Timestamp, now)
		}
		if err := event.Check(&got); err != nil {
			t.Errorf("generated event fails the schema check: %v", err)
		}
		if seen[got.Metadata.EventID] || !strings.HasPrefix(got.Metadata.EventID, g.RunID()+"-") {
			t.Errorf("event id %q repeated or without run id %q", got.Metadata.EventID, g.RunID())
		}
		seen[got.Metadata.EventID] = true
	}
}

// TestFrequenciesMatchWeights draws many events and compares observed shares with the catalog's weights.
func TestFrequenciesMatchWeights(t *testing.T) {
	const n = 200000
	g := newTestGenerator(t, Options{Seed: 42, HasSeed: true})
	counts := map[string]map[string]int{"workload": {}, "tenant": {}, "user": {}, "resource": {}, "value": {}}
	var e event.Event
	for i := 0; i < n; i++ {
		g.Next(&e)
		counts["workload"][e.Workload]++
		counts["tenant"][e.Tenant.ID]++
		counts["user"][e.Metadata.User]++
		counts["resource"][e.Metadata.Resource]++
		if e.Metric.Name == "Storage" {
			counts["value"][string(rune(e.Metric.Value))]++
		}
	}
	check := func(field, key string, weight, total int) {
		t.Helper()
		p := float64(weight) / float64(total)
		got := float64(counts[field][key]) / n
		// Five standard deviations of a binomial share: a real bias fails, noise does not.
		if tol := 5 * math.Sqrt(p*(1-p)/n); math.Abs(got-p) > tol {
			t.Errorf("%s %s: share %.4f, want %.4f ± %.4f", field, key, got, p, tol)
		}
	}
	for _, w := range event.Workloads {
		check("workload", w.Name, w.Weight, 100)
	}
	for _, tn := range event.Tenants {
		check("tenant", tn.ID, tn.Weight, 100)
	}
	for _, u := range event.Users {
		check("user", u.Name, u.Weight, 100)
	}
	for _, r := range event.Resources {
		check("resource", r.Name, 1, len(event.Resources))
	}
	if len(counts["value"]) != 50 {
		t.Errorf("Storage took %d distinct values, want all 50 of 50..4950 step 100", len(counts["value"]))
	}
}

func TestSeedReproducesTheSequence(t *testing.T) {
	gen := func(seed uint64) []byte {
		g := newTestGenerator(t, Options{Seed: seed, HasSeed: true, RunID: "r", Now: func() time.Time { return time.Unix(1700000000, 0) }})
		var out []byte
		var e event.Event
		for i := 0; i < 500; i++ {
			g.Next(&e)
			out = event.AppendNDJSON(out, &e)
		}
		return out
	}
	if !bytes.Equal(gen(7), gen(7)) {
		t.Fatal("same seed, different events")
	}
	if bytes.Equal(gen(7), gen(8)) {
		t.Fatal("different seeds, same events")
	}
	a := newTestGenerator(t, Options{Seed: 7, HasSeed: true})
	b := newTestGenerator(t, Options{Seed: 7, HasSeed: true})
	if a.RunID() == b.RunID() {
		t.Fatal("two runs share a run id, so their event ids would collide")
	}
}

func TestBackfillSpreadsOverDays(t *testing.T) {
	start := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	g := newTestGenerator(t, Options{Backfill: Backfill{Start: start, Days: 3}})
	days := map[int64]bool{}
	var e event.Event
	for i := 0; i < 1000; i++ {
		g.Next(&e)
		off := e.Timestamp - start.Unix()
		if off < 0 || off >= 3*86400 || off%60 != 0 {
			t.Fatalf("timestamp %d outside 3 days from %v on a whole minute", e.Timestamp, start)
		}
		days[off/86400] = true
	}
	if len(days) != 3 {
		t.Fatalf("events fell on %d days, want 3", len(days))
	}
}

func TestBadOptions(t *testing.T) {
	for _, o := range []Options{{RunID: "has space"}, {RunID: "a-b"}, {Backfill: Backfill{Days: -1}}} {
		if _, err := NewGenerator(o); err == nil {
			t.Errorf("%+v accepted", o)
		}
	}
}

// BenchmarkGenerateEncode is the producer's per-event cost as send pays it: one event generated and encoded into
// its own record, carved from a Slab (records must outlive the call, so they are kept in sink).
func BenchmarkGenerateEncode(b *testing.B) {
	g := newTestGenerator(b, Options{Seed: 1, HasSeed: true})
	var e event.Event
	var slab Slab
	b.ReportAllocs()
	for b.Loop() {
		g.Next(&e)
		sink = slab.Append(&e)
	}
}

func TestSlabRecordsAreIndependent(t *testing.T) {
	g := newTestGenerator(t, Options{Seed: 9, HasSeed: true, RunID: "slab"})
	var slab Slab
	var e event.Event
	var records [][]byte
	var want [][]byte
	for i := 0; i < 1000; i++ { // several blocks
		g.Next(&e)
		records = append(records, slab.Append(&e))
		want = append(want, event.AppendNDJSON(nil, &e))
	}
	for i := range records {
		if !bytes.Equal(records[i], want[i]) || cap(records[i]) != len(records[i]) {
			t.Fatalf("record %d corrupted or shares capacity: %q", i, records[i])
		}
	}
	_ = append(records[0], "overwrite?"...)
	if !bytes.Equal(records[1], want[1]) {
		t.Fatal("appending to one record changed its neighbour")
	}
}

// BenchmarkGenerateEncodeJSONBaseline is the same work with encoding/json, for comparison in the same run.
func BenchmarkGenerateEncodeJSONBaseline(b *testing.B) {
	g := newTestGenerator(b, Options{Seed: 1, HasSeed: true})
	var e event.Event
	b.ReportAllocs()
	for b.Loop() {
		g.Next(&e)
		e.Metadata.EventID = e.ID()
		buf, err := json.Marshal(&e)
		if err != nil || len(buf) == 0 {
			b.Fatal(err)
		}
		sink = append(buf, '\n')
	}
}

// sink keeps benchmark output alive, as a record queued for sending is, so the allocation is counted honestly.
var sink []byte
