package cost

import (
	"math"
	"testing"
)

// TestOnDemandStreamIsPricedPerStreamHourAndGB: an ON_DEMAND stream has no shard-hours or PUT payload units; it
// bills its hours, the GB written (1 KB units) and the GB each delivery stream reads.
func TestOnDemandStreamIsPricedPerStreamHourAndGB(t *testing.T) {
	resources := pipeline(t, `{"CompressionFormat":"GZIP"}`)
	provisioned, err := FromResources(resources, traffic)
	if err != nil {
		t.Fatal(err)
	}
	resources[0].Properties = map[string]any{"StreamModeDetails": map[string]any{"StreamMode": "ON_DEMAND"}}
	onDemand, err := FromResources(resources, traffic)
	if err != nil {
		t.Fatal(err)
	}
	items := func(e *Estimate) map[string]Item {
		m := map[string]Item{}
		for _, i := range e.Items {
			m[i.Service+" "+i.What] = i
		}
		return m
	}
	p, o := items(provisioned), items(onDemand)
	if _, ok := p["Kinesis provisioned shards"]; !ok {
		t.Fatalf("provisioned: no shard-hours: %+v", provisioned.Items)
	}
	for _, gone := range []string{"Kinesis provisioned shards", "Kinesis PUT payload units"} {
		if _, ok := o[gone]; ok {
			t.Errorf("on-demand stream priced with %s", gone)
		}
	}
	hours := o["Kinesis on-demand streams"]
	if hours.Quantity != Month.Hours() || hours.Price != StreamHour || math.Abs(hours.Monthly()-29.2) > 0.001 {
		t.Errorf("stream-hours: %+v ($%.2f), want 730 h at $0.04 = $29.20", hours, hours.Monthly())
	}
	// 10 events/s for the 40 s sending window of every minute, one record each of 330 bytes, billed as 1 KB.
	records := 10 * 40.0 * (Month.Minutes())
	in, out := o["Kinesis on-demand data in"], o["Kinesis on-demand data out"]
	if want := records * 1024 / gib; math.Abs(in.Quantity-want) > 1e-9 || in.Price != OnDemandDataIn {
		t.Errorf("data in %g GB, want %g GB at OnDemandDataIn", in.Quantity, want)
	}
	if out.Quantity != in.Quantity || out.Price != OnDemandDataOut {
		t.Errorf("data out %g GB, want %g (one delivery stream reads every record)", out.Quantity, in.Quantity)
	}
}
