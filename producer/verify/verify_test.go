package verify

import (
	"bytes"
	"compress/gzip"
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/aws/smithy-go"

	"github.com/tenant-metrics-lab/tenant-metrics-lab/internal/testing/firehose"
	"github.com/tenant-metrics-lab/tenant-metrics-lab/internal/testing/s3fake"
	"github.com/tenant-metrics-lab/tenant-metrics-lab/producer/telemetry"
)

// fixedTime stamps seed events so the fuzz corpus is stable.
var fixedTime = time.Date(2026, 11, 25, 12, 0, 0, 0, time.UTC)

// events returns n NDJSON events with ids run-first..run-(first+n-1), stamped at ts.
func events(t testing.TB, run string, first, n int, ts time.Time) []byte {
	t.Helper()
	g, err := telemetry.NewGenerator(telemetry.Options{Seed: uint64(first), HasSeed: true, RunID: run, Now: func() time.Time { return ts }})
	if err != nil {
		t.Fatal(err)
	}
	var out []byte
	var e telemetry.Event
	for i := 1; i < first; i++ {
		g.Next(&e) // advance the sequence so ids continue where the previous batch stopped
	}
	for i := 0; i < n; i++ {
		g.Next(&e)
		out = telemetry.AppendNDJSON(out, &e)
	}
	return out
}

func gz(data []byte) []byte {
	var b bytes.Buffer
	w := gzip.NewWriter(&b)
	w.Write(data)
	w.Close()
	return b.Bytes()
}

func key(n int, at time.Time) string {
	return firehose.ObjectKey("stream/", "tenant_metrics_firehose", 1, at.Add(time.Duration(n)*time.Second), fmt.Sprintf("00000000-0000-0000-0000-%012d", n))
}

func run(t *testing.T, srv *s3fake.Server, o Options) *Report {
	t.Helper()
	r, err := Run(t.Context(), srv.Client(), o)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

// TestCleanDeliveryAcrossPages lays out 25 Firehose objects (listed 10 per page) and expects every event once.
func TestCleanDeliveryAcrossPages(t *testing.T) {
	srv := s3fake.Start(t)
	srv.CreateBucket(t, "lab")
	base := time.Date(2026, 11, 25, 10, 0, 0, 0, time.UTC)
	srv.SetTime(base.Add(90 * time.Second))
	for i := 0; i < 25; i++ {
		srv.Put(t, "lab", key(i, base), gz(events(t, "run", i*40+1, 40, base)), "")
	}
	srv.Put(t, "lab", "other/ignored.gz", []byte("not under the prefix"), "")
	r := run(t, srv, Options{Bucket: "lab", PageSize: 10, Expect: 1000, now: func() time.Time { return base.Add(100 * time.Second) }})
	if !r.OK || r.Objects != 25 || r.Events != 1000 || r.Distinct != 1000 || r.Duplicates != 0 || r.Invalid != 0 {
		t.Fatalf("report: %s", r.Text())
	}
	if r.DelaySeconds.P50 != 90 || r.DelaySeconds.Max != 90 || r.NewestObjectAge != 10 {
		t.Errorf("delay %+v, newest age %v", r.DelaySeconds, r.NewestObjectAge)
	}
	total := 0
	for _, n := range r.Tenants {
		total += n
	}
	if total != 1000 || len(r.Metrics) != 3 {
		t.Errorf("per tenant %v, per metric %v", r.Tenants, r.Metrics)
	}
	r = run(t, srv, Options{Bucket: "lab", Expect: 1001})
	if r.OK || !strings.Contains(r.Reason, "expected at least 1001") {
		t.Errorf("--expect 1001 over 1000 events: %s", r.Text())
	}
}

// TestBadDataIsReportedAndTheRestIsRead puts one object per kind of bad data beside good ones.
func TestBadDataIsReportedAndTheRestIsRead(t *testing.T) {
	srv := s3fake.Start(t)
	srv.CreateBucket(t, "lab")
	base := time.Now().UTC()
	good := events(t, "ok", 1, 10, base)
	full := gz(good)
	oversized := append([]byte(`{"type":"`+strings.Repeat("x", MaxEventBytes)+`"}`+"\n"), good[:0]...)
	bad := map[string][]byte{
		"truncated-gzip": full[:len(full)/2],
		"corrupt-gzip":   append(append([]byte{}, full[:20]...), bytes.Repeat([]byte{0xff}, 50)...),
		"empty":          {},
		"non-json-line":  gz([]byte("hello world\n")),
		"long-line":      gz(oversized),
		"wrong-schema":   gz([]byte(`{"type":"Application","workload":"Nope","context":"x","tenant":{"id":"t","name":"n","tier":"free"},"metric":{"name":"Storage","unit":"MB","value":50},"timestamp":1,"metadata":{"user":"user-1","resource":"s3","event_id":"bad-1"}}` + "\n")),
	}
	i := 0
	for name, body := range bad {
		srv.Put(t, "lab", key(i, base)+"."+name, body, "")
		i++
	}
	// Good data in every supported form: NDJSON, the original generator's concatenated objects, plain text
	// with a gzip Content-Encoding header it does not have, and gzip without the header.
	srv.Put(t, "lab", key(100, base), gz(events(t, "a", 1, 10, base)), "")
	srv.Put(t, "lab", key(101, base), gz(bytes.ReplaceAll(events(t, "b", 1, 10, base), []byte("}\n"), []byte("}"))), "")
	srv.Put(t, "lab", key(102, base), events(t, "c", 1, 10, base), "gzip")
	srv.Put(t, "lab", key(103, base), gz(events(t, "d", 1, 10, base)), "")
	// A good event after a bad line in the same object is still read.
	srv.Put(t, "lab", key(104, base), gz(append([]byte("garbage line\n"), events(t, "e", 1, 5, base)...)), "")

	r := run(t, srv, Options{Bucket: "lab"})
	if r.OK {
		t.Fatalf("bad data passed:\n%s", r.Text())
	}
	// The good objects' 45 events, plus whatever the truncated object held before its cut (events that did
	// arrive whole are real).
	if r.Distinct < 45 || r.Distinct > 45+10 || r.Tenants == nil {
		t.Errorf("read %d good events, want the 45 of the good objects\n%s", r.Distinct, r.Text())
	}
	text := r.Text()
	for name, want := range map[string]string{
		"truncated-gzip": "read stopped", "corrupt-gzip": "read stopped", "empty": "empty object",
		"non-json-line": "not JSON", "long-line": "longer than", "wrong-schema": "unknown workload",
	} {
		found := false
		for _, p := range r.Problems {
			if strings.HasSuffix(p.Key, "."+name) && strings.Contains(p.Reason, want) {
				found = true
			}
		}
		if !found {
			t.Errorf("no %q problem reported against the %s object\n%s", want, name, text)
		}
	}
	if !strings.Contains(text, "garbage line") {
		t.Errorf("the junk line in a good object is not reported:\n%s", text)
	}
	var decoded map[string]any
	out, _ := json.Marshal(r)
	if err := json.Unmarshal(out, &decoded); err != nil || decoded["ok"] != false || decoded["invalid"] == nil {
		t.Errorf("JSON report: %s", out)
	}
}

func TestDuplicatesAndSince(t *testing.T) {
	srv := s3fake.Start(t)
	srv.CreateBucket(t, "lab")
	now := time.Now().UTC()
	srv.SetTime(now.Add(-2 * time.Hour))
	srv.Put(t, "lab", key(0, now.Add(-2*time.Hour)), gz(events(t, "old", 1, 10, now)), "")
	srv.SetTime(now.Add(-time.Minute))
	srv.Put(t, "lab", key(1, now), gz(events(t, "new", 1, 10, now)), "")
	srv.Put(t, "lab", key(2, now), gz(events(t, "new", 6, 5, now)), "") // new-6..10 again
	srv.SetTime(time.Time{})

	r := run(t, srv, Options{Bucket: "lab"})
	if r.Events != 25 || r.Distinct != 20 || r.Duplicates != 5 || !r.OK {
		t.Errorf("all: %s", r.Text())
	}
	r = run(t, srv, Options{Bucket: "lab", Since: 10 * time.Minute})
	if r.Objects != 2 || r.Distinct != 10 {
		t.Errorf("--since 10m: %s", r.Text())
	}
}

func TestMissingBucketAndEmptyPrefix(t *testing.T) {
	srv := s3fake.Start(t)
	_, err := Run(t.Context(), srv.Client(), Options{Bucket: "nope"})
	if err == nil || !strings.Contains(err.Error(), "bucket nope does not exist") {
		t.Errorf("missing bucket: %v", err)
	}
	srv.CreateBucket(t, "empty")
	r := run(t, srv, Options{Bucket: "empty"})
	if r.OK || !strings.Contains(r.Reason, "no objects under s3://empty/stream/") {
		t.Errorf("empty prefix: %s", r.Text())
	}
}

// BenchmarkVerify100Objects100kEvents times a full verify of 100 GZIP objects holding 100,000 events, through
// the S3 API of the in-process fake (loopback HTTP).
func BenchmarkVerify100Objects100kEvents(b *testing.B) {
	srv := s3fake.Start(b)
	srv.CreateBucket(b, "lab")
	base := time.Now().UTC()
	for i := 0; i < 100; i++ {
		srv.Put(b, "lab", key(i, base), gz(events(b, fmt.Sprintf("r%d", i), 1, 1000, base)), "")
	}
	b.ResetTimer()
	for b.Loop() {
		r, err := Run(b.Context(), srv.Client(), Options{Bucket: "lab", Expect: 100000})
		if err != nil || !r.OK || r.Distinct != 100000 {
			b.Fatalf("%v %s", err, r.Text())
		}
	}
	b.ReportMetric(float64(b.Elapsed().Seconds())/float64(b.N), "s/verify")
}

func TestAccessDeniedIsOneSentence(t *testing.T) {
	err := describe("lab", &smithy.GenericAPIError{Code: "AccessDenied", Message: "Access Denied"})
	if err.Error() != "access denied to bucket lab (s3:ListBucket and s3:GetObject are needed): Access Denied" {
		t.Errorf("got %q", err)
	}
}

// TestTenantFoldersMatchTheirEvents lays out per-tenant objects (dynamic partitioning's tenant_id=<id>/ folders):
// events in their own tenant's folder pass, an event in another tenant's folder fails the verdict.
func TestTenantFoldersMatchTheirEvents(t *testing.T) {
	srv := s3fake.Start(t)
	srv.CreateBucket(t, "lab")
	g, _ := telemetry.NewGenerator(telemetry.Options{RunID: "tenants"})
	byTenant := map[string][]byte{}
	var e telemetry.Event
	for range 200 {
		g.Next(&e)
		byTenant[e.Tenant.ID] = telemetry.AppendNDJSON(byTenant[e.Tenant.ID], &e)
	}
	at := time.Now().UTC()
	for tenant, data := range byTenant {
		prefix := "stream/tenant_id=" + tenant + "/!{timestamp:yyyy/MM/dd/HH}/"
		srv.Put(t, "lab", firehose.ObjectKey(prefix, "tenant_metrics_firehose", 1, at, tenant), gz(data), "")
	}
	if r := run(t, srv, Options{Bucket: "lab", Expect: 200}); !r.OK || r.WrongTenant != 0 {
		t.Fatalf("correct folders: %s", r.Text())
	}
	// One event of tenant-id-2 delivered into tenant-id-1's folder.
	g.Next(&e)
	for e.Tenant.ID != "tenant-id-2" {
		g.Next(&e)
	}
	srv.Put(t, "lab", "stream/tenant_id=tenant-id-1/2026/11/29/01/misplaced.gz", gz(telemetry.AppendNDJSON(nil, &e)), "")
	r := run(t, srv, Options{Bucket: "lab"})
	if r.OK || r.WrongTenant != 1 || !strings.Contains(r.Reason, "1 events in another tenant's tenant_id=... folder") ||
		!strings.Contains(r.Text(), "event of tenant tenant-id-2 in the folder of tenant tenant-id-1") {
		t.Fatalf("misplaced event: %s", r.Text())
	}
}
