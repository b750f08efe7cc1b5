package verify

import (
	"bytes"
	"compress/gzip"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/aws/smithy-go"

	"github.com/tenant-metrics-lab/tenant-metrics-lab/internal/event"
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
	var e event.Event
	for i := 1; i < first; i++ {
		g.Next(&e) // advance the sequence so ids continue where the previous batch stopped
	}
	for i := 0; i < n; i++ {
		g.Next(&e)
		out = event.AppendNDJSON(out, &e)
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
	var e event.Event
	for range 200 {
		g.Next(&e)
		byTenant[e.Tenant.ID] = event.AppendNDJSON(byTenant[e.Tenant.ID], &e)
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
	srv.Put(t, "lab", "stream/tenant_id=tenant-id-1/2026/11/29/01/misplaced.gz", gz(event.AppendNDJSON(nil, &e)), "")
	r := run(t, srv, Options{Bucket: "lab"})
	if r.OK || r.WrongTenant != 1 || !strings.Contains(r.Reason, "1 events in another tenant's tenant_id=... folder") ||
		!strings.Contains(r.Text(), "event of tenant tenant-id-2 in the folder of tenant tenant-id-1") {
		t.Fatalf("misplaced event: %s", r.Text())
	}
}

// errorRecords returns n Firehose error documents, one per line as Firehose writes them, each wrapping a
// base64 event. codeField is how the kind of failure spells it: errorCode (processing, delivery), ErrorCode or
// lastErrorCode (format conversion).
func errorRecords(t testing.TB, n int, codeField, code, message string) []byte {
	t.Helper()
	raw := events(t, "diverted", 1, n, fixedTime)
	var out []byte
	for _, line := range bytes.SplitAfter(raw, []byte("\n")) {
		if len(line) == 0 {
			continue
		}
		doc, err := json.Marshal(map[string]any{
			"attemptsMade": 4, "arrivalTimestamp": fixedTime.UnixMilli(), codeField: code, "errorMessage": message,
			"attemptEndingTimestamp": fixedTime.UnixMilli() + 1000, "rawData": base64.StdEncoding.EncodeToString(line),
		})
		if err != nil {
			t.Fatal(err)
		}
		out = append(append(out, doc...), '\n')
	}
	return out
}

func errorKey(folder string, n int) string {
	return fmt.Sprintf("errors/%s2026/11/25/10/tenant_metrics_firehose-1-2026-11-25-10-00-00-00000000-0000-0000-0000-%012d", folder, n)
}

// cleanDelivery puts 10 good events under stream/, so that only the error prefix decides the verdict.
func cleanDelivery(t *testing.T, srv *s3fake.Server) {
	t.Helper()
	srv.Put(t, "lab", key(0, time.Now().UTC()), gz(events(t, "ok", 1, 10, time.Now().UTC())), "")
}

// TestNoErrorObjectsLeavesTheVerdict: an empty error prefix (and objects under look-alike prefixes) changes
// nothing; the report still says what it looked at.
func TestNoErrorObjectsLeavesTheVerdict(t *testing.T) {
	srv := s3fake.Start(t)
	srv.CreateBucket(t, "lab")
	cleanDelivery(t, srv)
	srv.Put(t, "lab", "errors-archive/processing-failed/x", errorRecords(t, 3, "errorCode", "Lambda.FunctionError", "boom"), "")
	r := run(t, srv, Options{Bucket: "lab", Expect: 10})
	if !r.OK || r.Errors.Objects != 0 || r.Errors.Records != 0 || r.Errors.Prefix != DefaultErrorPrefix {
		t.Fatalf("no error objects: %+v\n%s", r.Errors, r.Text())
	}
	if !strings.Contains(r.Text(), "error prefix s3://lab/errors/: 0 objects, 0 records diverted\n") {
		t.Errorf("text report:\n%s", r.Text())
	}
	out, _ := json.Marshal(r)
	var decoded struct {
		OK     bool `json:"ok"`
		Errors struct {
			Prefix  string         `json:"prefix"`
			Records *int           `json:"records"`
			Types   map[string]int `json:"records_per_type"`
		} `json:"errors"`
	}
	if err := json.Unmarshal(out, &decoded); err != nil || !decoded.OK || decoded.Errors.Prefix != "errors/" ||
		decoded.Errors.Records == nil || *decoded.Errors.Records != 0 || decoded.Errors.Types == nil {
		t.Errorf("JSON report: %v %s", err, out)
	}
}

// TestDivertedRecordsFailTheVerdict: records under two error output types, GZIP and plain, are counted per type
// (the key's folder after the error prefix), and the verdict fails naming each type and its count.
func TestDivertedRecordsFailTheVerdict(t *testing.T) {
	srv := s3fake.Start(t)
	srv.CreateBucket(t, "lab")
	cleanDelivery(t, srv)
	srv.Put(t, "lab", errorKey("processing-failed/", 1), gz(errorRecords(t, 7, "errorCode", "Lambda.FunctionError", "The Lambda function was successfully invoked but it returned an error result.")), "")
	srv.Put(t, "lab", errorKey("processing-failed/", 2), errorRecords(t, 5, "errorCode", "Lambda.FunctionError", "again"), "")
	srv.Put(t, "lab", errorKey("format-conversion-failed/", 3), errorRecords(t, 5, "lastErrorCode", "DataFormatConversion.ParseError", "bad"), "")
	r := run(t, srv, Options{Bucket: "lab", Expect: 10})
	d := r.Errors
	if r.OK || d.Objects != 3 || d.Records != 17 || d.Types["processing-failed"] != 12 || d.Types["format-conversion-failed"] != 5 ||
		d.Codes["processing-failed"]["Lambda.FunctionError"] != 12 || d.Codes["format-conversion-failed"]["DataFormatConversion.ParseError"] != 5 ||
		d.Unread != 0 || d.Bytes == 0 {
		t.Fatalf("diverted: %+v\n%s", d, r.Text())
	}
	want := "Firehose diverted 17 records to the error prefix s3://lab/errors/: processing-failed 12, format-conversion-failed 5"
	if r.Reason != want {
		t.Errorf("reason %q, want %q", r.Reason, want)
	}
	text := r.Text()
	for _, s := range []string{
		"error prefix s3://lab/errors/: 3 objects, 17 records diverted: processing-failed 12, format-conversion-failed 5\n",
		"  processing-failed: Lambda.FunctionError=12 (e.g. ", "FAILED: " + want,
	} {
		if !strings.Contains(text, s) {
			t.Errorf("text report lacks %q:\n%s", s, text)
		}
	}
	// Another failure of the data path keeps its own sentence after the diverted one.
	r = run(t, srv, Options{Bucket: "lab", Expect: 11})
	if !strings.HasPrefix(r.Reason, want+"; ") || !strings.HasSuffix(r.Reason, "expected at least 11") {
		t.Errorf("with --expect 11: %q", r.Reason)
	}
}

// TestErrorPrefixWithoutTypeGroupsByCode: an error prefix without !{firehose:error-output-type} puts no type in
// the key, so records are grouped by the errorCode they carry (any spelling), or unknown.
func TestErrorPrefixWithoutTypeGroupsByCode(t *testing.T) {
	srv := s3fake.Start(t)
	srv.CreateBucket(t, "lab")
	cleanDelivery(t, srv)
	srv.Put(t, "lab", "failed/2026/11/25/10/a", errorRecords(t, 2, "errorCode", "Lambda.FunctionError", "x"), "")
	srv.Put(t, "lab", "failed/2026/11/25/10/b", gz(errorRecords(t, 3, "ErrorCode", "DataFormatConversion.ParseError", "y")), "")
	srv.Put(t, "lab", "failed/2026/11/25/10/c", []byte(`{"attemptsMade":1,"rawData":"e30="}`+"\n"), "")
	r := run(t, srv, Options{Bucket: "lab", ErrorPrefix: "failed/"})
	if r.OK || r.Errors.Records != 6 || r.Errors.Types["Lambda.FunctionError"] != 2 ||
		r.Errors.Types["DataFormatConversion.ParseError"] != 3 || r.Errors.Types[UnknownErrorType] != 1 {
		t.Fatalf("grouped by code: %+v\n%s", r.Errors, r.Text())
	}
	// An error prefix given with its expression is cut to the literal part, like the stack's ErrorPrefix output.
	r = run(t, srv, Options{Bucket: "lab", ErrorPrefix: "failed/!{firehose:error-output-type}/"})
	if r.Errors.Prefix != "failed/" || r.Errors.Records != 6 {
		t.Errorf("prefix with expression: %+v", r.Errors)
	}
	// Firehose puts the type folder after a date when the expression comes later.
	srv.Put(t, "lab", "late/2026/11/partitioning-failed/d", errorRecords(t, 1, "errorCode", "DynamicPartitioning.MetadataExtractionFailed", "z"), "")
	r = run(t, srv, Options{Bucket: "lab", ErrorPrefix: "late/"})
	if r.Errors.Types["partitioning-failed"] != 1 {
		t.Errorf("type after a date: %+v", r.Errors)
	}
}

// TestSinceExcludesOldErrorObjects: the error prefix is read within the same --since window as the data.
func TestSinceExcludesOldErrorObjects(t *testing.T) {
	srv := s3fake.Start(t)
	srv.CreateBucket(t, "lab")
	now := time.Now().UTC()
	srv.SetTime(now.Add(-2 * time.Hour))
	srv.Put(t, "lab", errorKey("processing-failed/", 1), errorRecords(t, 4, "errorCode", "Lambda.FunctionError", "old"), "")
	srv.SetTime(now.Add(-time.Minute))
	cleanDelivery(t, srv)
	srv.SetTime(time.Time{})
	if r := run(t, srv, Options{Bucket: "lab", Since: 10 * time.Minute}); !r.OK || r.Errors.Objects != 0 {
		t.Errorf("--since 10m: %s", r.Text())
	}
	if r := run(t, srv, Options{Bucket: "lab"}); r.OK || r.Errors.Types["processing-failed"] != 4 {
		t.Errorf("all: %s", r.Text())
	}
}

// TestMalformedErrorObjects: bad GZIP, non-JSON lines, JSON that is no object, an empty or oversized object are
// each counted as an unknown record and reported against their key; the readable records are still counted.
func TestMalformedErrorObjects(t *testing.T) {
	srv := s3fake.Start(t)
	srv.CreateBucket(t, "lab")
	cleanDelivery(t, srv)
	good := gz(errorRecords(t, 10, "errorCode", "Lambda.FunctionError", "x"))
	bad := map[string][]byte{
		"corrupt-gzip":   append(append([]byte{}, good[:20]...), bytes.Repeat([]byte{0xff}, 50)...),
		"gzip-header":    {0x1f, 0x8b, 0x00},
		"not-json":       []byte("hello world\n"),
		"json-array":     []byte("[1,2,3]\n"),
		"wrong-types":    []byte(`{"errorCode":5}` + "\n"),
		"empty":          {},
		"oversized":      append([]byte(`{"rawData":"`+strings.Repeat("A", MaxErrorRecordBytes)+`"}`+"\n"), errorRecords(t, 1, "errorCode", "Lambda.FunctionError", "after")...),
		"half-good-gzip": good[:len(good)-10],
	}
	i := 0
	for name, body := range bad {
		srv.Put(t, "lab", errorKey("processing-failed/", i)+"."+name, body, "")
		i++
	}
	r := run(t, srv, Options{Bucket: "lab"})
	d := r.Errors
	if r.OK || d.Objects != len(bad) || d.Types[UnknownErrorType] < len(bad) || d.Unread != d.Types[UnknownErrorType] ||
		d.Records != d.Types[UnknownErrorType]+d.Types["processing-failed"] || d.Types["processing-failed"] < 1 {
		t.Fatalf("malformed: %+v\n%s", d, r.Text())
	}
	for name := range bad {
		found := false
		for _, p := range d.Problems {
			found = found || strings.HasSuffix(p.Key, "."+name)
		}
		if !found {
			t.Errorf("no problem reported against the %s object\n%s", name, r.Text())
		}
	}
	if !strings.Contains(r.Reason, "unknown ") || !strings.Contains(r.Text(), "  unreadable: errors/processing-failed/") {
		t.Errorf("report:\n%s", r.Text())
	}
}

// TestErrorPrefixUnderTheDataPrefix: when the error prefix lies under the data prefix, its objects count as
// diverted records, not as invalid events; the same prefix for both is refused.
func TestErrorPrefixUnderTheDataPrefix(t *testing.T) {
	srv := s3fake.Start(t)
	srv.CreateBucket(t, "lab")
	cleanDelivery(t, srv)
	srv.Put(t, "lab", "stream/errors/processing-failed/x", errorRecords(t, 2, "errorCode", "Lambda.FunctionError", "x"), "")
	r := run(t, srv, Options{Bucket: "lab", ErrorPrefix: "stream/errors/"})
	if r.Invalid != 0 || r.Objects != 1 || r.Errors.Types["processing-failed"] != 2 {
		t.Errorf("nested prefixes: %s", r.Text())
	}
	if _, err := Run(t.Context(), srv.Client(), Options{Bucket: "lab", Prefix: "errors/"}); err == nil {
		t.Error("the same data and error prefix was accepted")
	}
}
