package cost

import (
	"fmt"
	"strings"
	"testing"

	"github.com/tenant-metrics-lab/tenant-metrics-lab/internal/lab"
)

// TestAggregatesArePricedBothWays: AWS does not say how Firehose counts a KPL aggregate, so with aggregation the
// assumptions give both readings: the total's (each aggregate once) and each event rounded up to 5 KB.
func TestAggregatesArePricedBothWays(t *testing.T) {
	resources := pipeline(t, `{"CompressionFormat":"GZIP"}`)
	resources[1].Properties["Environment"].(map[string]any)["Variables"].(map[string]any)[lab.EnvAggregate] = "true"
	e, err := FromResources(resources, traffic)
	if err != nil {
		t.Fatal(err)
	}
	events := 10 * 40 * Month.Minutes()
	perEvent := events * 5120 / gib * FirehoseIngestion.USD
	once := e.item("Firehose", "ingestion").Monthly()
	want := fmt.Sprintf("The total counts each aggregate once: $%.2f a month; counted per event it would be $%.2f (a total of $%.2f)", once, perEvent, e.Total()-once+perEvent)
	if !strings.Contains(strings.Join(e.Assumptions, "\n"), want) {
		t.Errorf("assumptions lack %q:\n%s", want, strings.Join(e.Assumptions, "\n"))
	}
	plain, err := FromResources(pipeline(t, `{"CompressionFormat":"GZIP"}`), traffic)
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(strings.Join(plain.Assumptions, "\n"), "KPL aggregates in Firehose") {
		t.Error("without aggregation the assumptions still discuss aggregates")
	}
}

// TestOnDemandRetentionIsPricedPerGB: an on-demand stream keeping 30 days bills the records 24 h to 7 days old
// per GB-month (on-demand extended retention) and those older per GB-month (long-term), growing to steady state.
func TestOnDemandRetentionIsPricedPerGB(t *testing.T) {
	resources := pipeline(t, `{"CompressionFormat":"GZIP"}`)
	resources[0].Properties = map[string]any{"StreamModeDetails": map[string]any{"StreamMode": "ON_DEMAND"}, "RetentionPeriodHours": 720.0}
	e, err := FromResources(resources, traffic)
	if err != nil {
		t.Fatal(err)
	}
	gbPerHour := 10 * 40 * 60 * traffic.EventBytes / gib
	ext, long := e.item("Kinesis", "extended retention (on demand)"), e.item("Kinesis", "long-term retention")
	if d := ext.QuantityIn(12) - gbPerHour*(168-24); d*d > 1e-18 || ext.Price != OnDemandExtendedRetention {
		t.Errorf("extended: %g GB-months in month 12, want %g", ext.QuantityIn(12), gbPerHour*(168-24))
	}
	if d := long.QuantityIn(12) - gbPerHour*(720-168); d*d > 1e-18 || long.Price != LongTermRetention {
		t.Errorf("long-term: %g GB-months in month 12, want %g", long.QuantityIn(12), gbPerHour*(720-168))
	}
	if long.QuantityIn(1) >= long.QuantityIn(2) {
		t.Errorf("long-term retention does not grow from empty: %v", long.ByMonth)
	}
}
