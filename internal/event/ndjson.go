package event

import (
	"encoding/json"
	"strconv"
)

// AppendNDJSON appends e as one line of JSON (the same bytes encoding/json writes) and a newline. It writes
// without reflection so that encoding is never the bottleneck of a send.
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
