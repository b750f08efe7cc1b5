package lab

import "time"

// Traffic is what the producer's events weigh on their way through the pipeline: producer/traffic measures it on
// the generator's own output, and labcheck/cost prices it, so the estimate follows the event model without
// labcheck reading the producer's packages.
type Traffic struct {
	EventBytes        float64 // mean NDJSON bytes per event, newline included
	GzipBytesPerEvent float64 // compressed size per event in 1 MiB GZIP objects
	// ParquetBytesPerEvent is the size per event of Parquet objects written, as the stack's converter writes
	// them, from 1 MiB of records each.
	ParquetBytesPerEvent float64
	EventsPerAggregate   float64       // events in one KPL aggregated record of the writer's default size
	Linger               time.Duration // how long the writer holds a partial batch or aggregate before it sends it
}
