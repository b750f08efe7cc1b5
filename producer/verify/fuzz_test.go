package verify

import (
	"bytes"
	"testing"

	"github.com/tenant-metrics-lab/tenant-metrics-lab/internal/event"
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
		Decode(bytes.NewReader(data), func(e *event.Event, p Position) {
			if err := event.Check(e); err != nil {
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

// FuzzDecodeParquet feeds arbitrary bytes to the Parquet decoder, seeded with a valid file, a truncated one and a
// file whose footer declares absurd sizes: it must never panic, hang or allocate what a corrupt footer declares,
// and every event it returns must pass the schema check.
func FuzzDecodeParquet(f *testing.F) {
	good, _ := parquetEvents(f, "seed", 1, 20, fixedTime)
	f.Add(good)
	f.Add(good[:len(good)/2])
	f.Add(good[len(good)-64:])
	f.Add([]byte("PAR1\x00\x00\x00\x00PAR1"))
	f.Fuzz(func(t *testing.T, data []byte) {
		rows := 0
		DecodeParquet(bytes.NewReader(data), func(e *event.Event, p Position) {
			rows++
			if err := event.Check(e); err != nil {
				t.Fatalf("decoder passed an invalid event: %v", err)
			}
			if p.Line != rows {
				t.Fatalf("row %d reported as %+v", rows, p)
			}
		}, func(p Position, reason string) {
			if reason == "" || p.Line < 0 {
				t.Fatalf("problem %+v %q", p, reason)
			}
		})
	})
}

// FuzzDecodeErrorRecords feeds arbitrary bytes (plain or gzip) to the error-record decoder: it must never panic
// or hang, and every part it reads is either a record or a problem with a reason.
func FuzzDecodeErrorRecords(f *testing.F) {
	f.Add(errorRecords(f, 3, "errorCode", "Lambda.FunctionError", "boom"))
	f.Add(gz(errorRecords(f, 3, "lastErrorCode", "DataFormatConversion.ParseError", "bad")))
	f.Add([]byte(`{"errorCode":5}` + "\n[1]\n" + `{"ErrorCode":"x"}{"a":"}"}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		decodeErrorRecords(bytes.NewReader(data), func(e *errorRecord, p Position) {
			if p.Line < 1 || p.Offset < 0 {
				t.Fatalf("record position %+v", p)
			}
		}, func(p Position, reason string) {
			if reason == "" || p.Offset < 0 {
				t.Fatalf("problem %+v %q", p, reason)
			}
		})
	})
}
