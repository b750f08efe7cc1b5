package telemetry

import "github.com/tenant-metrics-lab/tenant-metrics-lab/internal/event"

// recordBufferSize fits any generated event (about 300 bytes) so that encoding one allocates exactly once.
const recordBufferSize = 384

// slabSize is the block Slab carves record buffers from: about 200 events per allocation.
const slabSize = 64 << 10

// Slab encodes events into buffers carved from shared blocks, so a stream of records costs one allocation per
// block instead of one per event. Each returned slice has its capacity capped, so appending to it never writes
// into a neighbour; a block is freed when the last record in it is.
type Slab struct{ buf []byte }

// Append encodes e as one NDJSON line and returns it as its own record.
func (s *Slab) Append(e *event.Event) []byte {
	if cap(s.buf)-len(s.buf) < recordBufferSize {
		s.buf = make([]byte, 0, slabSize)
	}
	start := len(s.buf)
	s.buf = event.AppendNDJSON(s.buf, e)
	return s.buf[start:len(s.buf):len(s.buf)]
}
