package telemetry

import (
	"encoding/json"
	"strconv"
)

// Event is one telemetry record, in the JSON shape the lab's consumers read.
type Event struct {
	Type      string   `json:"type"`
	Workload  string   `json:"workload"`
	Context   string   `json:"context"`
	Tenant    Tenant   `json:"tenant"`
	Metric    Metric   `json:"metric"`
	Timestamp int64    `json:"timestamp"` // epoch seconds
	Metadata  Metadata `json:"metadata"`

	// run and seq make up the event id of generated events without building a string per event.
	run string
	seq uint64
	// catalog marks events whose strings all come from the catalog, which never need JSON escaping.
	catalog bool
}

// Tenant identifies the tenant an event belongs to.
type Tenant struct {
	ID   string `json:"id"`
	Name string `json:"name"`
	Tier string `json:"tier"`
}

// Metric is the measured value.
type Metric struct {
	Name  string `json:"name"`
	Unit  string `json:"unit"`
	Value int    `json:"value"`
}

// Metadata carries the user, the resource and the unique event id.
type Metadata struct {
	User     string `json:"user"`
	Resource string `json:"resource"`
	EventID  string `json:"event_id"`
}

// ID returns the event id: Metadata.EventID when set (decoded events), otherwise "<run>-<sequence>".
func (e *Event) ID() string {
	if e.Metadata.EventID != "" || e.run == "" {
		return e.Metadata.EventID
	}
	return string(e.appendID(nil))
}

func (e *Event) appendID(dst []byte) []byte {
	if e.Metadata.EventID != "" || e.run == "" {
		return append(dst, e.Metadata.EventID...)
	}
	dst = append(dst, e.run...)
	dst = append(dst, '-')
	return strconv.AppendUint(dst, e.seq, 10)
}

// AppendNDJSON appends e as one line of JSON (the same bytes encoding/json writes) and a newline.
func AppendNDJSON(dst []byte, e *Event) []byte {
	c := e.catalog
	dst = append(dst, `{"type":`...)
	dst = appendString(dst, e.Type, c)
	dst = append(dst, `,"workload":`...)
	dst = appendString(dst, e.Workload, c)
	dst = append(dst, `,"context":`...)
	dst = appendString(dst, e.Context, c)
	dst = append(dst, `,"tenant":{"id":`...)
	dst = appendString(dst, e.Tenant.ID, c)
	dst = append(dst, `,"name":`...)
	dst = appendString(dst, e.Tenant.Name, c)
	dst = append(dst, `,"tier":`...)
	dst = appendString(dst, e.Tenant.Tier, c)
	dst = append(dst, `},"metric":{"name":`...)
	dst = appendString(dst, e.Metric.Name, c)
	dst = append(dst, `,"unit":`...)
	dst = appendString(dst, e.Metric.Unit, c)
	dst = append(dst, `,"value":`...)
	dst = strconv.AppendInt(dst, int64(e.Metric.Value), 10)
	dst = append(dst, `},"timestamp":`...)
	dst = strconv.AppendInt(dst, e.Timestamp, 10)
	dst = append(dst, `,"metadata":{"user":`...)
	dst = appendString(dst, e.Metadata.User, c)
	dst = append(dst, `,"resource":`...)
	dst = appendString(dst, e.Metadata.Resource, c)
	dst = append(dst, `,"event_id":"`...)
	start := len(dst)
	dst = e.appendID(dst)
	if !c && !plain(dst[start:]) {
		dst = appendString(dst[:start-1], string(dst[start:]), false)
	} else {
		dst = append(dst, '"')
	}
	return append(dst, "}}\n"...)
}

// appendPlain writes a string known to need no escaping.
func appendPlain(dst []byte, s string) []byte {
	dst = append(dst, '"')
	dst = append(dst, s...)
	return append(dst, '"')
}

// appendString writes s as a JSON string. Catalog values (trusted) never need escaping; anything else that does
// goes through encoding/json so the output stays byte-identical to it.
func appendString(dst []byte, s string, trusted bool) []byte {
	if trusted || plain(s) {
		return appendPlain(dst, s)
	}
	b, _ := json.Marshal(s)
	return append(dst, b...)
}

// plain reports whether b needs no JSON escaping (encoding/json also escapes <, > and &).
func plain[T string | []byte](b T) bool {
	for i := 0; i < len(b); i++ {
		c := b[i]
		if c < 0x20 || c > 0x7e || c == '"' || c == '\\' || c == '<' || c == '>' || c == '&' {
			return false
		}
	}
	return true
}

// RecordBufferSize fits any generated event (about 300 bytes) so that encoding one allocates exactly once.
const RecordBufferSize = 384

// slabSize is the block Slab carves record buffers from: about 200 events per allocation.
const slabSize = 64 << 10

// Slab encodes events into buffers carved from shared blocks, so a stream of records costs one allocation per
// block instead of one per event. Each returned slice has its capacity capped, so appending to it never writes
// into a neighbour; a block is freed when the last record in it is.
type Slab struct{ buf []byte }

// Append encodes e as one NDJSON line and returns it as its own record.
func (s *Slab) Append(e *Event) []byte {
	if cap(s.buf)-len(s.buf) < RecordBufferSize {
		s.buf = make([]byte, 0, slabSize)
	}
	start := len(s.buf)
	s.buf = AppendNDJSON(s.buf, e)
	return s.buf[start:len(s.buf):len(s.buf)]
}
