package cost

import (
	"encoding/json"
	"math"
	"testing"

	"github.com/tenant-metrics-lab/tenant-metrics-lab/internal/assembly"
)

// lake is the pipeline writing to the stack's bucket with these lifecycle rules, at rate events/s into objects
// of one 60 s flush.
func lake(t *testing.T, rules []any, minSize string) []assembly.Resource {
	t.Helper()
	r := pipeline(t, `{"CompressionFormat":"GZIP","Prefix":"stream/","BucketARN":{"Fn::GetAtt":["Data","Arn"]},"BufferingHints":{"IntervalInSeconds":60,"SizeInMBs":128}}`)
	cfg := map[string]any{"Rules": rules}
	if minSize != "" {
		cfg["TransitionDefaultMinimumObjectSize"] = minSize
	}
	return append(r, assembly.Resource{ID: "Data", Type: "AWS::S3::Bucket", Properties: map[string]any{"LifecycleConfiguration": cfg}})
}

func items(e *Estimate) map[string]Item {
	m := map[string]Item{}
	for _, i := range e.Items {
		m[i.Service+" "+i.What] = i
	}
	return m
}

// TestStorageFollowsTheLifecycle: delivered objects grow without rules, stop growing at their expiry, and move to
// Standard-IA on the archive day only when they are at least 128 KB (or S3 is told to move smaller ones, which
// Standard-IA then bills as 128 KB each).
func TestStorageFollowsTheLifecycle(t *testing.T) {
	h := Month.Hours()
	gbPerHour := 10 * 40 * 60 * traffic.GzipBytesPerEvent / gib // 10 events/s for 40 s a minute
	expire := map[string]any{"Id": "expire-data", "Prefix": "stream/", "Status": "Enabled", "ExpirationInDays": 60.0}
	archive := map[string]any{"Id": "expire-data", "Prefix": "stream/", "Status": "Enabled", "ExpirationInDays": 90.0,
		"Transitions": []any{map[string]any{"StorageClass": "STANDARD_IA", "TransitionInDays": 30.0}}}
	other := map[string]any{"Id": "expire-errors", "Prefix": "errors/", "Status": "Enabled", "ExpirationInDays": 1.0}

	kept, err := FromResources(lake(t, []any{other}, ""), traffic)
	if err != nil {
		t.Fatal(err)
	}
	s := items(kept)["S3 storage, delivered objects"]
	if math.Abs(s.QuantityIn(1)-gbPerHour*h/2) > 1e-9 || math.Abs(s.QuantityIn(12)-gbPerHour*11.5*h) > 1e-9 {
		t.Errorf("kept: %g GB-months in month 1, %g in month 12; want half a month's writes, then 11.5 months'", s.QuantityIn(1), s.QuantityIn(12))
	}

	expiring, err := FromResources(lake(t, []any{expire, other}, ""), traffic)
	if err != nil {
		t.Fatal(err)
	}
	s = items(expiring)["S3 storage, delivered objects"]
	if math.Abs(s.QuantityIn(1)-gbPerHour*h/2) > 1e-9 || math.Abs(s.QuantityIn(12)-gbPerHour*60*24) > 1e-9 {
		t.Errorf("60 days: %g GB-months in month 1, %g in month 12; want half a month's, then 60 days' writes", s.QuantityIn(1), s.QuantityIn(12))
	}

	// The lab's objects (a minute of GZIP events, about 5 KB) are under 128 KB: nothing moves.
	small, err := FromResources(lake(t, []any{archive}, ""), traffic)
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := items(small)["S3 storage, delivered objects (Standard-IA)"]; ok {
		t.Errorf("objects under 128 KB moved to Standard-IA: %+v", small.Items)
	}
	if s := items(small)["S3 storage, delivered objects"]; math.Abs(s.QuantityIn(12)-gbPerHour*90*24) > 1e-9 {
		t.Errorf("small objects: %g GB-months in Standard in month 12, want 90 days' writes", s.QuantityIn(12))
	}

	// Told to move small objects, S3 moves them on day 30 and Standard-IA bills each as 128 KB.
	moved, err := FromResources(lake(t, []any{archive}, "varies_by_storage_class"), traffic)
	if err != nil {
		t.Fatal(err)
	}
	m := items(moved)
	std, ia, tr := m["S3 storage, delivered objects"], m["S3 storage, delivered objects (Standard-IA)"], m["S3 transitions, delivered objects"]
	objectsPerHour := 60.0
	if math.Abs(std.QuantityIn(12)-gbPerHour*30*24) > 1e-9 ||
		math.Abs(ia.QuantityIn(12)-objectsPerHour*(128<<10)/gib*60*24) > 1e-9 ||
		math.Abs(tr.QuantityIn(12)-objectsPerHour*h) > 1e-9 || math.Abs(tr.QuantityIn(1)-objectsPerHour*(h-720)) > 1e-9 {
		t.Errorf("moved: Standard %g, IA %g GB-months, transitions %g (month 1 %g)", std.QuantityIn(12), ia.QuantityIn(12), tr.QuantityIn(12), tr.QuantityIn(1))
	}
	if ia.Price != S3InfrequentStorage || tr.Price != S3Transition {
		t.Errorf("prices: %+v %+v", ia.Price, tr.Price)
	}
}

// TestBucketKeyRequests: an SSE-KMS bucket asks KMS once per delivered object without an S3 Bucket Key, and with
// one once every five minutes (the estimate's assumption); an SSE-S3 bucket asks nothing.
func TestBucketKeyRequests(t *testing.T) {
	requests := func(encryption string) float64 {
		r := lake(t, nil, "")
		var enc map[string]any
		if err := json.Unmarshal([]byte(encryption), &enc); err != nil {
			t.Fatal(err)
		}
		r[len(r)-1].Properties["BucketEncryption"] = enc
		e, err := FromResources(r, traffic)
		if err != nil {
			t.Fatal(err)
		}
		return e.item("KMS", "requests").Quantity
	}
	objects := 60 * Month.Hours() // one per 60 s flush
	for _, tc := range []struct {
		name, encryption string
		want             float64
	}{
		{"SSE-S3", `{"ServerSideEncryptionConfiguration":[{"ServerSideEncryptionByDefault":{"SSEAlgorithm":"AES256"}}]}`, 0},
		{"SSE-KMS", `{"ServerSideEncryptionConfiguration":[{"ServerSideEncryptionByDefault":{"SSEAlgorithm":"aws:kms"}}]}`, objects},
		{"SSE-KMS with a Bucket Key", `{"ServerSideEncryptionConfiguration":[{"BucketKeyEnabled":true,"ServerSideEncryptionByDefault":{"SSEAlgorithm":"aws:kms"}}]}`, 12 * Month.Hours()},
	} {
		if got := requests(tc.encryption); got != tc.want {
			t.Errorf("%s: %g KMS requests a month, want %g", tc.name, got, tc.want)
		}
	}
}
