package config

import (
	"strings"
	"testing"
)

func TestDefaultsAreTheLabsValues(t *testing.T) {
	c, err := FromContext(nil)
	if err != nil {
		t.Fatalf("defaults must validate: %v", err)
	}
	want := Config{
		StreamName: "tenant-metrics-stream", ShardCount: 1, RetentionHours: 24,
		DeliveryStreamName: "tenant_metrics_firehose", Prefix: "stream/",
		ErrorPrefix: "errors/!{firehose:error-output-type}/", BufferSizeMiB: 1, BufferIntervalSeconds: 60,
		Compression: "GZIP", LogRetentionDays: 14, Producer: true, ProducerRate: 10, Monitoring: true,
		Query: true, QueryScanCutoffMiB: 1024, Partitioning: "time", Format: "json", StreamMode: "provisioned",
		Transform: "none", Encryption: "aws-managed",
	}
	if c != want {
		t.Fatalf("defaults = %+v, want %+v", c, want)
	}
	if c.StackName() != "TenantMetricsLab" {
		t.Fatalf("stack name = %q", c.StackName())
	}
}

func TestOverridesFromStringsAndJSON(t *testing.T) {
	c, err := FromContext(map[string]any{
		"namePrefix": "alice", "shardCount": "4", "retentionHours": float64(48), "retain": "true",
		"bufferSizeMiB": "128", "bufferIntervalSeconds": "0", "compression": "Snappy", "logRetentionDays": float64(30),
		"bucketName": "my-lab-bucket.example", "prefix": "raw/!{timestamp:yyyy}/", "errorPrefix": "failed/", "query": "false",
		// Keys owned by the CDK itself must pass untouched.
		"@aws-cdk/core:newStyleStackSynthesis": true, "aws:cdk:bundling-stacks": []any{"**"}, "acknowledged-issue-numbers": []any{1.0},
	})
	if err != nil {
		t.Fatal(err)
	}
	if c.NamePrefix != "alice" || c.ShardCount != 4 || c.RetentionHours != 48 || !c.Retain || c.BufferSizeMiB != 128 ||
		c.BufferIntervalSeconds != 0 || c.Compression != "Snappy" || c.LogRetentionDays != 30 || c.BucketName != "my-lab-bucket.example" {
		t.Fatalf("overrides not applied: %+v", c)
	}
	if got := c.ResourceName(c.StreamName); got != "alice-tenant-metrics-stream" {
		t.Fatalf("prefixed stream name = %q", got)
	}
	if got := c.StackName(); got != "alice-TenantMetricsLab" {
		t.Fatalf("prefixed stack name = %q", got)
	}
}

// TestEveryRuleRejects covers each validation rule with at least one bad value; the message must name the key,
// the value and what is allowed.
func TestEveryRuleRejects(t *testing.T) {
	long := func(n int) string { return strings.Repeat("a", n) }
	cases := []struct {
		name, key string
		value     any
		allowed   string // a fragment of the "what is allowed" part
	}{
		{"prefix upper case", "namePrefix", "Alice", "lowercase letters"},
		{"prefix trailing dash", "namePrefix", "alice-", "not ending with '-'"},
		{"prefix too long", "namePrefix", long(21), "1 to 20"},
		{"stream empty", "streamName", "", "1 to 128"},
		{"stream bad char", "streamName", "tenant metrics", "A-Z, a-z, 0-9"},
		{"stream too long", "streamName", long(129), "1 to 128"},
		{"shards not a number", "shardCount", "one", "whole number"},
		{"shards fraction string", "shardCount", "1.5", "whole number"},
		{"shards fraction json", "shardCount", 1.5, "whole number"},
		{"shards padded", "shardCount", " 1", "whole number"},
		{"shards zero", "shardCount", "0", "from 1 to 50"},
		{"shards too many", "shardCount", "51", "from 1 to 50"},
		{"retention too short", "retentionHours", "23", "from 24 to 8760"},
		{"retention too long", "retentionHours", "8761", "from 24 to 8760"},
		{"retention bool", "retentionHours", true, "whole number"},
		{"firehose bad char", "deliveryStreamName", "tenant/metrics", "1 to 64"},
		{"firehose too long", "deliveryStreamName", long(65), "1 to 64"},
		{"bucket upper case", "bucketName", "MyBucket", "3 to 63"},
		{"bucket too short", "bucketName", "ab", "3 to 63"},
		{"bucket double dot", "bucketName", "my..bucket", "'..'"},
		{"bucket ip", "bucketName", "192.168.1.1", "IP address"},
		{"bucket reserved suffix", "bucketName", "lab-s3alias", "-s3alias"},
		{"bucket not a string", "bucketName", 12.0, "must be a string"},
		{"prefix without slash", "prefix", "stream", "must end with '/'"},
		{"prefix empty", "prefix", "", "must not be empty"},
		{"prefix leading slash", "prefix", "/stream/", "must not start with '/'"},
		{"prefix bad char", "prefix", "str eam/", "may contain only"},
		{"prefix error type", "prefix", "x/!{firehose:error-output-type}/", "belongs in errorPrefix"},
		{"prefix too long", "prefix", long(513) + "/", "at most 512"},
		{"error prefix without slash", "errorPrefix", "errors", "must end with '/'"},
		{"error prefix without type", "errorPrefix", "errors/!{timestamp:yyyy}/", "must include !{firehose:error-output-type}"},
		{"error prefix same as prefix", "errorPrefix", "stream/", "must differ from prefix"},
		{"buffer size zero", "bufferSizeMiB", "0", "from 1 to 128"},
		{"buffer size too big", "bufferSizeMiB", "129", "from 1 to 128"},
		{"interval negative", "bufferIntervalSeconds", "-1", "from 0 to 900"},
		{"interval too long", "bufferIntervalSeconds", "901", "from 0 to 900"},
		{"compression case", "compression", "gzip", `query=true needs GZIP or UNCOMPRESSED, which Athena reads as they are (ZIP, Snappy or HADOOP_SNAPPY only with query=false) (did you mean "GZIP"?)`},
		{"log retention not allowed", "logRetentionDays", "10", "one of 1, 3, 5"},
		{"log retention infinite", "logRetentionDays", "0", "one of 1, 3, 5"},
		{"retain not bool", "retain", "yes", "true or false"},
		{"producer not bool", "producer", "no", "true or false"},
		{"producer rate zero", "producerRate", "0", "from 1 to 1000"},
		{"producer rate over the shard", "producerRate", "1001", "from 1 to 1000"},
		{"producer rate fraction", "producerRate", "2.5", "whole number"},
		{"reserved concurrency above one", "producerReservedConcurrency", "2", "from 0 to 1"},
		{"aggregate not bool", "producerAggregate", "1", "true or false"},
		{"partitioning unknown", "partitioning", "hourly", "one of time, tenant"},
		{"scan cutoff too small", "queryScanCutoffMiB", "9", "from 10 to 1048576"},
		{"query not bool", "query", "on", "true or false"},
		{"query cannot read ZIP", "compression", "ZIP", "query=true needs GZIP or UNCOMPRESSED"},
		{"query cannot project a random string", "prefix", "raw/!{firehose:random-string}/", "only !{timestamp:...} expressions"},
		{"query cannot project minutes", "prefix", "raw/!{timestamp:yyyy/MM/dd/HH/mm}/", "only yyyy, MM, dd and HH"},
		{"reserved concurrency negative", "producerReservedConcurrency", "-1", "from 0 to 1"},
		{"monitoring not bool", "monitoring", "off", "true or false"},
		{"alarm email without at", "alarmEmail", "ops.example.com", "e-mail address"},
		{"alarm email without domain dot", "alarmEmail", "ops@example", "e-mail address"},
		{"alarm email with space", "alarmEmail", "ops team@example.com", "e-mail address"},
		{"retain number", "retain", 1.0, "true or false"},
		{"unknown key", "shardcount", "1", "did you mean \"shardCount\""},
		{"key in PascalCase", "ShardCount", "2", "did you mean \"shardCount\""},
		{"key in snake_case", "shard_count", "2", "did you mean \"shardCount\""},
		{"key in kebab-case", "shard-count", "2", "did you mean \"shardCount\""},
		{"key in upper snake case", "NAME_PREFIX", "alice", "did you mean \"namePrefix\""},
		{"unknown key no suggestion", "colour", "1", "allowed keys are namePrefix"},
		{"format unknown", "format", "avro", "one of json, parquet"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, err := FromContext(map[string]any{tc.key: tc.value})
			if err == nil {
				t.Fatalf("%s=%v accepted", tc.key, tc.value)
			}
			msg := err.Error()
			if !strings.Contains(msg, tc.key) || !strings.Contains(msg, tc.allowed) {
				t.Fatalf("message %q should name key %q and say %q", msg, tc.key, tc.allowed)
			}
			if v, ok := tc.value.(string); ok && v != "" && len(v) < 40 && !strings.Contains(msg, v) {
				t.Fatalf("message %q should name the value %q", msg, v)
			}
		})
	}
}

// TestCDKsOwnKeysAreNotTypos: the CDK's feature flags and the CLI's own context pass untouched.
func TestCDKsOwnKeysAreNotTypos(t *testing.T) {
	_, err := FromContext(map[string]any{"@aws-cdk/core:newStyleStackSynthesis": true, "aws:cdk:version-reporting": false,
		"aws:cdk:enable-path-metadata": true, "acknowledged-issue-numbers": []any{1.0}})
	if err != nil {
		t.Fatal(err)
	}
}

func TestLongNameWithPrefixIsCheckedCombined(t *testing.T) {
	// 64 characters alone is fine for Firehose, but not once "bob-" is in front of it.
	_, err := FromContext(map[string]any{"namePrefix": "bob", "deliveryStreamName": strings.Repeat("f", 62)})
	if err == nil || !strings.Contains(err.Error(), "deliveryStreamName") {
		t.Fatalf("want combined-length error, got %v", err)
	}
}

func TestAlarmEmailNeedsMonitoring(t *testing.T) {
	_, err := FromContext(map[string]any{"alarmEmail": "ops@example.com", "monitoring": "false"})
	if err == nil || !strings.Contains(err.Error(), "needs monitoring=true") {
		t.Fatalf("got %v", err)
	}
}

func TestAllErrorsReportedAtOnce(t *testing.T) {
	_, err := FromContext(map[string]any{"shardCount": "0", "prefix": "x", "compression": "LZ4"})
	if err == nil {
		t.Fatal("want errors")
	}
	for _, key := range []string{"shardCount", "prefix", "compression"} {
		if !strings.Contains(err.Error(), key) {
			t.Errorf("error %q misses %s", err, key)
		}
	}
}

func TestEveryLimitBoundaryAccepted(t *testing.T) {
	for _, ctx := range []map[string]any{
		{"shardCount": "50", "retentionHours": "8760", "bufferSizeMiB": "1", "bufferIntervalSeconds": "900"},
		{"shardCount": "1", "retentionHours": "24", "bufferSizeMiB": "128", "bufferIntervalSeconds": "0"},
		{"namePrefix": "a", "logRetentionDays": "3653", "compression": "UNCOMPRESSED"},
		{"namePrefix": "a" + strings.Repeat("b", 19), "bucketName": "abc"},
		{"streamName": strings.Repeat("s", 128), "deliveryStreamName": strings.Repeat("d", 64)},
		{"shardCount": "2", "producerRate": "2000"},
		{"producer": "false", "producerRate": "10"}, // the default rate of an absent function is not refused
		{"alarmEmail": "ops+lab@example.co.uk"},
	} {
		if _, err := FromContext(ctx); err != nil {
			t.Errorf("%v rejected: %v", ctx, err)
		}
	}
}

func TestReservedConcurrencyNeedsTheProducer(t *testing.T) {
	_, err := FromContext(map[string]any{"producer": "false", "producerReservedConcurrency": "1"})
	if err == nil || !strings.Contains(err.Error(), `producerReservedConcurrency="1": needs producer=true`) {
		t.Fatalf("got %v", err)
	}
	c, err := FromContext(map[string]any{"producerReservedConcurrency": "1"})
	if err != nil || c.ProducerReservedConcurrency != 1 {
		t.Fatalf("opt-in rejected: %+v %v", c, err)
	}
}

func TestLayoutMatchesFirehoseFolders(t *testing.T) {
	for _, tc := range []struct {
		overrides                                   map[string]any
		firehosePrefix, template, format, unit, sql string
	}{
		{nil, "stream/", "stream/${datehour}/", "yyyy/MM/dd/HH", "HOURS", "%Y/%m/%d/%H"},
		{map[string]any{"partitioning": "tenant", "bufferSizeMiB": "64"},
			"stream/tenant_id=!{partitionKeyFromQuery:tenant_id}/!{timestamp:yyyy/MM/dd/HH}/", "stream/tenant_id=${tenant_id}/${datehour}/", "yyyy/MM/dd/HH", "HOURS", "%Y/%m/%d/%H"},
		{map[string]any{"prefix": "raw/year=!{timestamp:yyyy}/month=!{timestamp:MM}/day=!{timestamp:dd}/"},
			"raw/year=!{timestamp:yyyy}/month=!{timestamp:MM}/day=!{timestamp:dd}/", "raw/year=${datehour}/", "yyyy'/month='MM'/day='dd", "DAYS", "%Y/month=%m/day=%d"},
	} {
		t.Run(tc.firehosePrefix, func(t *testing.T) {
			c, err := FromContext(tc.overrides)
			if err != nil {
				t.Fatal(err)
			}
			l, err := c.Layout()
			if err != nil {
				t.Fatal(err)
			}
			if l.FirehosePrefix != tc.firehosePrefix || l.Template != tc.template || l.DateFormat != tc.format || l.DateUnit != tc.unit || l.TrinoDateFormat() != tc.sql {
				t.Errorf("%v: got %+v (trino %q)", tc.overrides, l, l.TrinoDateFormat())
			}
		})
	}
}

// TestGlueNamesFoldThePrefix: Glue names take lowercase letters, digits and '_', so the prefix's '-' become '_'
// (the docs say so; this keeps them honest).
func TestGlueNamesFoldThePrefix(t *testing.T) {
	c, err := FromContext(map[string]any{"namePrefix": "alice-b"})
	if err != nil {
		t.Fatal(err)
	}
	if got := c.DatabaseName(); got != "alice_b_tenant_metrics_lab" {
		t.Errorf("database %q", got)
	}
	if got := c.WorkGroupName(); got != "alice-b-tenant-metrics-lab" {
		t.Errorf("workgroup %q", got)
	}
}

// TestParquetRules: record format conversion needs the Glue table, uncompressed S3 objects and a 64 MiB buffer;
// each violation names its key.
func TestParquetRules(t *testing.T) {
	_, err := FromContext(map[string]any{"format": "parquet", "query": "false", "compression": "GZIP", "bufferSizeMiB": "1"})
	for _, want := range []string{
		`invalid context value query="false": format=parquet needs query=true`,
		`invalid context value compression="GZIP": format=parquet needs compression=UNCOMPRESSED`,
		`invalid context value bufferSizeMiB="1": format=parquet needs bufferSizeMiB >= 64`,
	} {
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("want %q in %v", want, err)
		}
	}
	if _, err := FromContext(map[string]any{"format": "parquet", "compression": "UNCOMPRESSED", "bufferSizeMiB": "64"}); err != nil {
		t.Errorf("a valid parquet configuration: %v", err)
	}
}

// TestOneKeySwitchesAFeature: format=parquet and partitioning=tenant alone are valid; the keys they need follow
// them unless set, and a set value that conflicts is refused naming both keys.
func TestOneKeySwitchesAFeature(t *testing.T) {
	for _, tc := range []struct {
		ctx                 map[string]any
		compression         string
		bufferMiB, interval int
	}{
		{map[string]any{"format": "parquet"}, "UNCOMPRESSED", 64, 60},
		{map[string]any{"partitioning": "tenant"}, "GZIP", 64, 60},
		{map[string]any{"partitioning": "tenant", "bufferIntervalSeconds": "0", "format": "json"}, "", 0, 0},
		{map[string]any{"format": "parquet", "bufferSizeMiB": "128"}, "UNCOMPRESSED", 128, 60},
		{map[string]any{"partitioning": "tenant", "bufferIntervalSeconds": "300"}, "GZIP", 64, 300},
	} {
		c, err := FromContext(tc.ctx)
		if tc.compression == "" {
			if err == nil || !strings.Contains(err.Error(), `bufferIntervalSeconds="0": partitioning=tenant needs bufferIntervalSeconds >= 60`) {
				t.Errorf("%v: want the interval refused naming both keys, got %v", tc.ctx, err)
			}
			continue
		}
		if err != nil {
			t.Errorf("%v: %v", tc.ctx, err)
			continue
		}
		if c.Compression != tc.compression || c.BufferSizeMiB != tc.bufferMiB || c.BufferIntervalSeconds != tc.interval {
			t.Errorf("%v: compression %s, buffer %d MiB / %d s", tc.ctx, c.Compression, c.BufferSizeMiB, c.BufferIntervalSeconds)
		}
	}
	if _, err := FromContext(map[string]any{"partitioning": "tenant", "bufferSizeMiB": "1"}); err == nil || !strings.Contains(err.Error(), `bufferSizeMiB="1": partitioning=tenant needs bufferSizeMiB >= 64`) {
		t.Errorf("a set 1 MiB buffer with partitioning=tenant: %v", err)
	}
}
