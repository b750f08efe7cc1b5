// Package config is the one home of the CDK app's settings: their context keys, defaults, parsing and validation.
//
// It imports nothing from aws-cdk so that its tests compile and run in a second, without jsii.
package config

import (
	"errors"
	"fmt"
	"math"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"

	"github.com/tenant-metrics-lab/tenant-metrics-lab/internal/lab"
)

// Limits that the validation enforces; each is documented in docs/configuration.md (generated from Settings).
const (
	// MaxShardCount guards against a mistyped shard count (see lab.MaxShardCount).
	MaxShardCount = lab.MaxShardCount
	// MinRetentionHours and MaxRetentionHours are Kinesis' own retention bounds (1 day to 365 days).
	MinRetentionHours = 24
	MaxRetentionHours = 8760
	// MinBufferSizeMiB and MaxBufferSizeMiB are Firehose's S3 buffering-size bounds.
	MinBufferSizeMiB = 1
	MaxBufferSizeMiB = 128
	// MaxBufferIntervalSeconds is Firehose's S3 buffering-interval upper bound (0 means deliver as soon as possible).
	MaxBufferIntervalSeconds = 900
	// MaxNamePrefixLen keeps prefixed names inside every service's length limit with room to spare.
	MaxNamePrefixLen = 20
	// MinQueryScanCutoffMiB and MaxQueryScanCutoffMiB bound the workgroup's per-query scan limit: Athena's minimum
	// is 10 MB; the maximum is a typo guard (1 TiB scanned costs about $5).
	// https://docs.aws.amazon.com/athena/latest/APIReference/API_WorkGroupConfiguration.html
	MinQueryScanCutoffMiB = 10
	MaxQueryScanCutoffMiB = 1 << 20
	// MinDynamicPartitioningBufferMiB is Firehose's smallest buffer size with dynamic partitioning.
	// https://docs.aws.amazon.com/firehose/latest/dev/dynamic-partitioning-enable.html
	MinDynamicPartitioningBufferMiB = 64
	// MinDynamicPartitioningIntervalSeconds: zero buffering is not available with dynamic partitioning, whose
	// interval stays in Firehose's classic 60 to 900 s range. https://docs.aws.amazon.com/firehose/latest/dev/buffering.html
	MinDynamicPartitioningIntervalSeconds = 60
	// MaxProducerReservedConcurrency is the most the producer can use: one invocation per schedule period.
	MaxProducerReservedConcurrency = 1
	// StackBaseName is the CloudFormation stack name before any namePrefix.
	StackBaseName = lab.StackBaseName
)

// Compressions are the formats an Amazon Data Firehose S3 destination accepts.
var Compressions = []string{"UNCOMPRESSED", "GZIP", "ZIP", "Snappy", "HADOOP_SNAPPY"}

// LogRetentionDays are the finite retention periods CloudWatch Logs accepts.
var LogRetentionDays = []int{1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653}

// errorOutputType is the Firehose expression that must appear in an error prefix that uses expressions.
const errorOutputType = "!{firehose:error-output-type}"

// Config holds every tunable of the stack; Default returns the lab's values.
type Config struct {
	NamePrefix            string // prefixes stack and resource names so several people can share an account
	StreamName            string // Kinesis data stream name, before NamePrefix
	ShardCount            int    // provisioned shards of the stream
	RetentionHours        int    // how long the stream keeps records
	DeliveryStreamName    string // Firehose delivery stream name, before NamePrefix
	BucketName            string // existing bucket to write into; empty creates one
	Prefix                string // S3 key prefix of delivered objects
	ErrorPrefix           string // S3 key prefix of records Firehose could not deliver
	BufferSizeMiB         int    // Firehose buffering size hint
	BufferIntervalSeconds int    // Firehose buffering interval hint
	Compression           string // Firehose output compression
	LogRetentionDays      int    // retention of the stack's log groups
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
}

// Default returns the settings of the console lab.
func Default() Config {
	return Config{
		StreamName:            lab.DefaultStreamName,
		ShardCount:            1,
		RetentionHours:        24,
		DeliveryStreamName:    lab.DefaultDeliveryStreamName,
		Prefix:                lab.DefaultPrefix,
		ErrorPrefix:           "errors/" + errorOutputType + "/",
		BufferSizeMiB:         1,
		BufferIntervalSeconds: 60,
		Compression:           "GZIP",
		LogRetentionDays:      14,
		Producer:              true,
		// 10 events/s is 1 % of one shard's limit; Firehose bills each ~300-byte record as 5 KB, so a day costs
		// about $0.13 of Firehose ingestion plus the function's ~$0.10 (see docs/deploying.md, Cost).
		ProducerRate:       10,
		Monitoring:         true,
		Query:              true,
		QueryScanCutoffMiB: 1024,
		Partitioning:       PartitioningTime,
		Format:             FormatJSON,
	}
}

// Setting describes one context key: its name, what it means and allows, and how a raw context value lands in
// Config. Doc is the key's documentation: docs/configuration.md is generated from it (Reference).
type Setting struct {
	Key   string
	Doc   string
	apply func(c *Config, raw any) error
	value func(c Config) string // the key's value in c, as a person would write it
}

// Settings lists every context key the app reads, in the order the reference documents them.
var Settings = []Setting{
	str("namePrefix", "Prefix of the stack and every named resource (`alice-TenantMetricsLab`, `alice-tenant-metrics-stream`, ...), so several people can share an account. 1-20 of `a-z 0-9 -`, starting with a letter. In Glue names `-` becomes `_`.", func(c *Config) *string { return &c.NamePrefix }),
	str("streamName", "Kinesis data stream name (before `namePrefix`): 1-128 of `A-Z a-z 0-9 _ . -` with the prefix.", func(c *Config) *string { return &c.StreamName }),
	integer("shardCount", "Provisioned shards of the stream: 1-50 (a guard against typos: a shard costs about $11 a month; raise `MaxShardCount` deliberately).", func(c *Config) *int { return &c.ShardCount }),
	integer("retentionHours", "Hours the stream keeps records: 24-8760.", func(c *Config) *int { return &c.RetentionHours }),
	str("deliveryStreamName", "Firehose stream name (before `namePrefix`): 1-64 of `A-Z a-z 0-9 _ . -` with the prefix. With `partitioning=tenant` the stream is named `<deliveryStreamName>_by_tenant`, so switching the layout replaces it (Firehose cannot switch dynamic partitioning in place).", func(c *Config) *string { return &c.DeliveryStreamName }),
	str("bucketName", "An existing general-purpose bucket (3-63 of `a-z 0-9 . -`) to write into instead of creating one; the stack only references it: no bucket policy, never emptied or deleted. Empty: the stack creates a bucket.", func(c *Config) *string { return &c.BucketName }),
	str("prefix", "S3 key prefix of delivered objects: must end with `/`, must not start with `/`; Firehose `!{timestamp:...}` expressions allowed.", func(c *Config) *string { return &c.Prefix }),
	str("errorPrefix", "S3 key prefix of records Firehose could not deliver: must end with `/`; with expressions it must contain `!{firehose:error-output-type}`; differs from `prefix`.", func(c *Config) *string { return &c.ErrorPrefix }),
	integer("bufferSizeMiB", "Firehose buffer size in MiB: 1-128. Unset, it follows `format=parquet` and `partitioning=tenant`, which need at least 64 (Firehose's minimum with format conversion and with dynamic partitioning); set below 64 with either, it is refused.", func(c *Config) *int { return &c.BufferSizeMiB }),
	integer("bufferIntervalSeconds", "Firehose buffer interval in seconds: 0-900. Unset, it follows `partitioning=tenant`, which needs at least 60 (no zero buffering with dynamic partitioning).", func(c *Config) *int { return &c.BufferIntervalSeconds }),
	str("compression", "Compression of delivered objects: `"+strings.Join(Compressions, "`, `")+"` (`GZIP` or `UNCOMPRESSED` with `query=true`, which Athena reads as they are). Unset, it follows `format=parquet`, which needs `UNCOMPRESSED` (the Parquet serializer compresses); set to anything else with it, it is refused.", func(c *Config) *string { return &c.Compression }),
	integer("logRetentionDays", "Retention of the stack's log groups: a finite CloudWatch Logs period (1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653).", func(c *Config) *int { return &c.LogRetentionDays }),
	boolean("retain", "`true` keeps the buckets (with their policies), the stream and the log groups on `cdk destroy`, and does not empty the buckets.", func(c *Config) *bool { return &c.Retain }),
	boolean("producer", "Deploy the producer Lambda function and its one-minute schedule; `false` leaves out the function, its schedule, role and log group.", func(c *Config) *bool { return &c.Producer }),
	integer("producerRate", "Events per second the producer function sends: 1 to 1,000 x `shardCount` (one shard takes 1,000 records/s).", func(c *Config) *int { return &c.ProducerRate }),
	boolean("producerAggregate", "`true` makes the producer function pack events into KPL aggregated records (see [the producer](producer.md#aggregation)); Firehose de-aggregates them.", func(c *Config) *bool { return &c.ProducerAggregate }),
	integer("producerReservedConcurrency", "`0` (none) or `1`: reserved concurrency of the producer function. Off by default because new accounts cannot grant it (see [deploying](deploying.md#new-accounts)); the timeout already prevents overlapping runs.", func(c *Config) *int { return &c.ProducerReservedConcurrency }),
	boolean("monitoring", "Deploy the CloudWatch alarms and the pipeline dashboard.", func(c *Config) *bool { return &c.Monitoring }),
	str("alarmEmail", "An e-mail address: creates an encrypted SNS topic with that subscription and wires every alarm to it (needs `monitoring=true`). Empty: no topic.", func(c *Config) *string { return &c.AlarmEmail }),
	boolean("query", "Declare the Glue table, the Athena workgroup, its results bucket and the saved queries over the delivered data (see [querying](querying.md)).", func(c *Config) *bool { return &c.Query }),
	integer("queryScanCutoffMiB", "The Athena workgroup's per-query scanned-data limit in MiB: 10-1048576 (a cost guard: 1 GiB costs about half a cent).", func(c *Config) *int { return &c.QueryScanCutoffMiB }),
	str("partitioning", "Key layout: `time` (Firehose's `yyyy/MM/dd/HH/` folders under `prefix`) or `tenant` (dynamic partitioning into `tenant_id=<id>/yyyy/MM/dd/HH/`; needs `bufferSizeMiB` >= 64 and `bufferIntervalSeconds` >= 60; see [querying](querying.md#per-tenant-folders-partitioningtenant)).", func(c *Config) *string { return &c.Partitioning }),
	str("format", "What Firehose writes: `json` (GZIP NDJSON objects, as the console lab) or `parquet` (Firehose converts each record to Apache Parquet with the Glue table's schema: columnar, dictionary-encoded, "+ParquetCompression+"-compressed `.parquet` objects that Athena reads only in the columns a query uses). `parquet` needs `query=true`; `compression` and `bufferSizeMiB` follow it (`UNCOMPRESSED`, 64) unless set (see [querying](querying.md#parquet-formatparquet)).", func(c *Config) *string { return &c.Format }),
}

// Output formats of the delivered objects.
const (
	FormatJSON    = "json"    // GZIP (or uncompressed) NDJSON, as the producer writes events
	FormatParquet = "parquet" // Firehose's record format conversion to Apache Parquet
)

// Formats lists the allowed values of format.
var Formats = []string{FormatJSON, FormatParquet}

// MinFormatConversionBufferMiB is Firehose's smallest buffer with record format conversion (aws-cdk-lib refuses
// less with DataFormatConversionBufferingSizeTooSmall, mirroring the service).
const MinFormatConversionBufferMiB = 64

// Reference renders the configuration reference table (docs/configuration.md) from Settings and Default.
func Reference() string {
	var b strings.Builder
	b.WriteString("| key | default | meaning and allowed values |\n| --- | --- | --- |\n")
	def := Default()
	for _, s := range Settings {
		v := s.value(def)
		if v == "" {
			v = "(empty)"
		} else {
			v = "`" + v + "`"
		}
		fmt.Fprintf(&b, "| `%s` | %s | %s |\n", s.Key, v, s.Doc)
	}
	return b.String()
}

// appKey matches the context keys that belong to this app: plain camelCase words. Keys the CDK itself uses always
// contain '@', ':', '/' or '-', so a camelCase key nobody reads is a typo worth reporting.
var appKey = regexp.MustCompile(`^[a-z][A-Za-z0-9]*$`)

// FromContext builds a Config from CDK context values (cdk.json and -c overrides) over the defaults, and
// validates it. The error names every bad key, its value and what is allowed.
func FromContext(ctx map[string]any) (Config, error) {
	c := Default()
	var errs []error
	known := make(map[string]bool, len(Settings))
	given := map[string]bool{}
	for _, s := range Settings {
		known[s.Key] = true
		if raw, ok := ctx[s.Key]; ok && raw != nil {
			given[s.Key] = true
			if err := s.apply(&c, raw); err != nil {
				errs = append(errs, err)
			}
		}
	}
	c.follow(given)
	var unknown []string
	for k := range ctx {
		// A camelCase key nobody reads is a typo; so is any key that spells a known one with other letter case,
		// '_' or '-' (ShardCount, shard_count, shard-count), which the CDK would otherwise ignore silently.
		if !known[k] && (appKey.MatchString(k) || suggest(k) != "") {
			unknown = append(unknown, k)
		}
	}
	sort.Strings(unknown)
	for _, k := range unknown {
		errs = append(errs, fmt.Errorf("unknown context key %s=%q%s: allowed keys are %s", k, fmt.Sprint(ctx[k]), suggest(k), strings.Join(Keys(), ", ")))
	}
	// Keys that failed to parse kept their valid defaults, so Validate adds only the other keys' problems.
	if err := c.Validate(); err != nil {
		errs = append(errs, err)
	}
	return c, errors.Join(errs...)
}

// Keys returns the context keys in documentation order.
func Keys() []string {
	keys := make([]string, len(Settings))
	for i, s := range Settings {
		keys[i] = s.Key
	}
	return keys
}

// suggest names the known key that k spells differently, in letter case or with '_' or '-' between words.
func suggest(k string) string {
	for _, s := range Settings {
		if s.Key != k && normalizeKey(s.Key) == normalizeKey(k) {
			return fmt.Sprintf(" (did you mean %q?)", s.Key)
		}
	}
	return ""
}

// normalizeKey folds letter case and drops the word separators people type: shard_count and ShardCount both
// become shardcount.
func normalizeKey(k string) string {
	return strings.ToLower(strings.NewReplacer("_", "", "-", "").Replace(k))
}

// Validate checks every rule and reports all violations at once.
func (c Config) Validate() error {
	var errs []error
	bad := func(key string, value any, allowed string, args ...any) {
		errs = append(errs, fmt.Errorf("invalid context value %s=%q: %s", key, fmt.Sprint(value), fmt.Sprintf(allowed, args...)))
	}
	inRange := func(key string, v, lo, hi int) {
		if v < lo || v > hi {
			bad(key, v, "must be a whole number from %d to %d", lo, hi)
		}
	}
	if c.NamePrefix != "" && !namePrefixRe.MatchString(c.NamePrefix) {
		bad("namePrefix", c.NamePrefix, "must be 1 to %d lowercase letters, digits or '-', starting with a letter and not ending with '-'", MaxNamePrefixLen)
	}
	if msg := streamNameRule(c.KinesisStreamName(), 128); msg != "" {
		bad("streamName", c.StreamName, "Kinesis stream names (with namePrefix) %s", msg)
	}
	if msg := streamNameRule(c.FirehoseStreamName(), 64); msg != "" {
		bad("deliveryStreamName", c.DeliveryStreamName, "Firehose stream names (with namePrefix, and %s with partitioning=tenant) %s", TenantLayoutSuffix, msg)
	}
	inRange("shardCount", c.ShardCount, 1, MaxShardCount)
	inRange("retentionHours", c.RetentionHours, MinRetentionHours, MaxRetentionHours)
	inRange("bufferSizeMiB", c.BufferSizeMiB, MinBufferSizeMiB, MaxBufferSizeMiB)
	inRange("bufferIntervalSeconds", c.BufferIntervalSeconds, 0, MaxBufferIntervalSeconds)
	if c.BucketName != "" {
		if msg := bucketNameRule(c.BucketName); msg != "" {
			bad("bucketName", c.BucketName, "S3 bucket names %s", msg)
		}
	}
	if msg := prefixRule(c.Prefix); msg != "" {
		bad("prefix", c.Prefix, "%s", msg)
	} else if strings.Contains(c.Prefix, errorOutputType) {
		bad("prefix", c.Prefix, "must not contain %s (it belongs in errorPrefix)", errorOutputType)
	}
	if msg := prefixRule(c.ErrorPrefix); msg != "" {
		bad("errorPrefix", c.ErrorPrefix, "%s", msg)
	} else if strings.Contains(c.ErrorPrefix, "!{") && !strings.Contains(c.ErrorPrefix, errorOutputType) {
		bad("errorPrefix", c.ErrorPrefix, "an error prefix that uses !{...} expressions must include %s", errorOutputType)
	} else if c.ErrorPrefix == c.Prefix {
		bad("errorPrefix", c.ErrorPrefix, "must differ from prefix so failed records never mix with delivered ones")
	}
	if c.Producer {
		// The producer function may use at most one shard's write limit per shard.
		inRange("producerRate", c.ProducerRate, 1, lab.ShardRecordsPerSecond*max(c.ShardCount, 1))
		// One invocation per schedule period never needs more than one; the timeout already prevents overlaps.
		inRange("producerReservedConcurrency", c.ProducerReservedConcurrency, 0, MaxProducerReservedConcurrency)
	} else {
		if c.ProducerReservedConcurrency != 0 {
			bad("producerReservedConcurrency", c.ProducerReservedConcurrency, "needs producer=true: there is no function to reserve for")
		}
		if c.ProducerAggregate {
			bad("producerAggregate", c.ProducerAggregate, "needs producer=true: there is no function to aggregate in")
		}
	}
	if c.AlarmEmail != "" && (len(c.AlarmEmail) > 254 || !emailRe.MatchString(c.AlarmEmail)) {
		bad("alarmEmail", c.AlarmEmail, "must be an e-mail address such as ops@example.com")
	}
	if c.AlarmEmail != "" && !c.Monitoring {
		bad("alarmEmail", c.AlarmEmail, "needs monitoring=true: without alarms there is nothing to notify about")
	}
	if !slices.Contains(Partitionings, c.Partitioning) {
		bad("partitioning", c.Partitioning, "must be one of %s", strings.Join(Partitionings, ", "))
	}
	if c.Partitioning == PartitioningTenant {
		if c.BufferSizeMiB < MinDynamicPartitioningBufferMiB {
			bad("bufferSizeMiB", c.BufferSizeMiB, "partitioning=tenant needs bufferSizeMiB >= %d (Firehose's minimum with dynamic partitioning); leave bufferSizeMiB unset and it follows partitioning", MinDynamicPartitioningBufferMiB)
		}
		if c.BufferIntervalSeconds < MinDynamicPartitioningIntervalSeconds {
			bad("bufferIntervalSeconds", c.BufferIntervalSeconds, "partitioning=tenant needs bufferIntervalSeconds >= %d (no zero buffering with dynamic partitioning); leave bufferIntervalSeconds unset and it follows partitioning", MinDynamicPartitioningIntervalSeconds)
		}
		if !strings.Contains(c.ErrorPrefix, errorOutputType) {
			bad("errorPrefix", c.ErrorPrefix, "partitioning=tenant needs an errorPrefix with %s (Firehose requires it with dynamic partitioning)", errorOutputType)
		}
	}
	if c.Query || c.Partitioning == PartitioningTenant {
		if _, err := c.Layout(); err != nil && prefixRule(c.Prefix) == "" {
			bad("prefix", c.Prefix, "%v (or set query=false)", err)
		}
	}
	if c.Query {
		inRange("queryScanCutoffMiB", c.QueryScanCutoffMiB, MinQueryScanCutoffMiB, MaxQueryScanCutoffMiB)
		if c.Compression != "GZIP" && c.Compression != "UNCOMPRESSED" {
			bad("compression", c.Compression, "query=true needs GZIP or UNCOMPRESSED objects, which Athena reads as they are (or set query=false)")
		}
	}
	if !slices.Contains(Formats, c.Format) {
		bad("format", c.Format, "must be one of %s", strings.Join(Formats, ", "))
	}
	if c.Format == FormatParquet {
		// Firehose converts with the schema of a Glue table, disables S3-level compression (the serializer
		// compresses) and needs a 64 MiB buffer. https://docs.aws.amazon.com/firehose/latest/dev/record-format-conversion.html
		// https://docs.aws.amazon.com/firehose/latest/dev/enable-record-format-conversion.html
		if !c.Query {
			bad("query", c.Query, "format=parquet needs query=true: Firehose converts records with the schema of the stack's Glue table")
		}
		if c.Compression != "UNCOMPRESSED" {
			bad("compression", c.Compression, "format=parquet needs compression=UNCOMPRESSED: Firehose disables S3 compression with record format conversion, and the Parquet serializer compresses ("+ParquetCompression+"); leave compression unset and it follows format")
		}
		if c.BufferSizeMiB < MinFormatConversionBufferMiB {
			bad("bufferSizeMiB", c.BufferSizeMiB, "format=parquet needs bufferSizeMiB >= %d (Firehose's minimum with record format conversion); leave bufferSizeMiB unset and it follows format", MinFormatConversionBufferMiB)
		}
	}
	if !slices.Contains(Compressions, c.Compression) {
		bad("compression", c.Compression, "must be one of %s", strings.Join(Compressions, ", "))
	}
	if !slices.Contains(LogRetentionDays, c.LogRetentionDays) {
		bad("logRetentionDays", c.LogRetentionDays, "must be one of %s", joinInts(LogRetentionDays))
	}
	return errors.Join(errs...)
}

// LiteralPrefix cuts a Firehose prefix at its first !{...} expression: the fixed part under which every object
// lands (errors/!{firehose:error-output-type}/ becomes errors/). IAM grants and readers start there.
func LiteralPrefix(prefix string) string {
	if i := strings.Index(prefix, "!{"); i >= 0 {
		return prefix[:i]
	}
	return prefix
}

// ResourceName applies NamePrefix to a physical resource name.
func (c Config) ResourceName(base string) string {
	if c.NamePrefix == "" {
		return base
	}
	return c.NamePrefix + "-" + base
}

// Tag keys every resource of a deployment carries (as the stack's tags, which CloudFormation propagates), so
// that `labcheck leftovers` and cost reports can find them.
const (
	TagProject    = "project"
	TagNamePrefix = "namePrefix"
	// ProjectTagValue is the value of TagProject.
	ProjectTagValue = "tenant-metrics-lab"
)

// Tags are the stack's tags. namePrefix is left out when empty: CloudFormation tag values may not be empty.
func (c Config) Tags() map[string]string {
	tags := map[string]string{TagProject: ProjectTagValue}
	if c.NamePrefix != "" {
		tags[TagNamePrefix] = c.NamePrefix
	}
	return tags
}

// DeliveryLogGroupName is the Firehose error-log group: the name the console would choose, so people following
// the lab find the errors where they expect.
func (c Config) DeliveryLogGroupName() string {
	return "/aws/kinesisfirehose/" + c.FirehoseStreamName()
}

// StackName is the CloudFormation stack name, which namePrefix also separates per person.
func (c Config) StackName() string {
	return c.ResourceName(StackBaseName)
}

// KinesisStreamName is the data stream's physical name: streamName with namePrefix.
func (c Config) KinesisStreamName() string { return c.ResourceName(c.StreamName) }

// FirehoseStreamName is the delivery stream's physical name: deliveryStreamName with namePrefix, and with
// TenantLayoutSuffix under partitioning=tenant. Firehose can enable dynamic partitioning only when a stream is
// created, and never disable it (https://docs.aws.amazon.com/firehose/latest/dev/dynamic-partitioning-enable.html),
// while CloudFormation would update the property in place and roll back. A name per layout makes the switch a
// replacement, which CloudFormation can carry out only for a custom-named resource whose name changes.
func (c Config) FirehoseStreamName() string {
	if c.Partitioning == PartitioningTenant {
		return c.ResourceName(c.DeliveryStreamName + TenantLayoutSuffix)
	}
	return c.ResourceName(c.DeliveryStreamName)
}

// TenantLayoutSuffix ends the Firehose stream's name under partitioning=tenant (see FirehoseStreamName).
const TenantLayoutSuffix = "_by_tenant"

// AlarmNamePrefix starts every alarm name of the deployment: named after the stack, two labs in one account keep
// their alarms apart.
func (c Config) AlarmNamePrefix() string { return c.StackName() + "-" }

// AlarmName is the name of the deployment's alarm with the given id (e.g. IteratorAge).
func (c Config) AlarmName(id string) string { return c.AlarmNamePrefix() + id }

// DashboardName is the deployment's CloudWatch dashboard.
func (c Config) DashboardName() string { return c.StackName() }

var (
	namePrefixRe   = regexp.MustCompile(`^[a-z]([a-z0-9-]{0,` + strconv.Itoa(MaxNamePrefixLen-2) + `}[a-z0-9])?$`)
	streamNameRe   = regexp.MustCompile(`^[a-zA-Z0-9_.-]+$`)
	bucketNameRe   = regexp.MustCompile(`^[a-z0-9][a-z0-9.-]*[a-z0-9]$`)
	ipAddressRe    = regexp.MustCompile(`^\d+\.\d+\.\d+\.\d+$`)
	emailRe        = regexp.MustCompile(`^[A-Za-z0-9.!#$%&'*+/=?^_{|}~-]+@[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)+$`)
	prefixCharsRe  = regexp.MustCompile(`^[A-Za-z0-9!_.*'()/{}:=-]+$`)
	prefixMaxBytes = 512
)

// streamNameRule returns why name is not a valid Kinesis or Firehose stream name, or "".
func streamNameRule(name string, maxLen int) string {
	if len(name) < 1 || len(name) > maxLen || !streamNameRe.MatchString(name) {
		return fmt.Sprintf("must be 1 to %d characters of A-Z, a-z, 0-9, '_', '.' and '-'", maxLen)
	}
	return ""
}

// bucketNameRule returns why name is not a valid general-purpose S3 bucket name, or "".
func bucketNameRule(name string) string {
	switch {
	case len(name) < 3 || len(name) > 63 || !bucketNameRe.MatchString(name):
		return "must be 3 to 63 characters of a-z, 0-9, '.' and '-', starting and ending with a letter or digit"
	case strings.Contains(name, ".."):
		return "must not contain '..'"
	case ipAddressRe.MatchString(name):
		return "must not look like an IP address"
	case strings.HasPrefix(name, "xn--") || strings.HasSuffix(name, "-s3alias"):
		return "must not start with 'xn--' or end with '-s3alias'"
	}
	return ""
}

// prefixRule returns why p is not a usable Firehose S3 prefix, or "".
func prefixRule(p string) string {
	switch {
	case p == "":
		return "must not be empty"
	case len(p) > prefixMaxBytes:
		return fmt.Sprintf("must be at most %d characters", prefixMaxBytes)
	case strings.HasPrefix(p, "/"):
		return "must not start with '/'"
	case !strings.HasSuffix(p, "/"):
		return "must end with '/' (without it Firehose glues the prefix onto the date folders, e.g. stream2026/)"
	case !prefixCharsRe.MatchString(p):
		return "may contain only letters, digits, '/', and the characters ! _ . * ' ( ) - { } : ="
	}
	return ""
}

func str(key, doc string, field func(*Config) *string) Setting {
	return Setting{Key: key, Doc: doc, value: func(c Config) string { return *field(&c) }, apply: func(c *Config, raw any) error {
		s, ok := raw.(string)
		if !ok {
			return fmt.Errorf("invalid context value %s=%v: must be a string", key, raw)
		}
		*field(c) = s
		return nil
	}}
}

func integer(key, doc string, field func(*Config) *int) Setting {
	return Setting{Key: key, Doc: doc, value: func(c Config) string { return strconv.Itoa(*field(&c)) }, apply: func(c *Config, raw any) error {
		n, err := parseInt(raw)
		if err != nil {
			return fmt.Errorf("invalid context value %s=%q: must be a whole number: %w", key, fmt.Sprint(raw), err)
		}
		*field(c) = n
		return nil
	}}
}

func boolean(key, doc string, field func(*Config) *bool) Setting {
	return Setting{Key: key, Doc: doc, value: func(c Config) string { return strconv.FormatBool(*field(&c)) }, apply: func(c *Config, raw any) error {
		switch v := raw.(type) {
		case bool:
			*field(c) = v
		case string:
			// -c retain=true arrives as a string; accept exactly the JSON spellings so "yes" or "1" is not guessed at.
			if v != "true" && v != "false" {
				return fmt.Errorf("invalid context value %s=%q: must be true or false", key, v)
			}
			*field(c) = v == "true"
		default:
			return fmt.Errorf("invalid context value %s=%v: must be true or false", key, raw)
		}
		return nil
	}}
}

// parseInt accepts a JSON number with no fraction (cdk.json) or a decimal string of digits (-c key=value).
func parseInt(raw any) (int, error) {
	switch v := raw.(type) {
	case float64:
		if v != math.Trunc(v) || math.Abs(v) > math.MaxInt32 {
			return 0, errors.New("not an integer")
		}
		return int(v), nil
	case int:
		return v, nil
	case string:
		if v == "" || strings.TrimSpace(v) != v {
			return 0, errors.New("empty or padded with spaces")
		}
		n, err := strconv.ParseInt(v, 10, 32)
		if err != nil {
			return 0, errors.New("not a decimal integer")
		}
		return int(n), nil
	}
	return 0, fmt.Errorf("unexpected %T", raw)
}

func joinInts(ns []int) string {
	parts := make([]string, len(ns))
	for i, n := range ns {
		parts[i] = strconv.Itoa(n)
	}
	return strings.Join(parts, ", ")
}
