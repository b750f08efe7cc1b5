package cost

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/tenant-metrics-lab/tenant-metrics-lab/internal/assembly"
	"github.com/tenant-metrics-lab/tenant-metrics-lab/internal/lab"
)

// traffic is a fixed traffic model: these tests compare configurations, not the measured event sizes
// (test/cost_test.go prices with producer/traffic's measurement).
var traffic = lab.Traffic{EventBytes: 330, GzipBytesPerEvent: 60, EventsPerAggregate: 150, Linger: 50 * time.Millisecond}

// pipeline is a stream, the producer at 10 events/s every minute, and a delivery stream with destination.
func pipeline(t *testing.T, destination string) []assembly.Resource {
	t.Helper()
	var dest map[string]any
	if err := json.Unmarshal([]byte(destination), &dest); err != nil {
		t.Fatal(err)
	}
	return []assembly.Resource{
		{Type: "AWS::Kinesis::Stream", Properties: map[string]any{"ShardCount": 1.0}},
		{Type: "AWS::Lambda::Function", Properties: map[string]any{"Timeout": 50.0,
			"Environment": map[string]any{"Variables": map[string]any{lab.EnvRate: "10"}}}},
		{Type: "AWS::Events::Rule", Properties: map[string]any{"ScheduleExpression": "rate(1 minute)"}},
		{Type: "AWS::KinesisFirehose::DeliveryStream", Properties: map[string]any{"ExtendedS3DestinationConfiguration": dest}},
	}
}

// TestConversionWithoutEnabledIsPriced: Firehose converts when the conversion object is given without Enabled
// (it defaults to true), so the estimate bills the conversion; Enabled false bills none.
func TestConversionWithoutEnabledIsPriced(t *testing.T) {
	for _, tc := range []struct {
		name, destination string
		converts          bool
	}{
		{"given without Enabled", `{"CompressionFormat":"UNCOMPRESSED","DataFormatConversionConfiguration":{"SchemaConfiguration":{"TableName":"events"}}}`, true},
		{"Enabled true", `{"CompressionFormat":"UNCOMPRESSED","DataFormatConversionConfiguration":{"Enabled":true}}`, true},
		{"Enabled false", `{"CompressionFormat":"GZIP","DataFormatConversionConfiguration":{"Enabled":false}}`, false},
		{"no conversion object", `{"CompressionFormat":"GZIP"}`, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e, err := FromResources(pipeline(t, tc.destination), traffic)
			if err != nil {
				t.Fatal(err)
			}
			var conversion, ingestion *Item
			for i := range e.Items {
				switch e.Items[i].Service + " " + e.Items[i].What {
				case "Firehose format conversion":
					conversion = &e.Items[i]
				case "Firehose ingestion":
					ingestion = &e.Items[i]
				}
			}
			if ingestion == nil || ingestion.Quantity == 0 {
				t.Fatalf("no Firehose ingestion priced: %+v", e.Items)
			}
			if (conversion != nil) != tc.converts {
				t.Fatalf("format conversion priced: %v, want %v", conversion != nil, tc.converts)
			}
			// Conversion bills the ingested GB again.
			if conversion != nil && conversion.Quantity != ingestion.Quantity {
				t.Errorf("conversion of %g GB, ingestion of %g GB", conversion.Quantity, ingestion.Quantity)
			}
		})
	}
}

// TestAnUnpricedTypeFails: a resource type with neither a price nor a reason to be free is no $0 line.
func TestAnUnpricedTypeFails(t *testing.T) {
	_, err := FromResources([]assembly.Resource{{Type: "AWS::DynamoDB::Table"}}, traffic)
	if err == nil || !strings.Contains(err.Error(), "AWS::DynamoDB::Table") {
		t.Errorf("want an error naming the type, got %v", err)
	}
}

// TestCompressionLeftOutStoresUncompressed: Firehose's default CompressionFormat is UNCOMPRESSED, so a destination
// without one stores the NDJSON as it is, as UNCOMPRESSED written out does, and GZIP stores less.
func TestCompressionLeftOutStoresUncompressed(t *testing.T) {
	stored := func(destination string) float64 {
		e, err := FromResources(pipeline(t, destination), traffic)
		if err != nil {
			t.Fatal(err)
		}
		for _, i := range e.Items {
			if i.Service+" "+i.What == "S3 storage, delivered objects" {
				return i.Quantity
			}
		}
		t.Fatalf("no S3 storage priced: %+v", e.Items)
		return 0
	}
	left, written, gzip := stored(`{}`), stored(`{"CompressionFormat":"UNCOMPRESSED"}`), stored(`{"CompressionFormat":"GZIP"}`)
	if left != written || gzip >= written {
		t.Errorf("storage GB: left out %g, UNCOMPRESSED %g, GZIP %g", left, written, gzip)
	}
}

// TestChangesNamesNewAndGoneItems: an item only in head is "new", one only in base is "gone"; no line prints $NaN.
func TestChangesNamesNewAndGoneItems(t *testing.T) {
	alarm := Item{Service: "CloudWatch", What: "alarms", Quantity: 2, Price: Alarm}
	key := Item{Service: "KMS", What: "customer-managed keys", Quantity: 1, Price: KMSKey}
	base := &Estimate{Items: []Item{alarm, key}}
	head := &Estimate{Items: []Item{{Service: "CloudWatch", What: "alarms", Quantity: 3, Price: Alarm},
		{Service: "CloudWatch", What: "dashboard", Quantity: 1, Price: Dashboard}}}
	got := strings.Join(Changes(base, head), "\n")
	for _, want := range []string{"CloudWatch alarms", "CloudWatch dashboard", "new -> $3.00", "KMS customer-managed keys", "-> gone"} {
		if !strings.Contains(got, want) {
			t.Errorf("changes lack %q:\n%s", want, got)
		}
	}
	if strings.Contains(got, "NaN") {
		t.Errorf("changes print NaN:\n%s", got)
	}
}
