// Package stacks declares the lab's CloudFormation stack: the Kinesis stream, the Firehose delivery stream, the
// data bucket and everything they need to be secure and removable.
package stacks

import (
	"fmt"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsiam"
	"github.com/aws/aws-cdk-go/awscdk/v2/awskinesis"
	"github.com/aws/aws-cdk-go/awscdk/v2/awskinesisfirehose"
	"github.com/aws/aws-cdk-go/awscdk/v2/awslogs"
	"github.com/aws/aws-cdk-go/awscdk/v2/awss3"
	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"

	"github.com/tenant-metrics-lab/tenant-metrics-lab/stacks/config"
)

// Pipeline is the lab's stack and its main resources, which the producer and monitoring constructs attach to.
type Pipeline struct {
	Stack          awscdk.Stack
	Stream         awskinesis.Stream
	DeliveryStream awskinesisfirehose.DeliveryStream
	Bucket         awss3.IBucket
	DeliveryLogs   awslogs.LogGroup
	Config         config.Config
	Producer       *ProducerFunction // nil with -c producer=false
	Monitoring     *Monitoring       // nil with -c monitoring=false
	Query          *Query            // nil with -c query=false
}

// deliveryLogStreamID is the construct id of the log stream the Firehose L2 adds to the log group for S3 errors.
const deliveryLogStreamID = "S3Destination"

// PipelineStackProps are a stack's usual properties (env, tags, termination protection...) plus the lab's
// configuration, which must already be valid.
type PipelineStackProps struct {
	awscdk.StackProps
	Config config.Config
}

// StackProps returns the stack properties the app uses for cfg: its name, description and tags.
func StackProps(cfg config.Config) awscdk.StackProps {
	tags := map[string]*string{}
	for k, v := range cfg.Tags() {
		tags[k] = jsii.String(v)
	}
	return awscdk.StackProps{
		StackName:   jsii.String(cfg.StackName()),
		Description: jsii.String("tenant-metrics-lab: Kinesis data stream -> Amazon Data Firehose -> S3 telemetry pipeline"),
		Tags:        &tags,
	}
}

// NewPipelineStack declares the whole ingestion pipeline in a new stack.
func NewPipelineStack(scope constructs.Construct, id string, props *PipelineStackProps) *Pipeline {
	cfg := props.Config
	removal := awscdk.RemovalPolicy_DESTROY
	if cfg.Retain {
		removal = awscdk.RemovalPolicy_RETAIN
	}
	stackProps := props.StackProps
	stack := awscdk.NewStack(scope, jsii.String(id), &stackProps)
	p := &Pipeline{Stack: stack, Config: cfg}

	p.Stream = awskinesis.NewStream(stack, jsii.String("Stream"), &awskinesis.StreamProps{
		StreamName:      jsii.String(cfg.KinesisStreamName()),
		StreamMode:      awskinesis.StreamMode_PROVISIONED,
		ShardCount:      jsii.Number(float64(cfg.ShardCount)),
		RetentionPeriod: awscdk.Duration_Hours(jsii.Number(float64(cfg.RetentionHours))),
		// The AWS-managed key (alias/aws/kinesis) encrypts at rest with no key to pay for or lose, and consumers
		// need no extra KMS permissions to read.
		Encryption:    awskinesis.StreamEncryption_MANAGED,
		RemovalPolicy: removal,
	})

	var accessLogs awss3.Bucket
	p.Bucket, accessLogs = newBuckets(stack, cfg, removal)
	layout, err := cfg.Layout()
	if err != nil {
		// Validate admits an unprojectable prefix only without the query side and per-tenant folders, where
		// Firehose takes the prefix as it is.
		layout = config.Layout{FirehosePrefix: cfg.Prefix}
	}

	p.DeliveryLogs = awslogs.NewLogGroup(stack, jsii.String("DeliveryLogs"), &awslogs.LogGroupProps{
		LogGroupName:  jsii.String(cfg.DeliveryLogGroupName()),
		Retention:     retentionDays(cfg.LogRetentionDays),
		RemovalPolicy: removal,
	})

	deliveryRole := awsiam.NewRole(stack, jsii.String("DeliveryRole"), &awsiam.RoleProps{
		Description: jsii.String("Lets Firehose write the stream's records to S3 under the configured prefixes"),
		AssumedBy: awsiam.NewServicePrincipal(jsii.String("firehose.amazonaws.com"), &awsiam.ServicePrincipalOpts{
			// Confused-deputy guard with the key Firehose sends when it assumes a delivery role: sts:ExternalId is the
			// account id. https://docs.aws.amazon.com/firehose/latest/dev/controlling-access.html#firehose-assume-role
			Conditions: &map[string]any{"StringEquals": map[string]any{"sts:ExternalId": awscdk.Aws_ACCOUNT_ID()}},
		}),
	})

	var catalog *Query
	if cfg.Format == config.FormatParquet {
		catalog = addCatalog(p, layout, removal) // Firehose converts records with the table's schema
	}
	p.DeliveryStream = awskinesisfirehose.NewDeliveryStream(stack, jsii.String("DeliveryStream"), &awskinesisfirehose.DeliveryStreamProps{
		DeliveryStreamName: jsii.String(cfg.FirehoseStreamName()),
		Source:             awskinesisfirehose.NewKinesisStreamSource(p.Stream),
		Destination: awskinesisfirehose.NewS3Bucket(p.Bucket, &awskinesisfirehose.S3BucketProps{
			DataOutputPrefix:  jsii.String(layout.FirehosePrefix),
			ErrorOutputPrefix: jsii.String(cfg.ErrorPrefix),
			BufferingSize:     awscdk.Size_Mebibytes(jsii.Number(float64(cfg.BufferSizeMiB))),
			BufferingInterval: awscdk.Duration_Seconds(jsii.Number(float64(cfg.BufferIntervalSeconds))),
			Compression:       compression(cfg),
			LoggingConfig:     awskinesisfirehose.NewEnableLogging(p.DeliveryLogs),
			// The L2 would grant s3:DeleteObject* and wildcard actions on the whole bucket; an immutable view of
			// the role swallows that grant so the explicit, prefix-scoped policy below is all the role has.
			Role:                 deliveryRole.WithoutPolicyUpdates(nil),
			DynamicPartitioning:  dynamicPartitioning(layout),
			Processors:           tenantExtraction(layout),
			DataFormatConversion: parquetConversion(catalog),
			FileExtension:        fileExtension(cfg),
		}),
	})
	pinDestination(p.DeliveryStream, cfg)
	fromThisAccount(p.DeliveryStream)
	logStream, ok := p.DeliveryLogs.Node().TryFindChild(jsii.String(deliveryLogStreamID)).(awslogs.LogStream)
	if !ok {
		panic("stacks: the Firehose construct no longer adds log stream " + deliveryLogStreamID + "; update deliveryLogStreamID")
	}
	// The L2 leaves its log stream at the LogStream default (Retain); it follows its log group instead.
	logStream.ApplyRemovalPolicy(removal)
	policy := deliveryPolicy(stack, cfg, p.Bucket, p.DeliveryLogs, logStream)
	policy.AttachToRole(deliveryRole)
	// Firehose checks its role's rights at creation time, so the policy must exist first.
	p.DeliveryStream.Node().AddDependency(policy)

	addOutputs(p)
	suppressNagFindings(p, policy)
	if cfg.Producer {
		p.Producer = addProducer(p, removal)
	}
	if cfg.Monitoring {
		p.Monitoring = addMonitoring(p)
	}
	if cfg.Query {
		p.Query = addQuery(p, layout, accessLogs, removal, catalog)
	}
	if cfg.Format == config.FormatParquet {
		policy.AddStatements(schemaReadStatement(p))
	}
	ownAutoDeleteLogs(stack, cfg, removal)
	cleanForLint(stack)
	skipCheckov(stack, accessLogs != nil)
	return p
}

// dynamicPartitioning turns on Firehose's dynamic partitioning for per-tenant folders. It cannot be enabled on an
// existing delivery stream, so switching partitioning replaces the stream (the pull-request diff flags it).
// https://docs.aws.amazon.com/firehose/latest/dev/dynamic-partitioning-enable.html
func dynamicPartitioning(l config.Layout) *awskinesisfirehose.DynamicPartitioningProps {
	if !l.Tenant {
		return nil
	}
	return &awskinesisfirehose.DynamicPartitioningProps{Enabled: jsii.Bool(true)}
}

// tenantExtraction is the inline JQ parsing that gives each record its tenant folder.
func tenantExtraction(l config.Layout) *[]awskinesisfirehose.IDataProcessor {
	if !l.Tenant {
		return nil
	}
	return &[]awskinesisfirehose.IDataProcessor{
		awskinesisfirehose.MetadataExtractionProcessor_Jq16(&map[string]*string{config.TenantColumn: jsii.String(config.TenantQuery)}),
	}
}

// newBuckets creates the data-lake bucket or imports the one named by bucketName, and, with retain=true, the
// access-log bucket of every bucket the stack creates (nil otherwise).
func newBuckets(stack awscdk.Stack, cfg config.Config, removal awscdk.RemovalPolicy) (data awss3.IBucket, accessLogs awss3.Bucket) {
	if logsAccess(cfg) {
		accessLogs = newAccessLogsBucket(stack, cfg, removal)
	}
	if cfg.BucketName != "" {
		// An imported bucket is referenced only: the stack adds no policy to it and never deletes or changes it.
		return awss3.Bucket_FromBucketName(stack, jsii.String("DataBucket"), jsii.String(cfg.BucketName)), accessLogs
	}
	props := awss3.BucketProps{}
	logAccessTo(&props, accessLogs, "data-bucket/")
	if cfg.Monitoring {
		// Request metrics of the error prefix alone, for the alarm on diverted records (Firehose has no metric of
		// its own for every error type). Reported only when there are requests, and billed as custom metrics then.
		// https://docs.aws.amazon.com/AmazonS3/latest/userguide/metrics-configurations.html
		props.Metrics = &[]*awss3.BucketMetrics{{Id: jsii.String(ErrorPrefixMetricsID), Prefix: jsii.String(config.LiteralPrefix(cfg.ErrorPrefix))}}
	}
	bucket := newPrivateBucket(stack, "DataBucket", cfg, removal, props)
	if accessLogs == nil {
		suppressUnloggedBucket(bucket)
	}
	return bucket, accessLogs
}

// ErrorPrefixMetricsID is the data bucket's request-metrics filter of the error prefix (the FilterId dimension).
const ErrorPrefixMetricsID = "ErrorPrefix"

// newPrivateBucket creates one of the stack's buckets from props with what all of them share: no public access,
// SSE-S3, TLS only, ACLs disabled, and in lab mode emptied and deleted with the stack.
func newPrivateBucket(stack awscdk.Stack, id string, cfg config.Config, removal awscdk.RemovalPolicy, props awss3.BucketProps) awss3.Bucket {
	props.BlockPublicAccess = awss3.BlockPublicAccess_BLOCK_ALL()
	props.Encryption = awss3.BucketEncryption_S3_MANAGED
	props.EnforceSSL = jsii.Bool(true)
	props.ObjectOwnership = awss3.ObjectOwnership_BUCKET_OWNER_ENFORCED
	props.RemovalPolicy = removal
	props.AutoDeleteObjects = jsii.Bool(!cfg.Retain)
	b := awss3.NewBucket(stack, jsii.String(id), &props)
	// The bucket L2 leaves its policy at the default (Delete): a retained bucket would lose its TLS-only deny and
	// the log-delivery grant on destroy. Every bucket's policy follows its bucket.
	b.Policy().ApplyRemovalPolicy(removal)
	return b
}

// logsAccess reports whether the stack's buckets write server access logs: only when they outlive the stack.
// S3 delivers log records best-effort, often hours after the request
// (https://docs.aws.amazon.com/AmazonS3/latest/userguide/ServerLogs.html#LogDeliveryBestEffort), so in lab mode the
// records of the auto-delete's own DELETEs land after the log bucket was emptied and `cdk destroy` fails on it
// (aws-cdk#21776). No deletion order closes that window: the deny the auto-delete handler puts on the bucket first is
// eventually consistent and leaves with the bucket policy. A log bucket the stack never empties cannot hit it, and in
// lab mode destroy would delete every log together with the data it audits anyway; with retain=true both stay.
func logsAccess(cfg config.Config) bool {
	return cfg.Retain && (cfg.BucketName == "" || cfg.Query)
}

// logAccessTo points props' server access logs at accessLogs under prefix, or leaves them off when it is nil: the
// L2 would log a bucket into itself when given a prefix without a bucket.
func logAccessTo(props *awss3.BucketProps, accessLogs awss3.IBucket, prefix string) {
	if accessLogs == nil {
		return
	}
	props.ServerAccessLogsBucket = accessLogs
	props.ServerAccessLogsPrefix = jsii.String(prefix)
}

// newAccessLogsBucket holds the server access logs of the stack's buckets (retain=true only, see logsAccess).
func newAccessLogsBucket(stack awscdk.Stack, cfg config.Config, removal awscdk.RemovalPolicy) awss3.Bucket {
	return newPrivateBucket(stack, "AccessLogsBucket", cfg, removal, awss3.BucketProps{
		LifecycleRules: &[]*awss3.LifecycleRule{{
			Id:         jsii.String("expire-access-logs"),
			Expiration: awscdk.Duration_Days(jsii.Number(float64(cfg.LogRetentionDays))),
		}},
	})
}

// deliveryPolicy grants exactly what Firehose documents for an S3 destination, limited to the two prefixes.
func deliveryPolicy(stack awscdk.Stack, cfg config.Config, bucket awss3.IBucket, logs awslogs.LogGroup, logStream awslogs.LogStream) awsiam.Policy {
	objects := []*string{
		bucket.ArnForObjects(jsii.String(config.LiteralPrefix(cfg.Prefix) + "*")),
		bucket.ArnForObjects(jsii.String(config.LiteralPrefix(cfg.ErrorPrefix) + "*")),
	}
	logStreamArn := stack.FormatArn(&awscdk.ArnComponents{
		Service:      jsii.String("logs"),
		Resource:     jsii.String("log-group"),
		ArnFormat:    awscdk.ArnFormat_COLON_RESOURCE_NAME,
		ResourceName: jsii.String(*logs.LogGroupName() + ":log-stream:" + *logStream.LogStreamName()),
	})
	return awsiam.NewPolicy(stack, jsii.String("DeliveryRolePolicy"), &awsiam.PolicyProps{
		Statements: &[]awsiam.PolicyStatement{
			awsiam.NewPolicyStatement(&awsiam.PolicyStatementProps{
				Sid:       jsii.String("BucketLevel"),
				Actions:   jsii.Strings("s3:GetBucketLocation", "s3:ListBucket", "s3:ListBucketMultipartUploads"),
				Resources: &[]*string{bucket.BucketArn()},
			}),
			awsiam.NewPolicyStatement(&awsiam.PolicyStatementProps{
				Sid:       jsii.String("ObjectsUnderPrefixes"),
				Actions:   jsii.Strings("s3:AbortMultipartUpload", "s3:GetObject", "s3:PutObject"),
				Resources: &objects,
			}),
			awsiam.NewPolicyStatement(&awsiam.PolicyStatementProps{
				Sid:       jsii.String("ErrorLogging"),
				Actions:   jsii.Strings("logs:PutLogEvents"),
				Resources: &[]*string{logStreamArn},
			}),
		},
	})
}

// addOutput declares one stack output; every construct of the stack adds its outputs through it.
func addOutput(stack awscdk.Stack, id, value, description string) {
	awscdk.NewCfnOutput(stack, jsii.String(id), &awscdk.CfnOutputProps{
		Value:       jsii.String(value),
		Description: jsii.String(description),
	})
}

func addOutputs(p *Pipeline) {
	out := func(id, value, description string) { addOutput(p.Stack, id, value, description) }
	region := *awscdk.Aws_REGION()
	out("StreamName", *p.Stream.StreamName(), "Kinesis data stream the producer writes to")
	out("StreamArn", *p.Stream.StreamArn(), "ARN of the Kinesis data stream")
	out("DeliveryStreamName", *p.DeliveryStream.DeliveryStreamName(), "Firehose delivery stream reading the data stream")
	out("BucketName", *p.Bucket.BucketName(), "S3 bucket the delivery stream writes to")
	dataPrefix := config.LiteralPrefix(p.Config.Prefix)
	out("DataPrefix", dataPrefix, "Key prefix under which every delivered object lands (producer verify --stack reads it)")
	out("ErrorPrefix", config.LiteralPrefix(p.Config.ErrorPrefix), "Key prefix under which Firehose writes the records it could not convert, partition, process or deliver (producer verify --stack reads it)")
	out("DeliveredObjectsConsoleUrl",
		fmt.Sprintf("https://%s.console.aws.amazon.com/s3/buckets/%s?region=%s&prefix=%s", region, *p.Bucket.BucketName(), region, dataPrefix),
		"S3 console page of the delivered objects")
	out("ProducerCommand",
		fmt.Sprintf("go run ./producer send --region %s %s", region, *p.Stream.StreamName()),
		"Run from a checkout of this repository to send telemetry events to the stream")
}

// retentionDays maps validated day counts onto the CDK's enum, whose Go constants are names rather than numbers.
func retentionDays(days int) awslogs.RetentionDays {
	byDays := map[int]awslogs.RetentionDays{
		1: awslogs.RetentionDays_ONE_DAY, 3: awslogs.RetentionDays_THREE_DAYS, 5: awslogs.RetentionDays_FIVE_DAYS,
		7: awslogs.RetentionDays_ONE_WEEK, 14: awslogs.RetentionDays_TWO_WEEKS, 30: awslogs.RetentionDays_ONE_MONTH,
		60: awslogs.RetentionDays_TWO_MONTHS, 90: awslogs.RetentionDays_THREE_MONTHS, 120: awslogs.RetentionDays_FOUR_MONTHS,
		150: awslogs.RetentionDays_FIVE_MONTHS, 180: awslogs.RetentionDays_SIX_MONTHS, 365: awslogs.RetentionDays_ONE_YEAR,
		400: awslogs.RetentionDays_THIRTEEN_MONTHS, 545: awslogs.RetentionDays_EIGHTEEN_MONTHS, 731: awslogs.RetentionDays_TWO_YEARS,
		1096: awslogs.RetentionDays_THREE_YEARS, 1827: awslogs.RetentionDays_FIVE_YEARS, 2192: awslogs.RetentionDays_SIX_YEARS,
		2557: awslogs.RetentionDays_SEVEN_YEARS, 2922: awslogs.RetentionDays_EIGHT_YEARS, 3288: awslogs.RetentionDays_NINE_YEARS,
		3653: awslogs.RetentionDays_TEN_YEARS,
	}
	r, ok := byDays[days]
	if !ok {
		// config.Validate admits only config.LogRetentionDays; reaching here means the two lists drifted apart.
		panic(fmt.Sprintf("stacks: no RetentionDays for %d days", days))
	}
	return r
}
