package cost

import (
	"fmt"

	"github.com/tenant-metrics-lab/tenant-metrics-lab/internal/lab"
)

// assume writes down what the quantities rest on, to be printed beside them.
func (e *Estimate) assume(s stack, f flow, t lab.Traffic) {
	a := func(format string, args ...any) { e.Assumptions = append(e.Assumptions, fmt.Sprintf(format, args...)) }
	p := s.producer
	if f.events == 0 {
		a("traffic: none (no producer function on a schedule): only the fixed items")
	} else {
		a("events: %g a second for %.0f s of each of %.0f invocations (the template's EVENTS_PER_SECOND, timeout and schedule): %s a month",
			p.rate, p.window.Seconds(), p.invocations, quantity(f.events))
	}
	a("bytes per event: %.2f as NDJSON, %.2f GZIP-compressed, %.2f as Parquet (each in objects of 1 MiB of records; producer/traffic measures them on 20,000 seeded generated events)",
		t.EventBytes, t.GzipBytesPerEvent, t.ParquetBytesPerEvent)
	if f.events > 0 {
		if p.aggregate {
			a("records: KPL aggregates, %.1f events each on average (%s records of %.0f bytes a month; an aggregate holds at most %.1f); PutRecords sends up to 500 records a call, and Kinesis bills records, not calls",
				f.events/f.records, quantity(f.records), f.recordBytes, t.EventsPerAggregate)
			e.aggregateReadings(f)
		} else {
			a("records: one event per Kinesis record of %.0f bytes; PutRecords sends up to 500 records a call, and Kinesis bills records, not calls", f.recordBytes)
		}
	}
	a("storage: every bucket starts empty in month 1 and grows under its lifecycle rules; Firehose's objects are as large as a flush (buffer interval or size, whichever comes first)")
	a("prices: us-east-1 list prices (other regions differ), each with its page and the day it was read (below, and labcheck/cost/prices.go); a month is %.0f hours", Month.Hours())
}

// aggregateReadings prints the two readings of how Firehose bills KPL aggregates. AWS documents that Firehose
// de-aggregates them before delivery (https://docs.aws.amazon.com/firehose/latest/dev/writing-with-kinesis-streams.html)
// and that ingestion is billed per record rounded up to 5 KB (firehosePage), but not which record: the
// aggregate it reads, or each user record in it.
func (e *Estimate) aggregateReadings(f flow) {
	once := e.item("Firehose", "ingestion").Monthly()
	perEvent := f.events * firehoseUnit / gib * FirehoseIngestion.USD
	if c := e.item("Firehose", "format conversion"); c.Quantity > 0 {
		perEvent += f.events * firehoseUnit / gib * FormatConversion.USD
		once += c.Monthly()
	}
	e.Assumptions = append(e.Assumptions, fmt.Sprintf(
		"KPL aggregates in Firehose: AWS documents the de-aggregation but not whether billing counts the aggregate or each event in it, rounded up to 5 KB. The total counts each aggregate once: $%.2f a month; counted per event it would be $%.2f (a total of $%.2f)",
		once, perEvent, e.Total()-once+perEvent))
}
