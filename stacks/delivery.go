package stacks

import (
	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsiam"
	"github.com/aws/aws-cdk-go/awscdk/v2/awskinesis"
	"github.com/aws/aws-cdk-go/awscdk/v2/awskinesisfirehose"
	"github.com/aws/aws-cdk-go/awscdk/v2/awskms"
	"github.com/aws/aws-cdk-go/awscdk/v2/awslogs"
	"github.com/aws/aws-cdk-go/awscdk/v2/awss3"
	"github.com/aws/jsii-runtime-go"

	"github.com/tenant-metrics-lab/tenant-metrics-lab/internal/firehoseprefix"
	"github.com/tenant-metrics-lab/tenant-metrics-lab/stacks/config"
)

// Delivery is the Firehose delivery stream from the Kinesis stream to the data bucket, with the role it writes
// with, that role's policy and the log group of its S3 errors.
type Delivery struct {
	Stream awskinesisfirehose.DeliveryStream
	Role   awsiam.Role
	Policy awsiam.Policy
	Logs   awslogs.LogGroup
}

// deliveryLogStreamID is the construct id of the log stream the Firehose L2 adds to the log group for S3 errors.
const deliveryLogStreamID = "S3Destination"

// deliveryAccess is what Firehose delivers as: its role and the log group it reports S3 errors to. It is declared
// apart from the delivery stream because with conversion the catalog comes between them (the stream reads the
// table's schema): a template lists its resources in declaration order, and this keeps the order the goldens and
// their pull-request diffs show.
type deliveryAccess struct {
	role awsiam.Role
	logs awslogs.LogGroup
}

// newDeliveryAccess declares the delivery role and the log group of delivery errors.
func newDeliveryAccess(stack awscdk.Stack, cfg config.Config, pl plan, logsKey awskms.IKey) deliveryAccess {
	logs := awslogs.NewLogGroup(stack, jsii.String("DeliveryLogs"), &awslogs.LogGroupProps{
		LogGroupName:  jsii.String(cfg.DeliveryLogGroupName()),
		Retention:     retentionDays(cfg.LogRetentionDays),
		RemovalPolicy: pl.removal,
		EncryptionKey: logsKey,
	})
	role := awsiam.NewRole(stack, jsii.String("DeliveryRole"), &awsiam.RoleProps{
		Description: jsii.String("Lets Firehose write the stream's records to S3 under the configured prefixes"),
		AssumedBy: awsiam.NewServicePrincipal(jsii.String("firehose.amazonaws.com"), &awsiam.ServicePrincipalOpts{
			// Confused-deputy guard with the key Firehose sends when it assumes a delivery role: sts:ExternalId is the
			// account id. https://docs.aws.amazon.com/firehose/latest/dev/controlling-access.html#firehose-assume-role
			Conditions: &map[string]any{"StringEquals": map[string]any{"sts:ExternalId": awscdk.Aws_ACCOUNT_ID()}},
		}),
	})
	return deliveryAccess{role: role, logs: logs}
}

// deliveryInputs are what the delivery stream delivers as, reads from and writes to.
type deliveryInputs struct {
	access deliveryAccess
	source awskinesis.IStream
	bucket awss3.IBucket
	schema *Catalog // the table whose schema conversion writes; nil without conversion
	// transformer is the function Firehose invokes on each batch; nil with transform=none.
	transformer *TransformFunction
	// key is the customer-managed key the objects are encrypted with (encryption=kms); nil: the bucket's default.
	key awskms.IKey
}

// newDelivery declares the delivery stream and the prefix-scoped policy of its role.
func newDelivery(stack awscdk.Stack, cfg config.Config, pl plan, in deliveryInputs) *Delivery {
	d := &Delivery{Role: in.access.role, Logs: in.access.logs}
	destination := &awskinesisfirehose.S3BucketProps{
		// SSE-KMS with the customer-managed key (KMSEncryptionConfig); without one the template writes
		// NoEncryption (pins.go) and the bucket's default encryption applies.
		EncryptionKey:     in.key,
		DataOutputPrefix:  jsii.String(pl.layout.FirehosePrefix),
		ErrorOutputPrefix: jsii.String(cfg.ErrorPrefix),
		BufferingSize:     awscdk.Size_Mebibytes(jsii.Number(float64(cfg.BufferSizeMiB))),
		BufferingInterval: awscdk.Duration_Seconds(jsii.Number(float64(cfg.BufferIntervalSeconds))),
		Compression:       compression(cfg, pl),
		LoggingConfig:     awskinesisfirehose.NewEnableLogging(d.Logs),
		// The L2 would grant s3:DeleteObject* and wildcard actions on the whole bucket; an immutable view of
		// the role swallows that grant so the explicit, prefix-scoped policy below is all the role has.
		Role:                d.Role.WithoutPolicyUpdates(nil),
		DynamicPartitioning: dynamicPartitioning(pl.layout),
		Processors:          processors(pl.layout, in.transformer),
	}
	if pl.backup {
		destination.S3Backup = sourceBackup(in.bucket, d.Logs, in.key)
	}
	if pl.conversion {
		destination.DataFormatConversion = parquetConversion(in.schema)
	}
	if pl.fileExtension != "" {
		destination.FileExtension = jsii.String(pl.fileExtension)
	}
	d.Stream = awskinesisfirehose.NewDeliveryStream(stack, jsii.String("DeliveryStream"), &awskinesisfirehose.DeliveryStreamProps{
		DeliveryStreamName: jsii.String(cfg.FirehoseStreamName()),
		Source:             awskinesisfirehose.NewKinesisStreamSource(in.source),
		Destination:        awskinesisfirehose.NewS3Bucket(in.bucket, destination),
	})
	pinDestination(d.Stream, pl)
	fromThisAccount(d.Stream)
	logStream, ok := d.Logs.Node().TryFindChild(jsii.String(deliveryLogStreamID)).(awslogs.LogStream)
	if !ok {
		panic("stacks: the Firehose construct no longer adds log stream " + deliveryLogStreamID + "; update deliveryLogStreamID")
	}
	// The L2 leaves its log stream at the LogStream default (Retain); it follows its log group instead.
	logStream.ApplyRemovalPolicy(pl.removal)
	logStreams := []awslogs.LogStream{logStream}
	if pl.backup {
		backupStream, ok := d.Logs.Node().TryFindChild(jsii.String(backupLogStreamID)).(awslogs.LogStream)
		if !ok {
			panic("stacks: the Firehose construct no longer adds log stream " + backupLogStreamID + "; update backupLogStreamID")
		}
		backupStream.ApplyRemovalPolicy(pl.removal)
		logStreams = append(logStreams, backupStream)
	}
	d.Policy = deliveryPolicy(stack, cfg, pl, in, logStreams)
	d.Policy.AttachToRole(d.Role)
	// Firehose checks its role's rights at creation time, so the policy must exist first.
	d.Stream.Node().AddDependency(d.Policy)
	sourceGrantFirst(d.Stream)
	if in.key != nil && (cfg.StreamArn == "" || cfg.KmsKeyArn != "") {
		sourceKeyConditions(d.Stream, in.source)
	}
	suppressDeliveryFindings(d, cfg, pl)
	return d
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

// processors are the delivery stream's record processors, in the order Firehose runs them: the transformer
// (transform=redact), then the inline JQ parsing that gives each record its tenant folder (partitioning=tenant),
// which reads the tenant id the transformer keeps. nil when neither is on: pinDestination then writes processing off.
func processors(l config.Layout, transformer *TransformFunction) *[]awskinesisfirehose.IDataProcessor {
	var ps []awskinesisfirehose.IDataProcessor
	if transformer != nil {
		ps = append(ps, transformProcessor(transformer))
	}
	if l.Tenant {
		ps = append(ps, awskinesisfirehose.MetadataExtractionProcessor_Jq16(&map[string]*string{config.TenantColumn: jsii.String(config.TenantQuery)}))
	}
	if len(ps) == 0 {
		return nil
	}
	return &ps
}

// deliveryPolicy grants exactly what Firehose documents for an S3 destination, limited to the two prefixes (and
// the backup prefix with backup=true), with conversion the read of the table's schema, and with transformation
// the invocation of the transformer.
func deliveryPolicy(stack awscdk.Stack, cfg config.Config, pl plan, in deliveryInputs, logStreams []awslogs.LogStream) awsiam.Policy {
	bucket := in.bucket
	objects := []*string{}
	for _, prefix := range objectPrefixes(cfg, pl) {
		objects = append(objects, bucket.ArnForObjects(jsii.String(prefix+"*")))
	}
	logStreamArns := []*string{}
	for _, logStream := range logStreams {
		logStreamArns = append(logStreamArns, stack.FormatArn(&awscdk.ArnComponents{
			Service:      jsii.String("logs"),
			Resource:     jsii.String("log-group"),
			ArnFormat:    awscdk.ArnFormat_COLON_RESOURCE_NAME,
			ResourceName: jsii.String(*in.access.logs.LogGroupName() + ":log-stream:" + *logStream.LogStreamName()),
		}))
	}
	statements := []awsiam.PolicyStatement{
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
			Resources: &logStreamArns,
		}),
	}
	if in.key != nil {
		statements = append(statements, s3KeyStatement(in.key, bucket, objectPrefixes(cfg, pl)))
	}
	if pl.conversion {
		statements = append(statements, schemaReadStatement(stack, in.schema))
	}
	if in.transformer != nil {
		statements = append(statements, transformInvokeStatement(in.transformer))
	}
	return awsiam.NewPolicy(stack, jsii.String("DeliveryRolePolicy"), &awsiam.PolicyProps{Statements: &statements})
}

// sourceGrantFirst makes the delivery stream wait for the policy that lets its source role read the stream. The
// L2 adds that dependency through the read grant of a stream the stack creates, but the grant on an imported
// stream (streamArn, whose ARN names another account than the stack's unresolved one) carries no dependable, and
// Firehose checks the source role's rights when it creates the stream.
func sourceGrantFirst(ds awskinesisfirehose.DeliveryStream) {
	role, ok := ds.Node().TryFindChild(jsii.String(sourceRoleID)).(awsiam.Role)
	if !ok {
		panic("stacks: the Firehose construct no longer adds role " + sourceRoleID + "; update sourceRoleID")
	}
	policy, ok := role.Node().TryFindChild(jsii.String("DefaultPolicy")).(awsiam.Policy)
	if !ok {
		panic("stacks: the Firehose source role has no DefaultPolicy; the read grant moved")
	}
	// On the CfnDeliveryStream alone: the whole construct holds the role, which the policy depends on.
	ds.Node().DefaultChild().(awskinesisfirehose.CfnDeliveryStream).Node().AddDependency(policy)
}

// objectPrefixes are the literal key prefixes the delivery role writes under: data, errors and, with backup=true,
// the source record backup.
func objectPrefixes(cfg config.Config, pl plan) []string {
	prefixes := []string{firehoseprefix.Literal(cfg.Prefix), firehoseprefix.Literal(cfg.ErrorPrefix)}
	if pl.backup {
		prefixes = append(prefixes, config.BackupPrefix)
	}
	return prefixes
}
