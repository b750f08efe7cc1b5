// Package config is the one home of the CDK app's settings: their context keys, defaults, parsing and validation.
//
// It imports nothing from aws-cdk so that its tests compile and run in a second, without jsii. Its files, one
// job each: config.go the typed settings and their defaults, settings.go the table of context keys,
// values.go what one key's value may be, parse.go context values into a Config, suggest.go "did you mean",
// rules.go the rules between keys, problems.go how violations read, reference.go the generated reference,
// names.go the physical names, follow.go the keys that follow a feature switch, layout.go the S3 key layout,
// cdkjson.go reading cdk.json and the error every entry point shows, lifecycle.go the data bucket's lifecycle.
package config

import "github.com/tenant-metrics-lab/tenant-metrics-lab/internal/lab"

// errorOutputType is the Firehose expression that must appear in an error prefix that uses expressions.
const errorOutputType = "!{firehose:error-output-type}"

// Config holds every tunable of the stack; Default returns the lab's values.
type Config struct {
	NamePrefix            string // prefixes stack and resource names so several people can share an account
	StreamName            string // Kinesis data stream name, before NamePrefix
	ShardCount            int    // provisioned shards of the stream
	RetentionHours        int    // how long the stream keeps records
	StreamArn             string // an existing Kinesis data stream to reference instead of creating one; empty creates one
	StreamMode            string // StreamModeProvisioned or StreamModeOnDemand: the capacity mode of the stream the stack creates
	DeliveryStreamName    string // Firehose delivery stream name, before NamePrefix
	BucketName            string // existing bucket to write into; empty creates one
	Prefix                string // S3 key prefix of delivered objects
	ErrorPrefix           string // S3 key prefix of records Firehose could not deliver
	DataRetentionDays     int    // days after which S3 expires delivered objects; 0 keeps them
	ArchiveAfterDays      int    // days after which delivered objects move to S3 Standard-IA; 0 never
	BufferSizeMiB         int    // Firehose buffering size hint
	BufferIntervalSeconds int    // Firehose buffering interval hint
	Compression           string // Firehose output compression
	LogRetentionDays      int    // retention of the stack's log groups
	Encryption            string // EncryptionAWSManaged or EncryptionKMS: the keys of the data at rest
	KmsKeyArn             string // an existing customer-managed key to use with EncryptionKMS; empty: the stack creates one
	Retain                bool   // keep bucket, stream and log groups on cdk destroy
	Producer              bool   // deploy the producer function and its schedule
	ProducerRate          int    // events per second the producer function sends
	// ProducerReservedConcurrency reserves concurrency for the producer function; 0 reserves none.
	ProducerReservedConcurrency int
	ProducerAggregate           bool   // the producer function packs events into KPL aggregated records
	Monitoring                  bool   // deploy alarms and the dashboard
	AlarmEmail                  string // e-mail address alarms notify through an encrypted SNS topic; empty: no topic
	Query                       bool   // declare the Glue table, Athena workgroup and saved queries
	QueryScanCutoffMiB          int    // the workgroup's per-query scanned-data limit
	Partitioning                string // PartitioningTime or PartitioningTenant
	Format                      string // FormatJSON or FormatParquet: what Firehose writes
	Transform                   string // TransformNone or TransformRedact: the Lambda transformation Firehose invokes
	Backup                      bool   // Firehose keeps the untransformed source records under BackupPrefix
}

// Default returns the settings of the console lab.
func Default() Config {
	return Config{
		StreamName:            lab.DefaultStreamName,
		ShardCount:            1,
		RetentionHours:        24,
		StreamMode:            StreamModeProvisioned,
		DeliveryStreamName:    lab.DefaultDeliveryStreamName,
		Prefix:                lab.DefaultPrefix,
		ErrorPrefix:           "errors/" + errorOutputType + "/",
		DataRetentionDays:     0, // nothing expires: lab mode's destroy deletes it all, retain=true asked to keep it
		ArchiveAfterDays:      0,
		BufferSizeMiB:         1,
		BufferIntervalSeconds: 60,
		Compression:           "GZIP",
		LogRetentionDays:      14,
		Encryption:            EncryptionAWSManaged,
		Producer:              true,
		// 10 events/s is 1 % of one shard's limit; Firehose bills each ~300-byte record as 5 KB, so a day costs
		// about $0.13 of Firehose ingestion plus the function's ~$0.10 (see docs/deploying.md, Cost).
		ProducerRate:       10,
		Monitoring:         true,
		Query:              true,
		QueryScanCutoffMiB: 1024,
		Partitioning:       PartitioningTime,
		Format:             FormatJSON,
		Transform:          TransformNone,
	}
}
