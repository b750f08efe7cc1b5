package firehoseprefix

import "testing"

func TestLiteral(t *testing.T) {
	for prefix, want := range map[string]string{
		"stream/":                               "stream/",
		"errors/!{firehose:error-output-type}/": "errors/",
		"stream/tenant=!{partitionKeyFromQuery:tenant}/!{timestamp:yyyy}/": "stream/tenant=",
		"!{timestamp:yyyy}/": "",
		"":                   "",
	} {
		if got := Literal(prefix); got != want {
			t.Errorf("Literal(%q) = %q, want %q", prefix, got, want)
		}
	}
}
