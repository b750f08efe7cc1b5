package firehose

import (
	"testing"
	"time"
)

// TestRenderErrorPrefix: the error output type fills !{firehose:error-output-type} and counts as an expression
// (no yyyy/MM/dd/HH/ appended); a data prefix cannot use it.
func TestRenderErrorPrefix(t *testing.T) {
	at := time.Date(2026, 12, 3, 23, 5, 0, 0, time.UTC)
	for prefix, want := range map[string]string{
		"errors/!{firehose:error-output-type}/":                         "errors/processing-failed/",
		"errors/!{firehose:error-output-type}/!{timestamp:yyyy/MM/dd}/": "errors/processing-failed/2026/12/03/",
		"failed/": "failed/2026/12/03/23/",
	} {
		got, err := RenderErrorPrefix(prefix, at, ProcessingFailed)
		if err != nil || got != want {
			t.Errorf("%s: %q, %v; want %q", prefix, got, err, want)
		}
	}
	if _, err := RenderPrefix("errors/!{firehose:error-output-type}/", at, nil); err == nil {
		t.Error("a data prefix rendered !{firehose:error-output-type}")
	}
}
