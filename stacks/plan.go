package stacks

import (
	"github.com/aws/aws-cdk-go/awscdk/v2"

	"github.com/tenant-metrics-lab/tenant-metrics-lab/stacks/config"
)

// plan is what a valid configuration implies for the parts of the pipeline, derived once, as config.Layout
// derives the names: each part reads its switches here instead of deciding again from format, partitioning,
// retain or bucketName. It makes no jsii call, so it can be derived before any construct exists.
type plan struct {
	// removal is what cdk destroy does to the stack's stateful resources: delete them in lab mode, keep them with
	// retain=true.
	removal awscdk.RemovalPolicy
	// emptyOnDestroy is lab mode's other half: cdk destroy empties what holds data (the buckets' objects, the
	// workgroup's query history) so that it can delete it.
	emptyOnDestroy bool
	// layout is where Firehose writes each object and how the query table finds it again; layout.Tenant turns on
	// dynamic partitioning, its JQ processor, the tenant partition and the partition-limit alarm.
	layout config.Layout
	// conversion is Firehose's record format conversion to Parquet (format=parquet): the catalog comes before the
	// delivery stream, whose role reads the table's schema, and conversion failures have an alarm.
	conversion bool
	// fileExtension ends the delivered objects' keys ("" keeps Firehose's default naming).
	fileExtension string
	// accessLogs is whether the stack's buckets write server access logs (see logsAccess).
	accessLogs bool
	// errorPrefixMetrics is whether the data bucket reports request metrics of the error prefix, which the
	// alarm on diverted records reads: with monitoring, in a bucket the stack creates (it adds nothing to an
	// imported one).
	errorPrefixMetrics bool
	// onDemand is the created stream's on-demand capacity mode (streamMode=on-demand): no shard count, and the
	// throttling alarm speaks of on-demand's capacity instead of shards.
	onDemand bool
	// transform is whether Firehose invokes the transformer function (transform=redact): the function, its
	// processor, the invoke grant and the processing alarm; off, the template switches processing off explicitly.
	transform bool
	// backup is Firehose's source record backup under config.BackupPrefix (backup=true); off, the template writes
	// S3BackupMode Disabled.
	backup bool
	// customerKey is encryption=kms: the stream, the objects and the query results use one customer-managed key;
	// without it the delivery stream writes NoEncryption explicitly.
	customerKey bool
}

// newPlan derives the plan of cfg, which must be valid.
func newPlan(cfg config.Config) plan {
	pl := plan{
		removal:            awscdk.RemovalPolicy_DESTROY,
		emptyOnDestroy:     !cfg.Retain,
		conversion:         cfg.Format == config.FormatParquet,
		accessLogs:         logsAccess(cfg),
		errorPrefixMetrics: cfg.Monitoring && cfg.BucketName == "",
		onDemand:           cfg.StreamArn == "" && cfg.StreamMode == config.StreamModeOnDemand,
		transform:          cfg.Transforming(),
		backup:             cfg.Backup,
		customerKey:        cfg.CustomerKey(),
	}
	if cfg.Retain {
		pl.removal = awscdk.RemovalPolicy_RETAIN
	}
	layout, err := cfg.Layout()
	if err != nil {
		// Validate admits an unprojectable prefix only without the query side and per-tenant folders, where
		// Firehose takes the prefix as it is.
		layout = config.Layout{FirehosePrefix: cfg.Prefix}
	}
	pl.layout = layout
	if pl.conversion {
		// Parquet objects end in .parquet, so readers and the S3 console know what they hold.
		pl.fileExtension = ".parquet"
	}
	return pl
}
