package assembly

import (
	"encoding/json"
	"reflect"
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

// TestLifecycleRules reads a rule's prefix from Prefix or Filter, its status, expiry and transitions, and a rule
// without an expiry as 0.
func TestLifecycleRules(t *testing.T) {
	var lc any
	if err := json.Unmarshal([]byte(`{"Rules":[
		{"Id":"abort","Status":"Enabled","AbortIncompleteMultipartUpload":{"DaysAfterInitiation":1}},
		{"Id":"data","Prefix":"stream/","Status":"Enabled","ExpirationInDays":60,"Transitions":[{"StorageClass":"STANDARD_IA","TransitionInDays":30}]},
		{"Id":"filtered","Filter":{"Prefix":"logs/"},"Status":"Disabled","ExpirationInDays":"7"}]}`), &lc); err != nil {
		t.Fatal(err)
	}
	got := LifecycleRules(lc)
	want := []LifecycleRule{
		{Prefix: "", Status: "Enabled", Transitions: map[string]float64{}},
		{Prefix: "stream/", Status: "Enabled", Expiration: 60, Transitions: map[string]float64{"STANDARD_IA": 30}},
		{Prefix: "logs/", Status: "Disabled", Expiration: 7, Transitions: map[string]float64{}},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("rules\n%+v\nwant\n%+v", got, want)
	}
	if LifecycleRules(nil) != nil {
		t.Error("no configuration reads as rules")
	}
}
