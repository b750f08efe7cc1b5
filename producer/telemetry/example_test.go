package telemetry_test

import (
	"fmt"
	"os"
	"time"

	"github.com/tenant-metrics-lab/tenant-metrics-lab/internal/event"
	"github.com/tenant-metrics-lab/tenant-metrics-lab/producer/telemetry"
)

// A seeded generator with a backfill window gives the same events on every run: what `producer print --seed 1
// --run-id demo --start-date 2026-01-01` prints.
func ExampleGenerator() {
	gen, err := telemetry.NewGenerator(telemetry.Options{
		Seed: 1, HasSeed: true, RunID: "demo",
		Backfill: telemetry.Backfill{Start: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC), Days: 1},
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	var e event.Event
	var line []byte
	for range 2 {
		gen.Next(&e)
		line = event.AppendNDJSON(line[:0], &e)
		os.Stdout.Write(line)
	}
	fmt.Println(e.ID(), e.Tenant.ID, e.Metric.Name)
	// Output:
	// {"type":"Application","workload":"MessagingApplication","context":"DeleteMessages","tenant":{"id":"tenant-id-6","name":"tenant-name-f","tier":"standard"},"metric":{"name":"Storage","unit":"MB","value":3450},"timestamp":1767254040,"metadata":{"user":"user-4","resource":"dynamo-db","event_id":"demo-1"}}
	// {"type":"Application","workload":"MessagingApplication","context":"SendBulkMessages","tenant":{"id":"tenant-id-3","name":"tenant-name-c","tier":"basic"},"metric":{"name":"ExecutionTime","unit":"MilliSeconds","value":3300},"timestamp":1767299400,"metadata":{"user":"user-2","resource":"lambda","event_id":"demo-2"}}
	// demo-2 tenant-id-3 ExecutionTime
}
