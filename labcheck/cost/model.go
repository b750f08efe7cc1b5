package cost

import (
	"bytes"
	"compress/gzip"
	"sync"
	"time"

	"github.com/tenant-metrics-lab/tenant-metrics-lab/internal/event"
	"github.com/tenant-metrics-lab/tenant-metrics-lab/internal/kpl"
	"github.com/tenant-metrics-lab/tenant-metrics-lab/producer/streamwriter"
	"github.com/tenant-metrics-lab/tenant-metrics-lab/producer/telemetry"
)

// Traffic is what the estimate assumes of the producer's events, measured on the generator's own output so it
// follows the event model: the mean NDJSON size, GZIP's size per event over Firehose-sized objects, and how many
// events fit a KPL aggregate of the writer's default size.
type Traffic struct {
	EventBytes         float64 // mean NDJSON bytes per event, newline included
	GzipBytesPerEvent  float64 // compressed size per event in 1 MiB GZIP objects
	EventsPerAggregate float64 // events in one aggregated record of streamwriter.DefaultAggregateBytes
	AggregateBytes     float64 // the size of such a record
}

var (
	trafficOnce sync.Once
	traffic     Traffic
)

// Measure returns the traffic model, computed once from 20,000 generated events (seeded, so it is stable).
func Measure() Traffic {
	trafficOnce.Do(func() {
		// A fixed clock at the lab's 10 events/s keeps the timestamps, and so the compression, reproducible.
		clock := time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC)
		now := func() time.Time { clock = clock.Add(100 * time.Millisecond); return clock }
		gen, err := telemetry.NewGenerator(telemetry.Options{Seed: 1, HasSeed: true, RunID: "61700242d3956128", Now: now})
		if err != nil {
			panic(err)
		}
		const n = 20000
		var e event.Event
		var all []byte
		var agg kpl.Aggregate
		var aggs, inAggs int
		for range n {
			gen.Next(&e)
			line := event.AppendNDJSON(nil, &e)
			all = append(all, line...)
			if agg.Len() > 0 && !agg.Fits(e.Tenant.ID, len(line), streamwriter.DefaultAggregateBytes) {
				aggs, inAggs = aggs+1, inAggs+agg.Len()
				agg.Reset()
			}
			agg.Add(e.Tenant.ID, line)
		}
		// GZIP the way Firehose writes objects: one stream per 1 MiB of records.
		var compressed int
		for start := 0; start < len(all); start += 1 << 20 {
			var z bytes.Buffer
			w := gzip.NewWriter(&z)
			_, _ = w.Write(all[start:min(start+1<<20, len(all))])
			_ = w.Close()
			compressed += z.Len()
		}
		traffic = Traffic{
			EventBytes:         float64(len(all)) / n,
			GzipBytesPerEvent:  float64(compressed) / n,
			EventsPerAggregate: float64(inAggs) / float64(aggs),
			AggregateBytes:     float64(streamwriter.DefaultAggregateBytes),
		}
	})
	return traffic
}
