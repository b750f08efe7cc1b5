// Package e2e runs the project's whole data path on this machine: producer send -> Kinesis emulator -> the
// test-only Firehose stand-in -> in-process S3 -> producer verify, which must find every event exactly once.
package e2e

import (
	"context"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/tenant-metrics-lab/tenant-metrics-lab/internal/testing/firehose"
	"github.com/tenant-metrics-lab/tenant-metrics-lab/internal/testing/kinesisemu"
	"github.com/tenant-metrics-lab/tenant-metrics-lab/internal/testing/s3fake"
	"github.com/tenant-metrics-lab/tenant-metrics-lab/producer/send"
	"github.com/tenant-metrics-lab/tenant-metrics-lab/producer/streamwriter"
	"github.com/tenant-metrics-lab/tenant-metrics-lab/producer/telemetry"
	"github.com/tenant-metrics-lab/tenant-metrics-lab/producer/verify"
)

func TestMain(m *testing.M) { os.Exit(kinesisemu.RunTests(m)) }

// TestProducerToS3EveryEventExactlyOnce runs the path with plain records, with KPL aggregated records on two
// shards (which the Firehose stand-in de-aggregates as Firehose does), and with the stack's per-tenant dynamic
// partitioning: the JQ query and prefix come from the committed tenant-partitioning template (which the golden
// test keeps equal to the synth), applied by a real jq implementation. verify must find every event exactly once,
// each in its own tenant's folder.
func TestProducerToS3EveryEventExactlyOnce(t *testing.T) {
	query, prefix := templatePartitioning(t, "tenant-partitioning")
	for _, tc := range []struct {
		name      string
		shards    int
		aggregate bool
		layout    layout
		variant   string // the golden template whose saved queries then run on the delivered objects
	}{
		{"plain", 1, false, layout{prefix: "stream/"}, "lab"},
		{"aggregated", 2, true, layout{prefix: "stream/"}, ""},
		{"tenant-partitioning", 2, true, layout{prefix: prefix, query: query}, "tenant-partitioning"},
		// Record format conversion: the stand-in writes Parquet as Firehose's converter does; verify and DuckDB
		// (the saved queries) read it.
		{"parquet", 1, false, layout{prefix: "stream/", parquet: true}, "parquet"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s3srv := deliverAndVerify(t, tc.shards, tc.aggregate, tc.layout)
			if tc.variant != "" {
				checkSavedQueries(t, s3srv, tc.variant)
			}
		})
	}
}

// layout is the delivery stream's prefix, dynamic-partitioning query and output format, as in a template.
type layout struct {
	prefix, query string
	parquet       bool
}

// goldenResource is one resource of a committed golden template.
type goldenResource struct {
	Type       string
	Properties map[string]any
}

// goldenResources reads the resources of a committed golden template (which the golden test keeps equal to the
// synth), so the end-to-end tests use exactly what the stack deploys.
func goldenResources(t *testing.T, variant string) map[string]goldenResource {
	data, err := os.ReadFile(filepath.Join("..", "testdata", variant+".template.json"))
	if err != nil {
		t.Fatal(err)
	}
	var tmpl struct{ Resources map[string]goldenResource }
	if err := json.Unmarshal(data, &tmpl); err != nil {
		t.Fatal(err)
	}
	return tmpl.Resources
}

// templatePartitioning reads the delivery stream's prefix and JQ query from a committed golden template.
func templatePartitioning(t *testing.T, variant string) (query, prefix string) {
	for _, r := range goldenResources(t, variant) {
		if r.Type != "AWS::KinesisFirehose::DeliveryStream" {
			continue
		}
		dest := r.Properties["ExtendedS3DestinationConfiguration"].(map[string]any)
		prefix, _ = dest["Prefix"].(string)
		pc, _ := dest["ProcessingConfiguration"].(map[string]any)
		procs, _ := pc["Processors"].([]any)
		for _, p := range procs {
			for _, param := range p.(map[string]any)["Parameters"].([]any) {
				if pm := param.(map[string]any); pm["ParameterName"] == "MetadataExtractionQuery" {
					query = pm["ParameterValue"].(string)
				}
			}
		}
	}
	if query == "" || prefix == "" {
		t.Fatalf("%s template: no dynamic partitioning query (%q) or prefix (%q)", variant, query, prefix)
	}
	return query, prefix
}

// deliverAndVerify sends events through the emulator and the Firehose stand-in into the in-process S3, whose
// server it returns once verify has found every event exactly once.
func deliverAndVerify(t *testing.T, shards int, aggregate bool, l layout) *s3fake.Server {
	emu := kinesisemu.Require(t)
	stream := emu.NewStream(t, shards)
	s3srv := s3fake.Start(t)
	s3srv.CreateBucket(t, "lab-bucket")
	const n = 3000

	// The delivery stand-in runs the whole time, like Firehose: 1 MiB or (shortened) 1 s batches.
	deliverCtx, stopDelivery := context.WithCancel(t.Context())
	delivered := make(chan error, 1)
	go func() {
		delivered <- firehose.Deliver(deliverCtx, emu.Client(), s3srv.Client(), firehose.Options{
			Stream: stream, DeliveryStream: "tenant_metrics_firehose", Bucket: "lab-bucket", Prefix: l.prefix,
			BufferBytes: 1 << 20, BufferInterval: time.Second, Poll: 100 * time.Millisecond, PartitionQuery: l.query,
			Parquet: l.parquet,
		})
	}()
	defer stopDelivery()

	ctx, cancel := context.WithTimeout(t.Context(), 2*time.Minute)
	defer cancel()
	sum, err := send.Run(ctx, emu.Client(), send.Options{
		Stream: stream, Rate: 0, Count: n, PartitionKey: send.KeyTenant, Generator: telemetry.Options{RunID: "e2e"},
		Writer: streamwriter.Options{Aggregate: aggregate},
	})
	if err != nil || sum.Accepted != n {
		t.Fatalf("send: %v (%s)", err, sum)
	}
	// Plain records trickle in over several reads and so several objects; aggregates arrive in a few reads.
	minObjects := 2
	if aggregate {
		minObjects = 1
	}
	if records := len(emu.ReadAll(t, stream)); aggregate && (records >= n/20 || int64(records) != sum.Records) || !aggregate && records != n {
		t.Fatalf("the stream holds %d Kinesis records for %d events (writer says %d)", records, n, sum.Records)
	}

	// Wait until verify sees every event (delivery lags by up to a buffer interval), then stop the stand-in.
	var report *verify.Report
	for deadline := time.Now().Add(time.Minute); ; {
		report, err = verify.Run(ctx, s3srv.Client(), verify.Options{Bucket: "lab-bucket", Prefix: "stream/", Expect: n})
		if err != nil {
			t.Fatalf("verify: %v", err)
		}
		if report.OK || time.Now().After(deadline) {
			break
		}
		time.Sleep(500 * time.Millisecond)
	}
	stopDelivery()
	if err := <-delivered; err != nil && !errors.Is(err, context.Canceled) {
		t.Fatalf("delivery stand-in: %v", err)
	}
	report, err = verify.Run(ctx, s3srv.Client(), verify.Options{Bucket: "lab-bucket", Prefix: "stream/", Expect: n})
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("%s", report.Text())
	if l.query != "" {
		// Every object lies in a tenant's folder (verify checked each event against it), one folder per tenant.
		folders := map[string]bool{}
		for _, k := range s3srv.Keys(t, "lab-bucket") {
			_, rest, ok := strings.Cut(k, "stream/tenant_id=")
			if !ok {
				t.Fatalf("object %s is outside the tenant folders", k)
			}
			folders[rest[:strings.IndexByte(rest, '/')]] = true
		}
		if len(folders) != len(report.Tenants) || report.WrongTenant != 0 {
			t.Fatalf("%d tenant folders for %d tenants, %d events in a wrong folder", len(folders), len(report.Tenants), report.WrongTenant)
		}
	}
	for _, k := range s3srv.Keys(t, "lab-bucket") {
		if verify.IsParquet(k) != l.parquet {
			t.Fatalf("object %s: want parquet=%v", k, l.parquet)
		}
	}
	if !report.OK || report.Distinct != n || report.Events != n || report.Duplicates != 0 || report.Invalid != 0 || report.Objects < minObjects {
		t.Fatalf("verify after delivery:\n%s", report.Text())
	}
	return s3srv
}
