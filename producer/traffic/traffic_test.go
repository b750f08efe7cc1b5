package traffic

import (
	"testing"

	"github.com/tenant-metrics-lab/tenant-metrics-lab/producer/streamwriter"
)

// TestTheModelIsReproducible: the estimate's figures must not move between runs of the same code.
func TestTheModelIsReproducible(t *testing.T) {
	if a, b := measure(), measure(); a != b {
		t.Fatalf("two measurements differ:\n%+v\n%+v", a, b)
	}
	if Measure() != measure() {
		t.Fatal("Measure does not return the measurement")
	}
}

// TestAggregatesAreFilledToTheWritersSize: aggregates sealed by the writer's rule hold what fits one of its
// default size. Each user record adds its data and about 8 bytes of protobuf framing, so the events per aggregate
// times that is a little under the size (the key table, the magic, the digest and the last record that did not
// fit make up the rest).
func TestAggregatesAreFilledToTheWritersSize(t *testing.T) {
	m := Measure()
	if m.EventBytes < 200 || m.EventBytes > 500 || m.GzipBytesPerEvent <= 0 || m.GzipBytesPerEvent > m.EventBytes/4 {
		t.Fatalf("implausible event sizes: %+v", m)
	}
	filled := m.EventsPerAggregate * (m.EventBytes + 8) / streamwriter.DefaultAggregateBytes
	if filled < 0.97 || filled > 1 {
		t.Fatalf("aggregates are filled to %.3f of %d bytes (%+v)", filled, streamwriter.DefaultAggregateBytes, m)
	}
	if m.Linger != streamwriter.DefaultLinger {
		t.Fatalf("linger %v, the writer's default is %v", m.Linger, streamwriter.DefaultLinger)
	}
}
