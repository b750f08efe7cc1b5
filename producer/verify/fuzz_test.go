package verify

import (
	"bytes"
	"testing"

	"github.com/tenant-metrics-lab/tenant-metrics-lab/producer/telemetry"
)

// FuzzDecode feeds arbitrary bytes (plain or gzip) to the decoder: it must never panic or hang, every event it
// returns must pass the schema check, and positions must lie inside the input.
func FuzzDecode(f *testing.F) {
	f.Add(events(f, "seed", 1, 3, fixedTime))
	f.Add(gz(events(f, "seed", 1, 3, fixedTime)))
	f.Add([]byte(`{"type":"Application"}{"a":{"b":"}"}}` + "\n" + `not json`))
	f.Fuzz(func(t *testing.T, data []byte) {
		limit := int64(len(data))
		if bytes.HasPrefix(data, []byte{0x1f, 0x8b}) {
			limit = 1 << 30 // positions count decompressed bytes
		}
		Decode(bytes.NewReader(data), func(e *telemetry.Event, p Position) {
			if err := telemetry.Check(e); err != nil {
				t.Fatalf("decoder passed an invalid event: %v", err)
			}
			if p.Offset < 0 || p.Offset >= limit || p.Line < 1 {
				t.Fatalf("event position %+v outside the input", p)
			}
		}, func(p Position, reason string) {
			if reason == "" || p.Offset < 0 || p.Offset > limit {
				t.Fatalf("problem %+v %q", p, reason)
			}
		})
	})
}
