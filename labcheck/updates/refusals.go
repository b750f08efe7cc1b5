package updates

import (
	"fmt"
	"math"
	"strings"

	"github.com/tenant-metrics-lab/tenant-metrics-lab/internal/assembly"
)

// AWS pages the findings cite.
const (
	nameTypePage       = "CloudFormation \"Name type\": https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-properties-name.html"
	deletionPolicyPage = "https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-attribute-deletionpolicy.html"
	shardCountPage     = "Kinesis UpdateShardCount: https://docs.aws.amazon.com/kinesis/latest/APIReference/API_UpdateShardCount.html"
	retentionPage      = "Kinesis DecreaseStreamRetentionPeriod: https://docs.aws.amazon.com/kinesis/latest/APIReference/API_DecreaseStreamRetentionPeriod.html"
	dynamicPage        = "Firehose dynamic partitioning: https://docs.aws.amazon.com/firehose/latest/dev/dynamic-partitioning-enable.html"
	firehoseDeletePage = "Firehose DeleteDeliveryStream: https://docs.aws.amazon.com/firehose/latest/APIReference/API_DeleteDeliveryStream.html"
	streamModePage     = "Kinesis \"Switch between modes\": https://docs.aws.amazon.com/streams/latest/dev/how-do-i-size-a-stream.html#switchingmodes"
	streamModeCfnPage  = "AWS::Kinesis::Stream StreamModeDetails, Update requires: No interruption: https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-properties-kinesis-stream-streammodedetails.html"
	tableLocationPage  = "Athena \"Specify a table location in Amazon S3\": https://docs.aws.amazon.com/athena/latest/ug/tables-location-format.html"
	backupPage         = "Firehose \"Back up source records\": https://docs.aws.amazon.com/firehose/latest/dev/data-transformation-source-record-backup.html"
	expirationPage     = "S3 \"Expiring objects\": https://docs.aws.amazon.com/AmazonS3/latest/userguide/lifecycle-expire-general-considerations.html"
)

// namePath is the property that holds a type's custom physical name: with a name set, CloudFormation cannot replace
// the resource unless the name changes too ("If you must replace the resource, specify a new name", nameTypePage).
var namePath = map[string]string{
	"AWS::Kinesis::Stream":                 "Name",
	"AWS::KinesisFirehose::DeliveryStream": "DeliveryStreamName",
	"AWS::S3::Bucket":                      "BucketName",
	"AWS::Logs::LogGroup":                  "LogGroupName",
	"AWS::CloudWatch::Alarm":               "AlarmName",
	"AWS::CloudWatch::Dashboard":           "DashboardName",
	"AWS::Glue::Database":                  "DatabaseInput/Name",
	"AWS::Glue::Table":                     "TableInput/Name",
	"AWS::Athena::WorkGroup":               "Name",
	"AWS::IAM::Role":                       "RoleName",
	"AWS::Lambda::Function":                "FunctionName",
	"AWS::SNS::Topic":                      "TopicName",
	"AWS::Events::Rule":                    "Name",
}

// dataHolders are types whose deletion loses data beyond what the specification marks stateful (S3 buckets,
// Kinesis streams, log groups and KMS keys, which it does), with what is lost.
var dataHolders = map[string]string{
	"AWS::S3::Bucket":                      "its objects (in lab mode the stack's auto-delete resource empties it first)",
	"AWS::Kinesis::Stream":                 "the records it retains",
	"AWS::Logs::LogGroup":                  "its log events",
	"AWS::KMS::Key":                        "the key (scheduled for deletion: what it encrypted becomes unreadable)",
	"AWS::KinesisFirehose::DeliveryStream": "the records in its buffer, which Firehose does not guarantee to deliver once the stream is deleted (" + firehoseDeletePage + ")",
	"AWS::Athena::WorkGroup":               "its query history and saved queries",
	"AWS::Glue::Table":                     "its version history",
}

// wayOutFor says how to make a replacement of a custom-named resource of typ deployable.
func wayOutFor(typ string) string {
	switch typ {
	case "AWS::KinesisFirehose::DeliveryStream":
		return "rename the delivery stream in the same change (-c deliveryStreamName=...), or destroy the stack first"
	case "AWS::Kinesis::Stream":
		return "rename the stream in the same change (-c streamName=...), or destroy the stack first"
	}
	return "give the resource a new name in the same change, or destroy the stack first"
}

// refusal is a change a service refuses in place, or makes lose data, which the specification does not carry.
type refusal struct {
	typ, path string
	check     func(before, after any) *verdict
}

type verdict struct {
	word                 Word
	reason, wayOut, what string
}

// refusals is the one table of service-side behaviour, each row citing its AWS page.
var refusals = []refusal{
	{"AWS::Kinesis::Stream", "ShardCount", func(before, after any) *verdict {
		b, a, ok := numbers(before, after)
		if !ok {
			return nil
		}
		chain := shardChain(b, a)
		if len(chain) <= 1 {
			return &verdict{Interrupts, fmt.Sprintf("ShardCount %g -> %g: the stream is UPDATING for minutes while shards split or merge; reads and writes go on (%s)", b, a, shardCountPage), "", ""}
		}
		steps := make([]string, len(chain))
		for i, n := range chain {
			steps[i] = fmt.Sprintf("%g", n)
		}
		wayOut := fmt.Sprintf("deploy in %d steps, each a separate deploy that finishes before the next: -c shardCount=%s", len(chain), strings.Join(steps, ", then "))
		if len(chain) > maxScalingsPerDay {
			wayOut += fmt.Sprintf("; that is %d scaling operations and Kinesis allows %d per stream in a rolling 24 hours, so spread the steps over %d days (or destroy and deploy anew, losing the records)",
				len(chain), maxScalingsPerDay, (len(chain)+maxScalingsPerDay-1)/maxScalingsPerDay)
		} else {
			wayOut += fmt.Sprintf(" (%d of the %d scaling operations Kinesis allows per stream in a rolling 24 hours, earlier scalings counted)", len(chain), maxScalingsPerDay)
		}
		return &verdict{Fails, fmt.Sprintf("ShardCount %g -> %g: one UpdateShardCount call scales to at most double and at least half the current count (%s)", b, a, shardCountPage), wayOut, ""}
	}},
	{"AWS::Kinesis::Stream", "RetentionPeriodHours", func(before, after any) *verdict {
		a, ok := assembly.Number(after)
		b, bok := assembly.Number(before)
		if before == nil {
			b, bok = assembly.DefaultRetentionHours, true
		}
		if !ok || !bok || a >= b {
			return nil
		}
		return &verdict{LosesData, fmt.Sprintf("retention %g h -> %g h: records older than the new period become inaccessible at once (%s)", b, a, retentionPage), "",
			fmt.Sprintf("the stream's records older than %g h", a)}
	}},
	{"AWS::Kinesis::Stream", "StreamModeDetails", func(before, after any) *verdict {
		b, a := streamMode(before), streamMode(after)
		if b == a {
			return nil
		}
		return &verdict{Interrupts, fmt.Sprintf("capacity mode %s -> %s in place (%s): the stream keeps its records and takes reads and writes while Kinesis switches it, and Kinesis switches a stream's mode at most %d times in a rolling 24 hours, so switching back the same day is refused (%s)", b, a, streamModeCfnPage, maxModeSwitchesPerDay, streamModePage), "", ""}
	}},
	{"AWS::S3::Bucket", "LifecycleConfiguration", shortenedExpiry},
	{"AWS::Glue::Table", "TableInput/StorageDescriptor/SerdeInfo", func(before, after any) *verdict {
		return &verdict{Interrupts, fmt.Sprintf("the table's SerDe changes from %s to %s in place: Athena reads every object under the table's location with it (%s), so objects written in the old format fail the queries that read their hours", serde(before), serde(after), tableLocationPage),
			"", ""}
	}},
	{"AWS::KinesisFirehose::DeliveryStream", "ExtendedS3DestinationConfiguration/DynamicPartitioningConfiguration", func(before, after any) *verdict {
		was, is := assembly.FeatureOn("DynamicPartitioningConfiguration", before), assembly.FeatureOn("DynamicPartitioningConfiguration", after)
		if was == is {
			return nil
		}
		return &verdict{Fails, fmt.Sprintf("dynamic partitioning %v -> %v in place: Firehose enables it only when a stream is created and never disables it, and CloudFormation would update in place (%s)", was, is, dynamicPage),
			"replace the delivery stream by giving it a new name in the same change (this stack names it per layout)", ""}
	}},
	{"AWS::KinesisFirehose::DeliveryStream", "ExtendedS3DestinationConfiguration/S3BackupMode", func(before, after any) *verdict {
		// "You can enable source record backup when you create or update your Firehose stream. You cannot disable
		// source record backup after you enable it." Enabling in place is allowed.
		if before != "Enabled" || after == "Enabled" {
			return nil
		}
		return &verdict{Fails, fmt.Sprintf("S3BackupMode Enabled -> %v in place: Firehose cannot disable source record backup once it is enabled (%s)", show(after), backupPage),
			"keep backup=true, or replace the delivery stream: rename it in the same change (-c deliveryStreamName=...) or destroy the stack first", ""}
	}},
}

// maxModeSwitchesPerDay is how often Kinesis switches one stream between on-demand and provisioned in a rolling 24
// hours (streamModePage).
const maxModeSwitchesPerDay = 2

// streamMode reads StreamModeDetails; a stream without it is PROVISIONED, CloudFormation's default.
func streamMode(v any) string {
	if m, ok := v.(map[string]any); ok {
		if mode, ok := m["StreamMode"].(string); ok {
			return mode
		}
	}
	return "PROVISIONED"
}

// maxScalingsPerDay: "Scale more than ten times per rolling 24-hour period per stream" is refused (shardCountPage).
const maxScalingsPerDay = 10

// shardChain is the shortest list of shard counts from b to a (a included) in which each UpdateShardCount call
// at most doubles or at least halves the current count (rounded up), e.g. 1 -> 10: 2, 4, 8, 10; 8 -> 1: 4, 2, 1.
func shardChain(b, a float64) []float64 {
	var chain []float64
	for cur := b; cur != a; chain = append(chain, cur) {
		if a > cur {
			cur = math.Min(2*cur, a)
		} else {
			cur = math.Max(math.Ceil(cur/2), a)
		}
	}
	return chain
}

// numbers reads a numeric property before and after the update; false unless both are numbers.
func numbers(before, after any) (float64, float64, bool) {
	b, bok := assembly.Number(before)
	a, aok := assembly.Number(after)
	return b, a, bok && aok
}

// serde names a SerdeInfo's library.
func serde(v any) string {
	m, _ := v.(map[string]any)
	if lib, ok := m["SerializationLibrary"].(string); ok {
		return lib
	}
	return "none"
}
