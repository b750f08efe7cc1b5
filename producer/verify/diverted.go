package verify

import (
	"encoding/json"
	"fmt"
	"io"
	"sort"
	"strings"
)

// DefaultErrorPrefix is the literal part of the stack's default error prefix, errors/!{firehose:error-output-type}/.
const DefaultErrorPrefix = "errors/"

// MaxErrorRecordBytes is the longest error record read: the base64 rawData of the largest Kinesis record (1 MiB)
// is 1.4 MB, and the error fields come on top.
const MaxErrorRecordBytes = 2 << 20

// UnknownErrorType groups records whose error type neither the key nor the record names, and unreadable parts
// of error objects.
const UnknownErrorType = "unknown"

// maxErrorTypes bounds the distinct error types and codes kept, so that odd keys or codes cannot grow memory;
// the rest are counted under "other".
const maxErrorTypes = 50

// maxSampleBytes is how much of one errorMessage per type the report keeps.
const maxSampleBytes = 200

// Diverted is what Firehose wrote under the error prefix: records it could not convert, partition, process or
// deliver. Types counts records per error output type (else errorCode, else unknown); Codes the errorCodes per
// type; Problems the first unreadable parts of error objects, Unread all of them (each is one unknown record).
type Diverted struct {
	Prefix   string                    `json:"prefix"`
	Objects  int                       `json:"objects"`
	Bytes    int64                     `json:"bytes"`
	Records  int                       `json:"records"`
	Types    map[string]int            `json:"records_per_type"`
	Codes    map[string]map[string]int `json:"error_codes_per_type"`
	Samples  map[string]string         `json:"sample_message_per_type"` // one record's errorMessage per type
	Problems []Problem                 `json:"problems"`
	Unread   int                       `json:"unreadable_parts"`
}

// errorRecord holds the fields verify uses of the JSON document Firehose writes per failed record. Processing and
// delivery failures spell them errorCode/errorMessage; format conversion failures ErrorCode/ErrorMessage (which
// encoding/json matches case-insensitively), and lastErrorCode/lastErrorMessage in earlier versions of that page.
// https://docs.aws.amazon.com/firehose/latest/dev/data-transformation-failure-handling.html
// https://docs.aws.amazon.com/firehose/latest/dev/record-format-conversion-error-handling.html
type errorRecord struct {
	ErrorCode        string `json:"errorCode"`
	ErrorMessage     string `json:"errorMessage"`
	LastErrorCode    string `json:"lastErrorCode"`
	LastErrorMessage string `json:"lastErrorMessage"`
}

func (e *errorRecord) code() string {
	if e.ErrorCode != "" {
		return e.ErrorCode
	}
	return e.LastErrorCode
}

func (e *errorRecord) message() string {
	if e.ErrorMessage != "" {
		return e.ErrorMessage
	}
	return e.LastErrorMessage
}

// decodeErrorRecords reads one error object, GZIP or plain (the Firehose docs do not say whether the stream's
// compression applies to error objects, and format conversion requires UNCOMPRESSED, so the magic bytes decide),
// one JSON document per line or concatenated. Each unreadable part goes to bad.
func decodeErrorRecords(r io.Reader, record func(*errorRecord, Position), bad func(Position, string)) {
	scan(r, "record", MaxErrorRecordBytes, func(raw []byte, pos Position) {
		var e errorRecord
		if err := json.Unmarshal(raw, &e); err != nil {
			bad(pos, fmt.Sprintf("invalid JSON error record: %v", err))
			return
		}
		record(&e, pos)
	}, bad)
}

// errorTypeOf is the error output type a key names: the first folder after the literal error prefix, where
// !{firehose:error-output-type} renders processing-failed, format-conversion-failed, AmazonOpenSearchService-failed
// (formerly elasticsearch-failed), splunk-failed or http-endpoint-failed, and dynamic partitioning
// partitioning-failed. All end in -failed, so any such folder counts, also one further down (after a date, when
// the expression comes later); a key without one yields "" and its records are grouped by errorCode.
// https://docs.aws.amazon.com/firehose/latest/dev/s3-prefixes.html
func errorTypeOf(prefix, key string) string {
	rest, ok := strings.CutPrefix(key, prefix)
	if !ok {
		return ""
	}
	folders := strings.Split(rest, "/")
	for _, f := range folders[:len(folders)-1] { // the last component is the object's name
		if strings.HasSuffix(f, "-failed") && len(f) > len("-failed") {
			return f
		}
	}
	return ""
}

// countBounded adds one to m[k], or to m["other"] once m holds maxErrorTypes keys, and returns the key counted.
func countBounded(m map[string]int, k string) string {
	if _, ok := m[k]; !ok && len(m) >= maxErrorTypes {
		k = "other"
	}
	m[k]++
	return k
}

// byCount lists the keys of m, largest count first, then by name.
func byCount(m map[string]int) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Slice(keys, func(i, j int) bool {
		if m[keys[i]] != m[keys[j]] {
			return m[keys[i]] > m[keys[j]]
		}
		return keys[i] < keys[j]
	})
	return keys
}

// summary is "processing-failed 12, format-conversion-failed 5".
func (d *Diverted) summary() string {
	parts := []string{}
	for _, t := range byCount(d.Types) {
		parts = append(parts, fmt.Sprintf("%s %d", t, d.Types[t]))
	}
	return strings.Join(parts, ", ")
}

// text renders the error prefix's part of the report.
func (d *Diverted) text(b *strings.Builder, bucket string) {
	fmt.Fprintf(b, "error prefix s3://%s/%s: %d objects, %d records diverted", bucket, d.Prefix, d.Objects, d.Records)
	if d.Records > 0 {
		b.WriteString(": " + d.summary())
	}
	b.WriteString("\n")
	for _, t := range byCount(d.Types) {
		codes := d.Codes[t]
		if len(codes) == 0 && d.Samples[t] == "" {
			continue
		}
		fmt.Fprintf(b, "  %s:", t)
		for _, c := range byCount(codes) {
			fmt.Fprintf(b, " %s=%d", c, codes[c])
		}
		if s := d.Samples[t]; s != "" {
			fmt.Fprintf(b, " (e.g. %q)", s)
		}
		b.WriteString("\n")
	}
	for _, p := range d.Problems {
		fmt.Fprintf(b, "  unreadable: %s line %d offset %d: %s\n", p.Key, p.Line, p.Offset, p.Reason)
	}
	if more := d.Unread - len(d.Problems); more > 0 {
		fmt.Fprintf(b, "  ... and %d more\n", more)
	}
}

// reason is the verdict's sentence about diverted records.
func (d *Diverted) reason(bucket string) string {
	return fmt.Sprintf("Firehose diverted %d records to the error prefix s3://%s/%s: %s", d.Records, bucket, d.Prefix, d.summary())
}

// cut shortens a sample message to maxSampleBytes on a rune boundary.
func cut(s string) string {
	if len(s) <= maxSampleBytes {
		return s
	}
	for i := maxSampleBytes; i > 0; i-- {
		if (s[i] & 0xC0) != 0x80 {
			return s[:i] + "..."
		}
	}
	return ""
}
