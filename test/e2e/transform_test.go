package e2e

import (
	"bytes"
	"compress/gzip"
	"context"
	"encoding/json"
	"errors"
	"io"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/kinesis"
	"github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/tenant-metrics-lab/tenant-metrics-lab/internal/event"
	"github.com/tenant-metrics-lab/tenant-metrics-lab/internal/testing/firehose"
	"github.com/tenant-metrics-lab/tenant-metrics-lab/internal/testing/kinesisemu"
	"github.com/tenant-metrics-lab/tenant-metrics-lab/internal/testing/s3fake"
	"github.com/tenant-metrics-lab/tenant-metrics-lab/producer/send"
	"github.com/tenant-metrics-lab/tenant-metrics-lab/producer/streamwriter"
	"github.com/tenant-metrics-lab/tenant-metrics-lab/producer/telemetry"
	"github.com/tenant-metrics-lab/tenant-metrics-lab/producer/verify"
	"github.com/tenant-metrics-lab/tenant-metrics-lab/transformer/redact"
)

// malformed are records a broken producer could write: not JSON, an event with a field the schema lacks, and
// an event of an unknown user. The transformer fails each; Firehose writes them under processing-failed.
var malformed = []string{
	"tenant=t-001 value=3\n",
	`{"type":"TenantMetrics","surprise":true}` + "\n",
	`{"type":"TenantMetrics","workload":"WebWorkload","context":"Login","tenant":{"id":"x"},"metric":{},"timestamp":1,"metadata":{"user":"mallory","resource":"ec2","event_id":"bad-1"}}` + "\n",
}

const transformerArn = "arn:aws:lambda:us-east-1:123456789012:function:TenantMetricsLab-Transformer"

// TestTransformRedactsAndDivertsMalformedEvents runs producer -> Kinesis -> the Firehose stand-in with the real
// transformer (redact.Record) -> S3, with KPL aggregation (Firehose hands the function de-aggregated records),
// with source record backup, and with per-tenant folders and Parquet conversion after the transformation:
// metadata.user never reaches the data prefix, every real event arrives exactly once, the malformed records lie
// under errors/processing-failed/ as Firehose's error records, and the backup holds the untransformed records.
func TestTransformRedactsAndDivertsMalformedEvents(t *testing.T) {
	query, prefix := templatePartitioning(t, "tenant-partitioning")
	for _, tc := range []struct {
		name      string
		aggregate bool
		backup    bool
		layout    layout
	}{
		{"aggregated", true, false, layout{prefix: "stream/"}},
		{"backup", false, true, layout{prefix: "stream/"}},
		{"tenant-parquet", true, false, layout{prefix: prefix, query: query, parquet: true}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			const n = 2000
			s3srv, report := deliverTransformed(t, n, tc.aggregate, tc.backup, tc.layout)
			if report.Distinct != n || report.Events != n || report.Duplicates != 0 || report.Invalid != 0 || report.WrongTenant != 0 {
				t.Fatalf("verify:\n%s", report.Text())
			}
			if got := report.Errors.Types[firehose.ProcessingFailed]; got != len(malformed) || report.Errors.Records != len(malformed) {
				t.Fatalf("%d processing-failed records (%d diverted in all), want %d:\n%s", got, report.Errors.Records, len(malformed), report.Text())
			}
			var data, failed, backup []string
			for _, k := range s3srv.Keys(t, "lab-bucket") {
				switch {
				case strings.HasPrefix(k, "stream/"):
					data = append(data, k)
				case strings.HasPrefix(k, "errors/"+firehose.ProcessingFailed+"/"):
					failed = append(failed, k)
				case strings.HasPrefix(k, "backup/"):
					backup = append(backup, k)
				default:
					t.Fatalf("object %s outside the data, processing-failed and backup prefixes", k)
				}
			}
			checkRedacted(t, s3srv, data, tc.layout.parquet)
			checkProcessingFailed(t, s3srv, failed)
			if tc.backup != (len(backup) > 0) {
				t.Fatalf("backup=%v, %d backup objects", tc.backup, len(backup))
			}
			if tc.backup {
				checkBackup(t, s3srv, backup, n)
			}
		})
	}
}

// deliverTransformed sends n events and the malformed records through the emulator and the stand-in with the
// transformer, and returns the S3 server and verify's report once every event and every failure has arrived.
func deliverTransformed(t *testing.T, n int, aggregate, backup bool, l layout) (*s3fake.Server, *verify.Report) {
	t.Helper()
	emu := kinesisemu.Require(t)
	stream := emu.NewStream(t, 2)
	s3srv := s3fake.Start(t)
	s3srv.CreateBucket(t, "lab-bucket")
	// The error and backup prefixes are the committed template's (which the golden test keeps equal to the synth).
	dest := templateDestination(t, "transform-backup")
	if dest["S3BackupMode"] != "Enabled" || !transformsWithLambda(dest) {
		t.Fatalf("the transform-backup template does not transform and back up: %v", dest)
	}
	opts := firehose.Options{
		Stream: stream, DeliveryStream: "tenant_metrics_firehose", Bucket: "lab-bucket", Prefix: l.prefix,
		BufferBytes: 1 << 20, BufferInterval: time.Second, Poll: 100 * time.Millisecond, PartitionQuery: l.query,
		Parquet: l.parquet, ErrorPrefix: dest["ErrorOutputPrefix"].(string), LambdaArn: transformerArn,
		Transform: func(data []byte) ([]byte, string) {
			out, result, _ := redact.Record(data)
			return out, result
		},
	}
	if backup {
		opts.BackupPrefix = dest["S3BackupConfiguration"].(map[string]any)["Prefix"].(string)
	}
	deliverCtx, stopDelivery := context.WithCancel(t.Context())
	delivered := make(chan error, 1)
	go func() { delivered <- firehose.Deliver(deliverCtx, emu.Client(), s3srv.Client(), opts) }()
	defer stopDelivery()

	ctx, cancel := context.WithTimeout(t.Context(), 2*time.Minute)
	defer cancel()
	for i, m := range malformed {
		if _, err := emu.Client().PutRecord(ctx, &kinesis.PutRecordInput{StreamName: aws.String(stream), Data: []byte(m), PartitionKey: aws.String(string(rune('a' + i)))}); err != nil {
			t.Fatal(err)
		}
	}
	sum, err := send.Run(ctx, emu.Client(), send.Options{
		Stream: stream, Rate: 0, Count: int64(n), PartitionKey: send.KeyTenant, Generator: telemetry.Options{RunID: "redact"},
		Writer: streamwriter.Options{Aggregate: aggregate},
	})
	if err != nil || sum.Accepted != int64(n) {
		t.Fatalf("send: %v (%s)", err, sum)
	}
	done := func(r *verify.Report) bool { return r.Distinct >= n && r.Errors.Records >= len(malformed) }
	var report *verify.Report
	for deadline := time.Now().Add(time.Minute); ; time.Sleep(500 * time.Millisecond) {
		report, err = verify.Run(ctx, s3srv.Client(), verify.Options{Bucket: "lab-bucket", Prefix: "stream/", Expect: n})
		if err != nil {
			t.Fatalf("verify: %v", err)
		}
		if done(report) || time.Now().After(deadline) {
			break
		}
	}
	stopDelivery()
	if err := <-delivered; err != nil && !errors.Is(err, context.Canceled) {
		t.Fatalf("delivery stand-in: %v", err)
	}
	if report, err = verify.Run(ctx, s3srv.Client(), verify.Options{Bucket: "lab-bucket", Prefix: "stream/", Expect: n}); err != nil {
		t.Fatal(err)
	}
	t.Logf("%s", report.Text())
	return s3srv, report
}

// object reads one object, GZIP-decompressed when it is.
func object(t *testing.T, s3srv *s3fake.Server, key string) []byte {
	t.Helper()
	out, err := s3srv.Client().GetObject(t.Context(), &s3.GetObjectInput{Bucket: aws.String("lab-bucket"), Key: aws.String(key)})
	if err != nil {
		t.Fatal(err)
	}
	defer out.Body.Close()
	body, err := io.ReadAll(out.Body)
	if err != nil {
		t.Fatal(err)
	}
	if bytes.HasPrefix(body, []byte{0x1f, 0x8b}) {
		gz, err := gzip.NewReader(bytes.NewReader(body))
		if err != nil {
			t.Fatal(err)
		}
		if body, err = io.ReadAll(gz); err != nil {
			t.Fatal(err)
		}
	}
	return body
}

// checkRedacted: no delivered object holds a user, in the JSON text or, converted, in the Parquet rows.
func checkRedacted(t *testing.T, s3srv *s3fake.Server, keys []string, parquet bool) {
	t.Helper()
	if len(keys) == 0 {
		t.Fatal("no delivered objects")
	}
	for _, k := range keys {
		body := object(t, s3srv, k)
		if !parquet {
			if bytes.Contains(body, []byte(`"user"`)) {
				t.Fatalf("%s holds metadata.user", k)
			}
			continue
		}
		rows := 0
		verify.DecodeParquet(bytes.NewReader(body), func(e *event.Event, _ verify.Position) {
			rows++
			if e.Metadata.User != "" {
				t.Fatalf("%s: event %s has user %q", k, e.Metadata.EventID, e.Metadata.User)
			}
		}, func(p verify.Position, why string) { t.Fatalf("%s at %+v: %s", k, p, why) })
		if rows == 0 {
			t.Fatalf("%s holds no rows", k)
		}
	}
}

// checkProcessingFailed: the objects under processing-failed hold one error record per malformed record, in the
// format Firehose documents, with the original data.
func checkProcessingFailed(t *testing.T, s3srv *s3fake.Server, keys []string) {
	t.Helper()
	var raw []string
	for _, k := range keys {
		for line := range strings.SplitSeq(strings.TrimSpace(string(object(t, s3srv, k))), "\n") {
			var r struct {
				AttemptsMade           *int   `json:"attemptsMade"`
				ArrivalTimestamp       int64  `json:"arrivalTimestamp"`
				ErrorCode              string `json:"errorCode"`
				ErrorMessage           string `json:"errorMessage"`
				AttemptEndingTimestamp int64  `json:"attemptEndingTimestamp"`
				RawData                []byte `json:"rawData"`
				LambdaArn              string `json:"lambdaArn"`
			}
			dec := json.NewDecoder(strings.NewReader(line))
			dec.DisallowUnknownFields()
			if err := dec.Decode(&r); err != nil {
				t.Fatalf("%s: error record %q: %v", k, line, err)
			}
			if r.AttemptsMade == nil || r.ArrivalTimestamp <= 0 || r.AttemptEndingTimestamp < r.ArrivalTimestamp || r.ErrorCode == "" || r.ErrorMessage == "" || r.LambdaArn != transformerArn {
				t.Fatalf("%s: incomplete error record %s", k, line)
			}
			raw = append(raw, string(r.RawData))
		}
	}
	want := slices.Clone(malformed)
	slices.Sort(raw)
	slices.Sort(want)
	if !slices.Equal(raw, want) {
		t.Fatalf("processing-failed raw data %q, want the malformed records %q", raw, want)
	}
}

// checkBackup: the backup holds every source record untransformed, users and malformed records included.
func checkBackup(t *testing.T, s3srv *s3fake.Server, keys []string, n int) {
	t.Helper()
	events, users, bad := 0, 0, 0
	for _, k := range keys {
		for line := range strings.SplitSeq(strings.TrimSpace(string(object(t, s3srv, k))), "\n") {
			var e event.Event
			if json.Unmarshal([]byte(line), &e) != nil || event.Check(&e) != nil {
				bad++
				continue
			}
			events++
			if e.Metadata.User != "" {
				users++
			}
		}
	}
	if events != n || users != n || bad != len(malformed) {
		t.Fatalf("backup: %d events (%d with their user), %d malformed; want %d, %d, %d", events, users, bad, n, n, len(malformed))
	}
}

// templateDestination reads the delivery stream's S3 destination from a committed golden template.
func templateDestination(t *testing.T, variant string) map[string]any {
	t.Helper()
	for _, r := range goldenResources(t, variant) {
		if r.Type == "AWS::KinesisFirehose::DeliveryStream" {
			return r.Properties["ExtendedS3DestinationConfiguration"].(map[string]any)
		}
	}
	t.Fatalf("%s template: no delivery stream", variant)
	return nil
}

// transformsWithLambda reports whether a destination's enabled processing has a Lambda processor.
func transformsWithLambda(dest map[string]any) bool {
	pc, _ := dest["ProcessingConfiguration"].(map[string]any)
	procs, _ := pc["Processors"].([]any)
	for _, p := range procs {
		if p.(map[string]any)["Type"] == "Lambda" {
			return pc["Enabled"] == true
		}
	}
	return false
}
