package updates

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/tenant-metrics-lab/tenant-metrics-lab/internal/assembly"
)

// stream is a one-resource template of a delivery stream with the given ExtendedS3DestinationConfiguration.
func stream(t *testing.T, destination string) assembly.Template {
	t.Helper()
	var dest map[string]any
	if err := json.Unmarshal([]byte(destination), &dest); err != nil {
		t.Fatal(err)
	}
	return assembly.Template{Resources: map[string]assembly.Resource{"DeliveryStream": {
		Type:       deliveryStreamType,
		Properties: map[string]any{"DeliveryStreamName": "s", "ExtendedS3DestinationConfiguration": dest},
	}}}
}

func lines(findings []Finding) string {
	var b strings.Builder
	for _, f := range findings {
		b.WriteString(f.String() + "\n")
	}
	return b.String()
}

// TestFirehoseKeepsWhatTheTemplateLeavesOut: every destination property only the base has is a finding naming it.
func TestFirehoseKeepsWhatTheTemplateLeavesOut(t *testing.T) {
	for _, tc := range []struct {
		name, base, head string
		want             []string // each a line's word and a part of it
	}{
		{"json to parquet, compression left out", `{"CompressionFormat":"GZIP","Prefix":"stream/"}`,
			`{"Prefix":"stream/","DataFormatConversionConfiguration":{"Enabled":true},"FileExtension":".parquet"}`,
			[]string{"FAILS|CompressionFormat|deployed value GZIP", "FAILS|CompressionFormat|refuses format conversion"}},
		{"parquet to json, conversion left out", `{"CompressionFormat":"UNCOMPRESSED","DataFormatConversionConfiguration":{"Enabled":true,"SchemaConfiguration":{"TableName":"t"}},"FileExtension":".parquet"}`,
			`{"CompressionFormat":"GZIP"}`,
			[]string{"FAILS|ExtendedS3DestinationConfiguration/DataFormatConversionConfiguration|keeps", "FAILS|FileExtension|.parquet", "FAILS|CompressionFormat|refuses"}},
		{"a nested property left out", `{"DataFormatConversionConfiguration":{"Enabled":true,"SchemaConfiguration":{"TableName":"t","VersionId":"1"}}}`,
			`{"DataFormatConversionConfiguration":{"Enabled":true,"SchemaConfiguration":{"TableName":"t"}}}`,
			[]string{"FAILS|DataFormatConversionConfiguration/SchemaConfiguration/VersionId|deployed value 1"}},
		{"details kept under a switched-off object", `{"DataFormatConversionConfiguration":{"Enabled":true,"SchemaConfiguration":{"TableName":"t"}}}`,
			`{"DataFormatConversionConfiguration":{"Enabled":false}}`,
			[]string{"KEEPS|DataFormatConversionConfiguration/SchemaConfiguration|switches DataFormatConversionConfiguration off"}},
		{"an intrinsic is a value", `{"BucketARN":{"Fn::GetAtt":["B","Arn"]}}`, `{"BucketARN":{"Fn::Join":["",["arn:aws:s3:::b"]]}}`, nil},
		{"an off value left out", `{"CompressionFormat":"UNCOMPRESSED","FileExtension":"","ProcessingConfiguration":{"Enabled":false}}`, `{}`,
			[]string{"KEEPS|CompressionFormat|off value", "KEEPS|FileExtension", "KEEPS|ProcessingConfiguration"}},
		// Enabled defaults to true once the object is given (assembly.FeatureOn), so the GZIP the head keeps is refused.
		{"conversion given without Enabled", `{"CompressionFormat":"GZIP"}`,
			`{"CompressionFormat":"GZIP","DataFormatConversionConfiguration":{"SchemaConfiguration":{"TableName":"t"}}}`,
			[]string{"FAILS|CompressionFormat|refuses format conversion"}},
		{"everything pinned", `{"CompressionFormat":"GZIP","DataFormatConversionConfiguration":{"Enabled":false},"FileExtension":""}`,
			`{"CompressionFormat":"UNCOMPRESSED","DataFormatConversionConfiguration":{"Enabled":true,"SchemaConfiguration":{"TableName":"t"}},"FileExtension":".parquet"}`, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			found := Compare("Lab", stream(t, tc.base), stream(t, tc.head), nil)
			if len(found) != len(tc.want) {
				t.Errorf("want %d findings, got:\n%s", len(tc.want), lines(found))
			}
			for _, w := range tc.want {
				parts := strings.Split(w, "|")
				ok := false
				for _, f := range found {
					l := f.String()
					match := strings.HasPrefix(l, parts[0]+" ")
					for _, p := range parts[1:] {
						match = match && strings.Contains(l, p)
					}
					ok = ok || match
				}
				if !ok {
					t.Errorf("no finding %q in:\n%s", w, lines(found))
				}
			}
		})
	}
}

func TestShardChains(t *testing.T) {
	for _, tc := range []struct {
		b, a float64
		want string
	}{
		{1, 2, "2"}, {1, 10, "2 4 8 10"}, {8, 1, "4 2 1"}, {10, 3, "5 3"}, {5, 3, "3"}, {1, 50, "2 4 8 16 32 50"},
	} {
		var got []string
		for _, n := range shardChain(tc.b, tc.a) {
			got = append(got, jsonString(n))
		}
		if strings.Join(got, " ") != tc.want {
			t.Errorf("%g -> %g: got %v, want %s", tc.b, tc.a, got, tc.want)
		}
	}
}

func jsonString(v any) string { j, _ := json.Marshal(v); return string(j) }

func TestShardCountFindings(t *testing.T) {
	check := refusals[0].check
	if refusals[0].path != "ShardCount" {
		t.Fatal("refusals[0] is not ShardCount")
	}
	if v := check(1.0, 2.0); v.word != Interrupts {
		t.Errorf("1 -> 2: %+v", v)
	}
	v := check(1.0, 10.0)
	if v.word != Fails || !strings.Contains(v.wayOut, "deploy in 4 steps") || !strings.Contains(v.wayOut, "-c shardCount=2, then 4, then 8, then 10") {
		t.Errorf("1 -> 10: %+v", v)
	}
	if v := check(8.0, 1.0); !strings.Contains(v.wayOut, "-c shardCount=4, then 2, then 1") {
		t.Errorf("8 -> 1: %+v", v)
	}
	// More than ten steps cannot be done in one day.
	if n := len(shardChain(1, 5000)); n <= maxScalingsPerDay {
		t.Fatalf("chain 1 -> 5000 has %d steps", n)
	}
	if v := check(1.0, 5000.0); !strings.Contains(v.wayOut, "spread the steps over 2 days") {
		t.Errorf("1 -> 5000: %+v", v)
	}
}

// TestARenamedStackIsASecondDeployment: cdk deploy deletes no stack, so a stack only the base has keeps running.
func TestARenamedStackIsASecondDeployment(t *testing.T) {
	f := left("TenantMetricsLab", []string{"alice-TenantMetricsLab"})
	if f.Word != Keeps || !strings.Contains(f.String(), "cdk destroy TenantMetricsLab") || !strings.Contains(f.String(), "billing") {
		t.Errorf("%s", f)
	}
}

// TestRetentionFindings: a shorter retention loses records, read from a number or a numeric string, and a base
// without RetentionPeriodHours has Kinesis' 24 hours.
func TestRetentionFindings(t *testing.T) {
	check := refusals[1].check
	if refusals[1].path != "RetentionPeriodHours" {
		t.Fatal("refusals[1] is not RetentionPeriodHours")
	}
	for _, tc := range []struct {
		before, after any
		loses         bool
	}{
		{48.0, 24.0, true}, {"48", "24", true}, {nil, 48.0, false}, {48.0, nil, false}, {24.0, 48.0, false},
		{nil, "48", false}, {map[string]any{"Ref": "Hours"}, 24.0, false},
	} {
		v := check(tc.before, tc.after)
		if (v != nil && v.word == LosesData) != tc.loses {
			t.Errorf("%#v -> %#v: %+v, want LOSES DATA %v", tc.before, tc.after, v, tc.loses)
		}
	}
}

// TestShortenedRetentionLosesData: a new or shorter expiration of a prefix deletes the objects already there past
// the new age; a longer one, one removed, a disabled one or the abort-uploads rule loses nothing.
func TestShortenedRetentionLosesData(t *testing.T) {
	rule := func(prefix string, days float64) map[string]any {
		return map[string]any{"Id": "r" + prefix, "Prefix": prefix, "ExpirationInDays": days, "Status": "Enabled"}
	}
	lc := func(rules ...map[string]any) map[string]any {
		l := []any{map[string]any{"Id": "abort", "AbortIncompleteMultipartUpload": map[string]any{"DaysAfterInitiation": 1.0}, "Status": "Enabled"}}
		for _, r := range rules {
			l = append(l, r)
		}
		return map[string]any{"Rules": l}
	}
	disabled := rule("stream/", 1)
	disabled["Status"] = "Disabled"
	for _, tc := range []struct {
		name          string
		before, after any
		want          string // the lost objects, "" for none
	}{
		{"a first expiry", nil, lc(rule("stream/", 30)), "the objects under stream/ older than 30 days"},
		{"from keep", lc(), lc(rule("stream/", 30), rule("errors/", 30)), "the objects under errors/ older than 30 days; objects under stream/ older than 30 days"},
		{"shortened", lc(rule("stream/", 60)), lc(rule("stream/", 30)), "the objects under stream/ older than 30 days"},
		{"as a string", lc(rule("stream/", 60)), lc(map[string]any{"Prefix": "stream/", "ExpirationInDays": "7"}), "the objects under stream/ older than 7 days"},
		{"the whole bucket", lc(), lc(rule("", 5)), "the objects anywhere in the bucket older than 5 days"},
		{"lengthened", lc(rule("stream/", 30)), lc(rule("stream/", 60)), ""},
		{"unchanged", lc(rule("stream/", 30)), lc(rule("stream/", 30)), ""},
		{"removed", lc(rule("stream/", 30)), lc(), ""},
		{"abort only", nil, lc(), ""},
		{"disabled", lc(), lc(disabled), ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			v := shortenedExpiry(tc.before, tc.after)
			switch {
			case tc.want == "" && v != nil:
				t.Errorf("want nothing, got %+v", v)
			case tc.want != "" && (v == nil || v.word != LosesData || v.what != tc.want || !strings.Contains(v.reason, "objects already in the bucket") || !strings.Contains(v.reason, expirationPage)):
				t.Errorf("want LOSES DATA of %q, got %+v", tc.want, v)
			}
		})
	}
	// Through Compare: the bucket updated in place names the property.
	bucket := func(lcv any) assembly.Template {
		return assembly.Template{Resources: map[string]assembly.Resource{"DataBucket": {Type: "AWS::S3::Bucket", Properties: map[string]any{"LifecycleConfiguration": lcv}}}}
	}
	found := Compare("Lab", bucket(lc()), bucket(lc(rule("stream/", 30))), nil)
	if len(found) != 1 || found[0].Word != LosesData || found[0].Property != "LifecycleConfiguration" || !strings.Contains(found[0].Brief(), "objects under stream/ older than 30 days") {
		t.Errorf("Compare: %s", lines(found))
	}
}
