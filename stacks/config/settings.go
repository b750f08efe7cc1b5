package config

import (
	"strconv"
	"strings"

	"github.com/tenant-metrics-lab/tenant-metrics-lab/internal/lab"
)

// Setting describes one context key: its name, what it means and allows, and how a raw context value lands in
// Config. docs/configuration.md is generated from it (Reference).
type Setting struct {
	Key string
	// Doc documents the key; the placeholder {allowed} stands for the allowed values, which the reference takes
	// from the key's rule (Documentation renders both), so no value or limit is typed twice.
	Doc string
	// Needs names the feature switch (a boolean key) without which this key does nothing: set away from its
	// default while that switch is false, the key is refused. Empty: the key always matters.
	Needs string
	// needsWhy says what is missing without the feature, for the error.
	needsWhy string

	allowedDoc string                        // the rule's allowed values in the reference's Markdown
	problem    func(c Config) string         // why the key's value in c breaks its own rule, or ""
	parse      func(c *Config, raw any) bool // sets the field from a context value; false if raw is not one
	parseWhy   func(c Config) string         // what a context value of the key must look like
	value      func(c Config) string         // the key's value in c, as a person would write it
}

// Settings lists every context key the app reads, in the order the reference documents them.
var Settings = []Setting{
	str("namePrefix", func(c *Config) *string { return &c.NamePrefix }, namePrefixRule,
		"Prefix of the stack and every named resource (`alice-TenantMetricsLab`, `alice-tenant-metrics-stream`, ...), so several people can share an account: {allowed}. In Glue names `-` becomes `_`."),
	str("streamName", func(c *Config) *string { return &c.StreamName },
		streamNameRule(maxStreamNameLen, "with namePrefix", Config.KinesisStreamName),
		"Kinesis data stream name (before `namePrefix`): {allowed}."),
	integer("shardCount", func(c *Config) *int { return &c.ShardCount }, span{lo: 1, hi: MaxShardCount},
		"Provisioned shards of the stream: {allowed} (a guard against typos: a shard costs about $11 a month; raise `MaxShardCount` deliberately)."),
	integer("retentionHours", func(c *Config) *int { return &c.RetentionHours }, span{lo: MinRetentionHours, hi: MaxRetentionHours},
		"Hours the stream keeps records: {allowed}."),
	str("streamArn", func(c *Config) *string { return &c.StreamArn }, streamArnRule,
		"An existing Kinesis data stream ({allowed}) to read from and write to instead of creating one; the stack only references it: never changed or deleted, so `shardCount`, `retentionHours`, `streamName` and `streamMode` are refused with it. `labcheck preflight` checks that it exists, is ACTIVE, how it is encrypted and how many Firehose streams already read it. Empty: the stack creates the stream."),
	choice("streamMode", func(c *Config) *string { return &c.StreamMode }, enum{values: StreamModes, means: map[string]string{
		StreamModeProvisioned: "`shardCount` shards, billed per shard-hour",
		StreamModeOnDemand:    "Kinesis manages the shards, billed per stream-hour and per GB; `shardCount` is refused with it",
	}}, "Capacity mode of the stream the stack creates: {allowed}. Kinesis switches a stream's mode in place, at most twice in a rolling 24 hours (see [deploying](deploying.md#on-demand-capacity-streammodeon-demand))."),
	str("deliveryStreamName", func(c *Config) *string { return &c.DeliveryStreamName },
		streamNameRule(maxDeliveryStreamNameLen, "with namePrefix and, under partitioning=tenant, the "+TenantLayoutSuffix+" suffix", Config.FirehoseStreamName),
		"Firehose stream name (before `namePrefix`): {allowed}. With `partitioning=tenant` it is named `<deliveryStreamName>"+TenantLayoutSuffix+"`, so switching the layout replaces it (Firehose cannot switch dynamic partitioning in place)."),
	str("bucketName", func(c *Config) *string { return &c.BucketName }, bucketNameRule,
		"An existing general-purpose bucket ({allowed}) to write into instead of creating one; the stack only references it: no bucket policy, never emptied or deleted. Empty: the stack creates a bucket."),
	str("prefix", func(c *Config) *string { return &c.Prefix }, prefixRule,
		"S3 key prefix of delivered objects: {allowed}; Firehose `!{timestamp:...}` expressions allowed."),
	str("errorPrefix", func(c *Config) *string { return &c.ErrorPrefix }, errorPrefixRule,
		"S3 key prefix of records Firehose could not deliver: {allowed}; differs from `prefix`."),
	integer("dataRetentionDays", func(c *Config) *int { return &c.DataRetentionDays }, span{lo: 0, hi: MaxDataRetentionDays},
		"Days after which S3 expires the delivered objects under `prefix` (and the source-record backup under `"+BackupPrefix+"`): {allowed}, `0` keeping them until deleted (the default: lab mode deletes the bucket on `cdk destroy` anyway). The error prefix keeps its objects at least "+strconv.Itoa(MinErrorRetentionDays)+" days, long enough to investigate. Refused with `bucketName`: the stack adds no rules to a bucket it does not own. Shortening it on a deployed lab deletes the older objects (see [deploying](deploying.md#retention-and-its-cost))."),
	integer("archiveAfterDays", func(c *Config) *int { return &c.ArchiveAfterDays }, span{lo: 0, hi: MaxDataRetentionDays},
		"Days after which S3 moves the delivered objects to "+ArchiveStorageClassName+": {allowed}, `0` never; at least "+strconv.Itoa(MinArchiveAfterDays)+" (S3's minimum for that class) and before `dataRetentionDays` when that is set. Objects under 128 KB stay in S3 Standard (S3's default minimum for transitions): at 1 MiB buffers and the lab's rate most objects are smaller. Refused with `bucketName`."),
	integer("bufferSizeMiB", func(c *Config) *int { return &c.BufferSizeMiB }, span{lo: MinBufferSizeMiB, hi: MaxBufferSizeMiB},
		"Firehose buffer size in MiB: {allowed}. Unset, it follows `format=parquet` (at least "+strconv.Itoa(MinFormatConversionBufferMiB)+", Firehose's minimum with format conversion) and `partitioning=tenant` (at least "+strconv.Itoa(MinDynamicPartitioningBufferMiB)+", its minimum with dynamic partitioning); set lower with either, it is refused."),
	integer("bufferIntervalSeconds", func(c *Config) *int { return &c.BufferIntervalSeconds }, span{lo: 0, hi: MaxBufferIntervalSeconds},
		"Firehose buffer interval in seconds: {allowed}. Unset, it follows `partitioning=tenant`, which needs at least "+strconv.Itoa(MinDynamicPartitioningIntervalSeconds)+" (no zero buffering with dynamic partitioning)."),
	choice("compression", func(c *Config) *string { return &c.Compression }, enum{values: Compressions, narrow: compressionsFor},
		"Compression of delivered objects: {allowed}; with `query=true` only "+orList(codes(QueryCompressions))+", which Athena reads as they are. Unset, it follows `format=parquet`, which needs `UNCOMPRESSED` (the Parquet serializer compresses); set to anything else with it, it is refused."),
	intChoice("logRetentionDays", func(c *Config) *int { return &c.LogRetentionDays }, LogRetentionDays,
		"Retention of the stack's log groups: a finite CloudWatch Logs period, {allowed}."),
	choice("encryption", func(c *Config) *string { return &c.Encryption }, enum{values: Encryptions, means: map[string]string{
		EncryptionAWSManaged: "the services' own keys: `alias/aws/kinesis` for the stream, SSE-S3 for the buckets; no key to pay for or lose",
		EncryptionKMS:        "one customer-managed KMS key (rotation on) for the stream, the delivered objects (SSE-KMS with S3 Bucket Keys) and the query results; created by the stack unless `kmsKeyArn` names one (see [security](security.md#customer-managed-key-encryptionkms))",
	}}, "Encryption of the data at rest: {allowed}."),
	str("kmsKeyArn", func(c *Config) *string { return &c.KmsKeyArn }, kmsKeyArnRule,
		"An existing customer-managed key for `encryption=kms`: {allowed}; the stack creates no key and grants its roles on this one (its key policy must let IAM policies of the account grant it). Empty: the stack creates the key."),
	boolean("retain", func(c *Config) *bool { return &c.Retain },
		"`true` keeps the buckets (with their policies), the stream and the log groups on `cdk destroy`, and does not empty the buckets."),
	boolean("producer", func(c *Config) *bool { return &c.Producer },
		"Deploy the producer Lambda function and its one-minute schedule; `false` leaves out the function, its schedule, role and log group."),
	integer("producerRate", func(c *Config) *int { return &c.ProducerRate }, span{lo: 1, hi: lab.ShardRecordsPerSecond, per: "shardCount", perOf: func(c Config) int { return c.ShardCount }, capOf: onDemandRate, capDoc: onDemandRateDoc},
		"Events per second the producer function sends: {allowed} (one shard takes "+strconv.Itoa(lab.ShardRecordsPerSecond)+" records/s; a new on-demand stream "+strconv.Itoa(lab.OnDemandRecordsPerSecond)+"). With `streamArn` the limit is one shard's, and the preflight compares the rate with the stream's open shards.").
		needs("producer", "there is no function to send events"),
	boolean("producerAggregate", func(c *Config) *bool { return &c.ProducerAggregate },
		"`true` makes the producer function pack events into KPL aggregated records (see [the producer](producer.md#aggregation)); Firehose de-aggregates them.").
		needs("producer", "there is no function to aggregate in"),
	integer("producerReservedConcurrency", func(c *Config) *int { return &c.ProducerReservedConcurrency }, span{lo: 0, hi: MaxProducerReservedConcurrency},
		"Reserved concurrency of the producer function: {allowed}, `0` reserving none. Off by default because new accounts cannot grant it (see [deploying](deploying.md#new-accounts)); the timeout already prevents overlapping runs.").
		needs("producer", "there is no function to reserve for"),
	boolean("monitoring", func(c *Config) *bool { return &c.Monitoring },
		"Deploy the CloudWatch alarms and the pipeline dashboard."),
	str("alarmEmail", func(c *Config) *string { return &c.AlarmEmail }, emailRule,
		"Alarm notifications: {allowed} creates an encrypted SNS topic with that subscription and wires every alarm to it. Empty: no topic.").
		needs("monitoring", "without alarms there is nothing to notify about"),
	boolean("query", func(c *Config) *bool { return &c.Query },
		"Declare the Glue table, the Athena workgroup, its results bucket and the saved queries over the delivered data (see [querying](querying.md))."),
	integer("queryScanCutoffMiB", func(c *Config) *int { return &c.QueryScanCutoffMiB }, span{lo: MinQueryScanCutoffMiB, hi: MaxQueryScanCutoffMiB},
		"The Athena workgroup's per-query scanned-data limit in MiB: {allowed} (a cost guard: 1 GiB costs about half a cent).").
		needs("query", "there is no workgroup to limit"),
	choice("partitioning", func(c *Config) *string { return &c.Partitioning }, enum{values: Partitionings, means: map[string]string{
		PartitioningTime:   "Firehose's `" + defaultTimeFolders + "/` folders under `prefix`",
		PartitioningTenant: "dynamic partitioning into `" + TenantColumn + "=<id>/" + defaultTimeFolders + "/`; needs `bufferSizeMiB` >= " + strconv.Itoa(MinDynamicPartitioningBufferMiB) + " and `bufferIntervalSeconds` >= " + strconv.Itoa(MinDynamicPartitioningIntervalSeconds) + "; see [querying](querying.md#per-tenant-folders-partitioningtenant)",
	}}, "Key layout: {allowed}."),
	choice("format", func(c *Config) *string { return &c.Format }, enum{values: Formats, means: map[string]string{
		FormatJSON:    "GZIP NDJSON objects, as the console lab",
		FormatParquet: "Firehose converts each record to Apache Parquet with the Glue table's schema: columnar, dictionary-encoded, " + ParquetCompression + "-compressed `.parquet` objects that Athena reads only in the columns a query uses",
	}}, "What Firehose writes: {allowed}. Parquet needs `query=true`; `compression` and `bufferSizeMiB` follow it (`UNCOMPRESSED`, "+strconv.Itoa(MinFormatConversionBufferMiB)+") unless set (see [querying](querying.md#parquet-formatparquet))."),
	choice("transform", func(c *Config) *string { return &c.Transform }, enum{values: Transforms, means: map[string]string{
		TransformNone:   "Firehose delivers the records as the stream holds them",
		TransformRedact: "Firehose invokes the stack's transformer function on each batch: it drops `metadata.user` (personal data) and fails events that do not match the schema, which land under `errorPrefix` as `processing-failed`",
	}}, "Record transformation: {allowed}. Switches in place (see [architecture](architecture.md#record-transformation-transformredact))."),
	boolean("backup", func(c *Config) *bool { return &c.Backup },
		"`true` makes Firehose keep every untransformed source record under `"+BackupPrefix+"` in the data bucket (source record backup); it needs `transform=redact` or `format=parquet`, and once deployed Firehose cannot switch it off again."),
}

// Keys returns the context keys in documentation order.
func Keys() []string {
	keys := make([]string, len(Settings))
	for i, s := range Settings {
		keys[i] = s.Key
	}
	return keys
}

// needs marks s as mattering only with the boolean key feature true; why says what is missing without it.
func (s Setting) needs(feature, why string) Setting {
	s.Needs, s.needsWhy = feature, why
	return s
}

func str(key string, field func(*Config) *string, rule text, doc string) Setting {
	return Setting{Key: key, Doc: doc,
		allowedDoc: rule.allowed,
		problem:    rule.problem,
		value:      func(c Config) string { return *field(&c) },
		parse:      stringParser(field),
		parseWhy:   func(Config) string { return "must be a string: " + rule.allowed },
	}
}

func choice(key string, field func(*Config) *string, e enum, doc string) Setting {
	return Setting{Key: key, Doc: doc,
		allowedDoc: e.doc(),
		problem:    func(c Config) string { return e.problem(c, *field(&c)) },
		value:      func(c Config) string { return *field(&c) },
		parse:      stringParser(field),
		parseWhy:   func(Config) string { return "must be one of " + strings.Join(e.values, ", ") },
	}
}

func integer(key string, field func(*Config) *int, r span, doc string) Setting {
	return Setting{Key: key, Doc: doc,
		allowedDoc: r.doc(),
		problem: func(c Config) string {
			if lo, hi := r.limits(c); *field(&c) < lo || *field(&c) > hi {
				return "must be " + r.allowed(c)
			}
			return ""
		},
		value:    func(c Config) string { return strconv.Itoa(*field(&c)) },
		parse:    intParser(field),
		parseWhy: func(c Config) string { return "must be " + r.allowed(c) + " " + integerForm },
	}
}

// intChoice is an integer key with a list of allowed values.
func intChoice(key string, field func(*Config) *int, values []int, doc string) Setting {
	e := enum{values: make([]string, len(values))}
	for i, v := range values {
		e.values[i] = strconv.Itoa(v)
	}
	return Setting{Key: key, Doc: doc,
		allowedDoc: e.doc(),
		problem:    func(c Config) string { return e.problem(c, strconv.Itoa(*field(&c))) },
		value:      func(c Config) string { return strconv.Itoa(*field(&c)) },
		parse:      intParser(field),
		parseWhy:   func(Config) string { return "must be one of " + strings.Join(e.values, ", ") + " " + integerForm },
	}
}

func boolean(key string, field func(*Config) *bool, doc string) Setting {
	return Setting{Key: key, Doc: doc,
		problem:  func(Config) string { return "" },
		value:    func(c Config) string { return strconv.FormatBool(*field(&c)) },
		parse:    boolParser(field),
		parseWhy: func(Config) string { return "must be true or false" },
	}
}
