package telemetry

import (
	"bytes"
	"encoding/json"
	"math"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"
)

func newTestGenerator(t testing.TB, opts Options) *Generator {
	t.Helper()
	g, err := NewGenerator(opts)
	if err != nil {
		t.Fatal(err)
	}
	return g
}

// TestEncodingMatchesEncodingJSON proves the hand-written encoder writes exactly what encoding/json would.
func TestEncodingMatchesEncodingJSON(t *testing.T) {
	g := newTestGenerator(t, Options{Seed: 1, HasSeed: true, RunID: "run1"})
	var e Event
	for i := 0; i < 10000; i++ {
		g.Next(&e)
		got := AppendNDJSON(nil, &e)
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
	// Strings that need escaping still match encoding/json.
	odd := Event{Type: `a"b\c<d>&e`, Workload: "tab\tnew\nline", Context: "ünïcode", Metadata: Metadata{EventID: `id"1`}}
	want, _ := json.Marshal(odd)
	if got := AppendNDJSON(nil, &odd); string(got) != string(want)+"\n" {
		t.Fatalf("escaping:\n got %s\nwant %s", got, want)
	}
}

// TestCatalogNeedsNoEscaping guards the encoder's fast path for generated events.
func TestCatalogNeedsNoEscaping(t *testing.T) {
	all := []string{EventType}
	for _, w := range Workloads {
		all = append(append(all, w.Name), w.Contexts...)
	}
	for _, tn := range Tenants {
		all = append(all, tn.ID, tn.Name, tn.Tier)
	}
	for _, u := range Users {
		all = append(all, u.Name)
	}
	for _, r := range Resources {
		all = append(append(all, r.Name), r.Metrics...)
	}
	for _, m := range Metrics {
		all = append(all, m.Name, m.Unit)
	}
	for _, s := range all {
		if !plain(s) {
			t.Errorf("catalog string %q needs JSON escaping", s)
		}
	}
}

// TestSchema decodes generated lines strictly and checks every field against the catalog.
func TestSchema(t *testing.T) {
	g := newTestGenerator(t, Options{})
	now := time.Now().Unix()
	seen := map[string]bool{}
	var e Event
	for i := 0; i < 2000; i++ {
		g.Next(&e)
		line := AppendNDJSON(nil, &e)
		if bytes.Count(line, []byte("\n")) != 1 || line[len(line)-1] != '\n' {
			t.Fatalf("not one line: %q", line)
		}
		dec := json.NewDecoder(bytes.NewReader(line))
		dec.DisallowUnknownFields()
		var got Event
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
		w := findWorkload(got.Workload)
		if w == nil || !slices.Contains(w.Contexts, got.Context) {
			t.Errorf("workload/context %q/%q not in catalog", got.Workload, got.Context)
		}
		if tn := findTenant(got.Tenant.ID); tn == nil || tn.Name != got.Tenant.Name || tn.Tier != got.Tenant.Tier {
			t.Errorf("tenant %+v not in catalog", got.Tenant)
		}
		res := findResource(got.Metadata.Resource)
		if res == nil || !slices.Contains(res.Metrics, got.Metric.Name) {
			t.Errorf("resource/metric %q/%q not in catalog", got.Metadata.Resource, got.Metric.Name)
		}
		m := Metrics[got.Metric.Name]
		if got.Metric.Unit != m.Unit || got.Metric.Value < m.Min || got.Metric.Value > m.Max || (got.Metric.Value-m.Min)%m.Step != 0 {
			t.Errorf("metric %+v outside %+v", got.Metric, m)
		}
		if !strings.HasPrefix(got.Metadata.User, "user-") {
			t.Errorf("user %q", got.Metadata.User)
		}
		if d := got.Timestamp - now; d < -5 || d > 5 {
			t.Errorf("timestamp %d is not now (%d)", got.Timestamp, now)
		}
		if err := Check(&got); err != nil {
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
	var e Event
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
	for _, w := range Workloads {
		check("workload", w.Name, w.Weight, 100)
	}
	for _, tn := range Tenants {
		check("tenant", tn.ID, tn.Weight, 100)
	}
	for _, u := range Users {
		check("user", u.Name, u.Weight, 100)
	}
	for _, r := range Resources {
		check("resource", r.Name, 1, len(Resources))
	}
	if len(counts["value"]) != 50 {
		t.Errorf("Storage took %d distinct values, want all 50 of 50..4950 step 100", len(counts["value"]))
	}
}

func TestSeedReproducesTheSequence(t *testing.T) {
	gen := func(seed uint64) []byte {
		g := newTestGenerator(t, Options{Seed: seed, HasSeed: true, RunID: "r", Now: func() time.Time { return time.Unix(1700000000, 0) }})
		var out []byte
		var e Event
		for i := 0; i < 500; i++ {
			g.Next(&e)
			out = AppendNDJSON(out, &e)
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
	var e Event
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
	var e Event
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
	var e Event
	var records [][]byte
	var want [][]byte
	for i := 0; i < 1000; i++ { // several blocks
		g.Next(&e)
		records = append(records, slab.Append(&e))
		want = append(want, AppendNDJSON(nil, &e))
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
	var e Event
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

func TestCheckRejectsEachKindOfBadEvent(t *testing.T) {
	g := newTestGenerator(t, Options{Seed: 5, HasSeed: true})
	var good Event
	g.Next(&good)
	good.Metadata.EventID = good.ID()
	if err := Check(&good); err != nil {
		t.Fatalf("good event rejected: %v", err)
	}
	for name, spoil := range map[string]func(e *Event){
		"type":     func(e *Event) { e.Type = "Web" },
		"workload": func(e *Event) { e.Workload = "Nope" },
		"context":  func(e *Event) { e.Context = "Login"; e.Workload = "BatchWorkload" },
		"tenant":   func(e *Event) { e.Tenant.ID = "tenant-id-42" },
		"tier":     func(e *Event) { e.Tenant.Tier = "platinum" },
		"metric":   func(e *Event) { e.Metric.Name = "Latency" },
		"unit":     func(e *Event) { e.Metric.Unit = "GB" },
		"value":    func(e *Event) { e.Metric.Value = 7 },
		"resource": func(e *Event) { e.Metadata.Resource = "ec2" },
		"user":     func(e *Event) { e.Metadata.User = "user-9" },
		"time":     func(e *Event) { e.Timestamp = 0 },
		"id":       func(e *Event) { e.Metadata.EventID = "" },
	} {
		e := good
		spoil(&e)
		if err := Check(&e); err == nil {
			t.Errorf("%s: spoiled event accepted", name)
		}
	}
}

// TestColumnsMatchTheEncodedEvent compares the query table's columns with the JSON the producer really writes:
// every field has a column of a matching type, and every column a field.
func TestColumnsMatchTheEncodedEvent(t *testing.T) {
	g, _ := NewGenerator(Options{RunID: "schema"})
	var e Event
	g.Next(&e)
	var doc map[string]any
	if err := json.Unmarshal(AppendNDJSON(nil, &e), &doc); err != nil {
		t.Fatal(err)
	}
	cols := Columns()
	if len(cols) != len(doc) {
		t.Fatalf("%d columns for %d JSON fields: %v", len(cols), len(doc), cols)
	}
	var check func(path, typ string, v any)
	check = func(path, typ string, v any) {
		switch x := v.(type) {
		case string:
			if typ != "string" {
				t.Errorf("%s is a JSON string, column type %s", path, typ)
			}
		case float64:
			if typ != "int" && typ != "bigint" && typ != "double" {
				t.Errorf("%s is a JSON number, column type %s", path, typ)
			}
		case map[string]any:
			inner, ok := strings.CutPrefix(typ, "struct<")
			if !ok {
				t.Errorf("%s is a JSON object, column type %s", path, typ)
				return
			}
			fields := splitStruct(strings.TrimSuffix(inner, ">"))
			if len(fields) != len(x) {
				t.Errorf("%s: struct %s has %d fields, JSON %d", path, typ, len(fields), len(x))
			}
			for name, ft := range fields {
				fv, ok := x[name]
				if !ok {
					t.Errorf("%s.%s: a column field no event has", path, name)
					continue
				}
				check(path+"."+name, ft, fv)
			}
		default:
			t.Errorf("%s: unexpected JSON %T", path, v)
		}
	}
	for _, c := range cols {
		v, ok := doc[c.Name]
		if !ok {
			t.Errorf("column %s: no such field in the event", c.Name)
			continue
		}
		check(c.Name, c.Type, v)
	}
	if got := cols[5]; got != (Column{"timestamp", "bigint"}) {
		t.Errorf("timestamp column = %+v", got)
	}
}

// splitStruct parses the fields of a flat struct<...> type.
func splitStruct(s string) map[string]string {
	out := map[string]string{}
	for _, part := range strings.Split(s, ",") {
		name, typ, _ := strings.Cut(part, ":")
		out[name] = typ
	}
	return out
}

// TestEventsFitTheHiveJSONSerDe: the query table reads events with the Hive JSON SerDe, which expects one JSON
// object per line and allows no duplicate keys in a struct; column names are lowercase, so every key is too.
// https://docs.aws.amazon.com/athena/latest/ug/hive-json-serde.html
func TestEventsFitTheHiveJSONSerDe(t *testing.T) {
	g, _ := NewGenerator(Options{RunID: "hive", Seed: 5, HasSeed: true})
	lowercase := regexp.MustCompile(`^[a-z][a-z0-9_]*$`)
	type object struct {
		keys      map[string]bool
		expectKey bool
	}
	var e Event
	for range 200 {
		g.Next(&e)
		line := AppendNDJSON(nil, &e)
		if bytes.Count(line, []byte("\n")) != 1 || line[len(line)-1] != '\n' {
			t.Fatalf("not one line: %q", line)
		}
		dec := json.NewDecoder(bytes.NewReader(line))
		var open []*object
		for {
			tok, err := dec.Token()
			if err != nil {
				break
			}
			var top *object
			if len(open) > 0 {
				top = open[len(open)-1]
			}
			switch {
			case tok == json.Delim('{'):
				open = append(open, &object{keys: map[string]bool{}, expectKey: true})
			case tok == json.Delim('}'):
				open = open[:len(open)-1]
				if len(open) > 0 {
					open[len(open)-1].expectKey = true // the nested object was the parent's value
				}
			case top != nil && top.expectKey:
				key, _ := tok.(string)
				if !lowercase.MatchString(key) || top.keys[key] {
					t.Fatalf("key %q must be lowercase and once per object: %s", key, line)
				}
				top.keys[key], top.expectKey = true, false
			case top != nil:
				top.expectKey = true // a scalar value
			}
		}
	}
}
