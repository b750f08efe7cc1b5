package assembly

import (
	"encoding/json"
	"testing"
)

// TestFeatureOn: an object without Enabled is on only where Firehose documents the default true.
func TestFeatureOn(t *testing.T) {
	for _, tc := range []struct {
		property, object string
		want             bool
	}{
		{"DataFormatConversionConfiguration", `{"SchemaConfiguration":{"TableName":"t"}}`, true},
		{"DataFormatConversionConfiguration", `{}`, true},
		{"DataFormatConversionConfiguration", `{"Enabled":false}`, false},
		{"DataFormatConversionConfiguration", `{"Enabled":true}`, true},
		{"DataFormatConversionConfiguration", `null`, false},
		{"DynamicPartitioningConfiguration", `{"RetryOptions":{"DurationInSeconds":300}}`, false},
		{"DynamicPartitioningConfiguration", `{"Enabled":true}`, true},
		{"ProcessingConfiguration", `{"Processors":[]}`, false},
	} {
		var v any
		if err := json.Unmarshal([]byte(tc.object), &v); err != nil {
			t.Fatal(err)
		}
		if got := FeatureOn(tc.property, v); got != tc.want {
			t.Errorf("FeatureOn(%s, %s) = %v, want %v", tc.property, tc.object, got, tc.want)
		}
	}
}

// TestCompression: a destination without CompressionFormat writes uncompressed objects.
func TestCompression(t *testing.T) {
	for _, tc := range []struct {
		dest map[string]any
		want string
	}{
		{map[string]any{}, "UNCOMPRESSED"}, {nil, "UNCOMPRESSED"}, {map[string]any{"CompressionFormat": "GZIP"}, "GZIP"},
		{map[string]any{"CompressionFormat": map[string]any{"Ref": "Compression"}}, ""},
	} {
		if got := Compression(tc.dest); got != tc.want {
			t.Errorf("Compression(%v) = %q, want %q", tc.dest, got, tc.want)
		}
	}
}

// TestNumber: CloudFormation takes a number as JSON or as a numeric string; anything else is no number.
func TestNumber(t *testing.T) {
	for _, tc := range []struct {
		v    any
		want float64
		ok   bool
	}{
		{float64(4), 4, true}, {"48", 48, true}, {"2.5", 2.5, true}, {"many", 0, false}, {nil, 0, false},
		{map[string]any{"Ref": "Shards"}, 0, false},
	} {
		if got, ok := Number(tc.v); got != tc.want || ok != tc.ok {
			t.Errorf("Number(%#v) = %v, %v; want %v, %v", tc.v, got, ok, tc.want, tc.ok)
		}
	}
}
