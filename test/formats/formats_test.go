// Package formats measures what the output format changes: bytes per event stored, and bytes each saved query
// makes Athena scan, for GZIP NDJSON and for Parquet, on the same events in objects of the size Firehose writes.
// `make bench` runs it; the figures are in docs/querying.md.
package formats

import (
	"bytes"
	"compress/gzip"
	"fmt"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/parquet-go/parquet-go"

	"github.com/tenant-metrics-lab/tenant-metrics-lab/internal/event"
	"github.com/tenant-metrics-lab/tenant-metrics-lab/internal/eventparquet"
	"github.com/tenant-metrics-lab/tenant-metrics-lab/producer/telemetry"
	"github.com/tenant-metrics-lab/tenant-metrics-lab/stacks/config"
)

// object is one delivered object of both formats holding the same events.
type object struct {
	gz      int            // bytes of the .gz object
	parquet int            // bytes of the .parquet object
	chunks  map[string]int // compressed bytes of each Parquet column chunk, by column path
}

// deliver writes events objects of perObject events each, as Firehose would per buffer.
func deliver(b *testing.B, events []event.Event, perObject int) []object {
	var out []object
	for start := 0; start < len(events); start += perObject {
		batch := events[start:min(start+perObject, len(events))]
		var nd []byte
		for i := range batch {
			nd = event.AppendNDJSON(nd, &batch[i])
		}
		var gz bytes.Buffer
		w := gzip.NewWriter(&gz)
		_, _ = w.Write(nd)
		_ = w.Close()
		var pq bytes.Buffer
		if err := eventparquet.Write(&pq, batch); err != nil {
			b.Fatal(err)
		}
		f, err := parquet.OpenFile(bytes.NewReader(pq.Bytes()), int64(pq.Len()))
		if err != nil {
			b.Fatal(err)
		}
		o := object{gz: gz.Len(), parquet: pq.Len(), chunks: map[string]int{}}
		for _, rg := range f.Metadata().RowGroups {
			for _, c := range rg.Columns {
				o.chunks[strings.Join(c.MetaData.PathInSchema, ".")] += int(c.MetaData.TotalCompressedSize)
			}
		}
		out = append(out, o)
	}
	return out
}

// referenced lists the event columns a query's SQL uses (partition columns are not in the objects).
func referenced(sql string) []string {
	var cols []string
	for _, c := range eventparquet.Columns {
		pattern := `(^|[^\w."])` + regexp.QuoteMeta(c) + `([^\w]|$)`
		if !strings.Contains(c, ".") {
			pattern = `(^|[^\w."])"?` + regexp.QuoteMeta(c) + `"?([^\w.]|$)`
		}
		if regexp.MustCompile(pattern).MatchString(sql) {
			cols = append(cols, c)
		}
	}
	return cols
}

// generate makes n events at 100 events/s from a fixed start, seeded, so every run measures the same bytes.
func generate(b *testing.B, n int) []event.Event {
	clock := time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC)
	gen, err := telemetry.NewGenerator(telemetry.Options{Seed: 3, HasSeed: true, RunID: "61700242d3956128",
		Now: func() time.Time { clock = clock.Add(10 * time.Millisecond); return clock }})
	if err != nil {
		b.Fatal(err)
	}
	events := make([]event.Event, n)
	for i := range events {
		gen.Next(&events[i])
		events[i].Metadata.EventID = events[i].ID()
	}
	return events
}

// BenchmarkFormats prints, for 1,000,000 events in objects of 64 MiB of NDJSON (Firehose's buffer with format
// conversion), bytes per event of each format and the bytes each saved query scans: the whole .gz objects of the
// hours it reads, or the Parquet column chunks it references. Then the break-even for small objects.
func BenchmarkFormats(b *testing.B) {
	const n = 1_000_000
	events := generate(b, n)
	eventBytes := len(event.AppendNDJSON(nil, &events[0]))
	perObject := (64 << 20) / eventBytes
	for b.Loop() {
		objects := deliver(b, events, perObject)
		var gz, pq int
		for _, o := range objects {
			gz += o.gz
			pq += o.parquet
		}
		fmt.Printf("formats: %d events in %d objects of %d events: GZIP NDJSON %.2f bytes/event, Parquet %.2f bytes/event (ratio %.3f)\n",
			n, len(objects), perObject, float64(gz)/n, float64(pq)/n, float64(pq)/float64(gz))
		cfg := config.Default()
		layout, err := cfg.Layout()
		if err != nil {
			b.Fatal(err)
		}
		for _, q := range cfg.SavedQueries(layout) {
			cols := referenced(q.SQL)
			scanned := 0
			for _, o := range objects {
				for _, c := range cols {
					scanned += o.chunks[c]
				}
			}
			fmt.Printf("formats: query %s scans %d bytes of GZIP JSON, %d of Parquet (%s): ratio %.3f\n",
				q.Name, gz, scanned, strings.Join(cols, ", "), float64(scanned)/float64(gz))
		}
		for _, per := range []int{60, 600, 1200, 2400, 6000, 60000} {
			small := deliver(b, events[:per*10], per)
			var g, p int
			for _, o := range small {
				g += o.gz
				p += o.parquet
			}
			fmt.Printf("formats: objects of %d events: GZIP NDJSON %.1f bytes/event, Parquet %.1f bytes/event (ratio %.2f)\n",
				per, float64(g)/float64(per*10), float64(p)/float64(per*10), float64(p)/float64(g))
		}
	}
}

// TestReferencedColumns keeps the column detection honest on the saved queries it measures.
func TestReferencedColumns(t *testing.T) {
	cfg := config.Default()
	layout, _ := cfg.Layout()
	want := map[string]string{
		"consumption-by-tenant-last-24h":        "tenant.id tenant.tier metric.name metric.unit metric.value",
		"top-tenants-by-data-transfer-last-24h": "tenant.id tenant.name tenant.tier metric.name metric.value",
		"feature-usage-by-tier-last-24h":        "workload context tenant.id tenant.tier",
		"events-per-hour-and-freshness":         "timestamp",
	}
	for _, q := range cfg.SavedQueries(layout) {
		got := strings.Join(referenced(q.SQL), " ")
		if fields := strings.Fields(want[q.Name]); len(fields) != len(referenced(q.SQL)) || !containsAll(got, fields) {
			t.Errorf("%s references %q, want %q", q.Name, got, want[q.Name])
		}
	}
}

func containsAll(s string, words []string) bool {
	for _, w := range words {
		if !strings.Contains(" "+s+" ", " "+w+" ") {
			return false
		}
	}
	return true
}
