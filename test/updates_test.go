package test

import (
	"strings"
	"testing"

	"github.com/tenant-metrics-lab/tenant-metrics-lab/labcheck/updates"
)

// updateFindings synthesizes two configurations and returns what deploying head over base does, one line each.
func updateFindings(t *testing.T, base, head map[string]string) []string {
	t.Helper()
	found := updateFindingsOf(t, base, head)
	lines := make([]string, len(found))
	for i, f := range found {
		lines[i] = f.String()
	}
	return lines
}

// has reports whether a line starts with word and contains every part.
func has(lines []string, word updates.Word, parts ...string) bool {
	for _, l := range lines {
		if !strings.HasPrefix(l, string(word)+" ") {
			continue
		}
		all := true
		for _, p := range parts {
			all = all && strings.Contains(l, p)
		}
		if all {
			return true
		}
	}
	return false
}

func countWord(lines []string, word updates.Word) int {
	n := 0
	for _, l := range lines {
		if strings.HasPrefix(l, string(word)+" ") {
			n++
		}
	}
	return n
}

// TestRenamingTheStreamAloneFails: the delivery stream refers to the stream's ARN, which KinesisStreamSourceConfiguration
// cannot change in place, and keeps its custom name, so CloudFormation cannot replace it.
func TestRenamingTheStreamAloneFails(t *testing.T) {
	lines := updateFindings(t, map[string]string{"streamName": "old-stream"}, labDefaults)
	if !has(lines, updates.Fails, "AWS::KinesisFirehose::DeliveryStream", "KinesisStreamSourceConfiguration", "tenant_metrics_firehose", "Name type", "way out: rename the delivery stream") {
		t.Errorf("no FAILS on the delivery stream:\n%s", strings.Join(lines, "\n"))
	}
	if !has(lines, updates.LosesData, "AWS::Kinesis::Stream", "Name", "the records it retains") {
		t.Errorf("the stream's replacement loses its records:\n%s", strings.Join(lines, "\n"))
	}
}

func TestRenamingBothStreamsDeploys(t *testing.T) {
	lines := updateFindings(t, map[string]string{"streamName": "old-stream", "deliveryStreamName": "old_firehose"}, labDefaults)
	if countWord(lines, updates.Fails) != 0 || !has(lines, updates.LosesData, "AWS::KinesisFirehose::DeliveryStream", "records in its buffer") ||
		!has(lines, updates.LosesData, "AWS::Kinesis::Stream") || !has(lines, updates.Replaces, "AWS::Logs::LogStream", "which is replaced") {
		t.Errorf("renaming both:\n%s", strings.Join(lines, "\n"))
	}
}

func TestShardCountStepsWithinOneCall(t *testing.T) {
	if lines := updateFindings(t, labDefaults, map[string]string{"shardCount": "2", "producerRate": "10"}); countWord(lines, updates.Fails) != 0 ||
		!has(lines, updates.Interrupts, "ShardCount 1 -> 2") {
		t.Errorf("1 -> 2:\n%s", strings.Join(lines, "\n"))
	}
	if lines := updateFindings(t, labDefaults, map[string]string{"shardCount": "4"}); !has(lines, updates.Fails, "ShardCount 1 -> 4", "UpdateShardCount", "deploy in 2 steps", "-c shardCount=2, then 4") {
		t.Errorf("1 -> 4:\n%s", strings.Join(lines, "\n"))
	}
}

func TestBufferIntervalIsAnInPlaceUpdate(t *testing.T) {
	if lines := updateFindings(t, labDefaults, map[string]string{"bufferIntervalSeconds": "120"}); len(lines) != 0 {
		t.Errorf("60 -> 120 s:\n%s", strings.Join(lines, "\n"))
	}
}

func TestShorterRetentionLosesData(t *testing.T) {
	if lines := updateFindings(t, map[string]string{"retentionHours": "48"}, labDefaults); !has(lines, updates.LosesData, "RetentionPeriodHours", "48 h -> 24 h") || countWord(lines, updates.Fails) != 0 {
		t.Errorf("48 -> 24 h:\n%s", strings.Join(lines, "\n"))
	}
}

func TestSwitchingToAnImportedBucket(t *testing.T) {
	imported := map[string]string{"bucketName": "my-existing-lab-bucket"}
	if lines := updateFindings(t, labDefaults, imported); !has(lines, updates.LosesData, "DataBucket", "AWS::S3::Bucket", "its objects") {
		t.Errorf("lab mode:\n%s", strings.Join(lines, "\n"))
	}
	if lines := updateFindings(t, map[string]string{"retain": "true"}, map[string]string{"retain": "true", "bucketName": "my-existing-lab-bucket"}); has(lines, updates.LosesData, "DataBucket") {
		t.Errorf("retain=true keeps the bucket:\n%s", strings.Join(lines, "\n"))
	}
}

// TestPartitioningSwitchDeploysBothWays: the stack replaces the delivery stream under a per-layout name, so
// neither direction FAILS; the old stream's buffer is the cost.
func TestPartitioningSwitchDeploysBothWays(t *testing.T) {
	tenant := variants["tenant-partitioning"]
	for _, pair := range [][2]map[string]string{{labDefaults, tenant}, {tenant, labDefaults}} {
		lines := updateFindings(t, pair[0], pair[1])
		if countWord(lines, updates.Fails) != 0 || !has(lines, updates.LosesData, "AWS::KinesisFirehose::DeliveryStream", "DeliveryStreamName") {
			t.Errorf("%v -> %v:\n%s", pair[0], pair[1], strings.Join(lines, "\n"))
		}
	}
}

// TestSwitchingTheFormatWarnsAboutOlderObjects: Firehose switches to Parquet in place, but the table's new SerDe
// cannot read the JSON objects already under its location.
func TestSwitchingTheFormatWarnsAboutOlderObjects(t *testing.T) {
	lines := updateFindings(t, map[string]string{"compression": "UNCOMPRESSED", "bufferSizeMiB": "64"}, variants["parquet"])
	if countWord(lines, updates.Fails) != 0 || !has(lines, updates.Interrupts, "AWS::Glue::Table", "org.apache.hive.hcatalog.data.JsonSerDe to org.apache.hadoop.hive.ql.io.parquet.serde.ParquetHiveSerDe", "tables-location-format") {
		t.Errorf("json -> parquet:\n%s", strings.Join(lines, "\n"))
	}
}

// TestANewNamePrefixIsASecondStack: cdk deploy creates alice-TenantMetricsLab beside TenantMetricsLab and deletes
// nothing, so nothing of the old stack is reported lost; it is reported left running.
func TestANewNamePrefixIsASecondStack(t *testing.T) {
	lines := updateFindings(t, labDefaults, map[string]string{"namePrefix": "alice"})
	if countWord(lines, updates.LosesData) != 0 || countWord(lines, updates.Fails) != 0 || len(lines) != 1 ||
		!has(lines, updates.Keeps, "TenantMetricsLab/(stack)", "alice-TenantMetricsLab", "cdk destroy TenantMetricsLab") {
		t.Errorf("namePrefix alice:\n%s", strings.Join(lines, "\n"))
	}
}

// TestFormatSwitchesDropNoDestinationSetting: json -> parquet -> json in place, with every destination setting
// pinned, Firehose keeps nothing that conflicts (only the schema details under the switched-off conversion).
func TestFormatSwitchesDropNoDestinationSetting(t *testing.T) {
	for _, pair := range [][2]map[string]string{{labDefaults, variants["parquet"]}, {variants["parquet"], labDefaults}} {
		lines := updateFindings(t, pair[0], pair[1])
		if countWord(lines, updates.Fails) != 0 {
			t.Errorf("%v -> %v:\n%s", pair[0], pair[1], strings.Join(lines, "\n"))
		}
	}
	back := updateFindings(t, variants["parquet"], labDefaults)
	if !has(back, updates.Keeps, "DataFormatConversionConfiguration/SchemaConfiguration", "switches DataFormatConversionConfiguration off") {
		t.Errorf("parquet -> json:\n%s", strings.Join(back, "\n"))
	}
}

// TestTransformAndBackupSwitchInPlace: transformation switches on and off in place, and so does backup=true over
// a transforming stack; switching the backup off again FAILS (Firehose never disables source record backup), and
// the processing left out when transformation goes off is only KEEPS (Enabled false switches it off); the
// function's log group goes with the function.
func TestTransformAndBackupSwitchInPlace(t *testing.T) {
	transform, backup := variants["transform"], variants["transform-backup"]
	for _, pair := range [][2]map[string]string{{labDefaults, transform}, {transform, labDefaults}, {transform, backup}, {labDefaults, backup}} {
		lines := updateFindings(t, pair[0], pair[1])
		// Switching transformation off deletes the function's log group, as producer=false deletes the producer's.
		lost := countWord(lines, updates.LosesData)
		if lost == 1 && has(lines, updates.LosesData, "TransformerLogs", "AWS::Logs::LogGroup") {
			lost = 0
		}
		if countWord(lines, updates.Fails) != 0 || lost != 0 {
			t.Errorf("%v -> %v:\n%s", pair[0], pair[1], strings.Join(lines, "\n"))
		}
	}
	for _, base := range []map[string]string{transform, labDefaults} {
		lines := updateFindings(t, backup, base)
		if countWord(lines, updates.Fails) != 1 || !has(lines, updates.Fails, "AWS::KinesisFirehose::DeliveryStream", "S3BackupMode", "data-transformation-source-record-backup.html") {
			t.Errorf("backup -> %v:\n%s", base, strings.Join(lines, "\n"))
		}
	}
}
