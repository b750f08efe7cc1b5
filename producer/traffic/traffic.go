// Package traffic measures the traffic model the cost estimate rests on (lab.Traffic) on the generator's own
// output, sealed into aggregates by the writer's rule and compressed as Firehose writes objects, so the estimate
// follows the event model and the writer's defaults.
package traffic

import (
	"bytes"
	"compress/gzip"
	"sync"
	"time"

	"github.com/tenant-metrics-lab/tenant-metrics-lab/internal/event"
	"github.com/tenant-metrics-lab/tenant-metrics-lab/internal/eventparquet"
	"github.com/tenant-metrics-lab/tenant-metrics-lab/internal/kpl"
	"github.com/tenant-metrics-lab/tenant-metrics-lab/internal/lab"
	"github.com/tenant-metrics-lab/tenant-metrics-lab/producer/streamwriter"
	"github.com/tenant-metrics-lab/tenant-metrics-lab/producer/telemetry"
)

// Measure returns the traffic model, computed once per process: labcheck's modes and the tests ask for it often.
func Measure() lab.Traffic { return measured() }

var measured = sync.OnceValue(measure)

// measure computes the model from 20,000 generated events, seeded so that it is the same on every run.
func measure() lab.Traffic {
	// A fixed clock at the lab's 10 events/s keeps the timestamps, and so the compression, reproducible.
	clock := time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC)
	now := func() time.Time { clock = clock.Add(100 * time.Millisecond); return clock }
	gen, err := telemetry.NewGenerator(telemetry.Options{Seed: 1, HasSeed: true, RunID: "61700242d3956128", Now: now})
	if err != nil {
		panic(err) // the options are constants that pass Validate
	}
	const n = 20000
	var e event.Event
	var all []byte
	// The Parquet objects the converter would write from the same records: events until 1 MiB of their NDJSON.
	var objects [][]event.Event
	var object []event.Event
	var objectBytes int
	var agg kpl.Aggregate
	var aggs, inAggs int
	for range n {
		gen.Next(&e)
		line := event.AppendNDJSON(nil, &e)
		all = append(all, line...)
		if object, objectBytes = append(object, e), objectBytes+len(line); objectBytes >= 1<<20 {
			objects, object, objectBytes = append(objects, object), nil, 0
		}
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
	// And Parquet the way the converter writes it.
	if len(object) > 0 {
		objects = append(objects, object)
	}
	var parquet int
	for _, o := range objects {
		var b bytes.Buffer
		if err := eventparquet.Write(&b, o); err != nil {
			panic(err) // generated events always convert
		}
		parquet += b.Len()
	}
	return lab.Traffic{
		EventBytes:           float64(len(all)) / n,
		GzipBytesPerEvent:    float64(compressed) / n,
		ParquetBytesPerEvent: float64(parquet) / n,
		EventsPerAggregate:   float64(inAggs) / float64(aggs),
		Linger:               streamwriter.DefaultLinger,
	}
}
