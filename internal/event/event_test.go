package event

import (
	"bytes"
	"encoding/json"
	"regexp"
	"strings"
	"testing"
)

// catalogEvents are generated-looking events that together take every catalog value: each workload with each of
// its contexts, each resource with each of its metrics at its smallest and largest value, and every tenant and
// user in turn.
func catalogEvents() []Event {
	var out []Event
	for _, w := range Workloads {
		for _, c := range w.Contexts {
			for _, r := range Resources {
				for _, name := range r.Metrics {
					m := Metrics[name]
					for _, v := range []int{m.Min, m.Max} {
						i := len(out)
						t, u := Tenants[i%len(Tenants)], Users[i%len(Users)]
						e := Event{
							Type: EventType, Workload: w.Name, Context: c,
							Tenant:    Tenant{ID: t.ID, Name: t.Name, Tier: t.Tier},
							Metric:    Metric{Name: m.Name, Unit: m.Unit, Value: v},
							Timestamp: 1767225600 + int64(i),
							Metadata:  Metadata{User: u.Name, Resource: r.Name},
						}
						e.MarkGenerated("run.1", uint64(i+1))
						out = append(out, e)
					}
				}
			}
		}
	}
	return out
}

// TestEncodingMatchesEncodingJSON proves the hand-written encoder writes exactly what encoding/json would, on
// the fast path for catalog events and on the escaping path for anything else.
func TestEncodingMatchesEncodingJSON(t *testing.T) {
	events := catalogEvents()
	if len(events) < len(Tenants)*len(Users) {
		t.Fatalf("only %d catalog events", len(events))
	}
	odd := Event{Type: `a"b\c<d>&e`, Workload: "tab\tnew\nline", Context: "ünïcode", Metadata: Metadata{EventID: `id"1`}}
	for i, e := range append(events, odd) {
		got := AppendNDJSON(nil, &e)
		withID := e
		withID.Metadata.EventID = e.ID()
		want, err := json.Marshal(withID)
		if err != nil {
			t.Fatal(err)
		}
		if want = append(want, '\n'); !bytes.Equal(got, want) {
			t.Fatalf("event %d:\n got %s\nwant %s", i, got, want)
		}
	}
}

// TestIDs: a generated event's id is "<run>-<seq>"; a decoded one keeps the id it was read with.
func TestIDs(t *testing.T) {
	e := catalogEvents()[41]
	if got := e.ID(); got != "run.1-42" {
		t.Fatalf("generated id %q, want run.1-42", got)
	}
	var decoded Event
	if err := json.Unmarshal(AppendNDJSON(nil, &e), &decoded); err != nil {
		t.Fatal(err)
	}
	if decoded.ID() != "run.1-42" || decoded.Metadata.EventID != "run.1-42" {
		t.Fatalf("decoded id %q (event_id %q)", decoded.ID(), decoded.Metadata.EventID)
	}
}

func TestCheckRunID(t *testing.T) {
	for run, ok := range map[string]bool{"demo": true, "61700242d3956128": true, "a_b.c": true, strings.Repeat("x", 64): true,
		"": false, "has space": false, "a-b": false, `q"uote`: false, strings.Repeat("x", 65): false} {
		if err := CheckRunID(run); (err == nil) != ok {
			t.Errorf("CheckRunID(%q) = %v", run, err)
		}
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

func TestCheckRejectsEachKindOfBadEvent(t *testing.T) {
	for _, e := range catalogEvents() {
		e.Metadata.EventID = e.ID()
		if err := Check(&e); err != nil {
			t.Fatalf("catalog event %s rejected: %v", e.ID(), err)
		}
	}
	good := catalogEvents()[0]
	good.Metadata.EventID = good.ID()
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
	e := catalogEvents()[0]
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
	lowercase := regexp.MustCompile(`^[a-z][a-z0-9_]*$`)
	type object struct {
		keys      map[string]bool
		expectKey bool
	}
	for _, e := range catalogEvents() {
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
