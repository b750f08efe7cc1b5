package stacks

import (
	"fmt"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awscloudwatch"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsiam"
	"github.com/aws/aws-cdk-go/awscdk/v2/awskinesisfirehose"
	"github.com/aws/aws-cdk-go/awscdk/v2/awskms"
	"github.com/aws/aws-cdk-go/awscdk/v2/awslambda"
	"github.com/aws/aws-cdk-go/awscdk/v2/awslogs"
	"github.com/aws/aws-cdk-go/awscdk/v2/awss3"
	"github.com/aws/jsii-runtime-go"

	"github.com/tenant-metrics-lab/tenant-metrics-lab/stacks/config"
)

// Transformer function settings. Firehose invokes it synchronously with batches of at most
// config.TransformBufferMiB, and waits up to 5 minutes for an answer
// (https://docs.aws.amazon.com/firehose/latest/dev/data-transformation.html); decoding and checking a megabyte
// of events takes milliseconds, so a minute leaves room for a cold start and still frees a stuck batch for
// Firehose's retries soon.
const (
	transformerMemoryMiB = 128
	transformerTimeout   = 60 // seconds
	transformerPackage   = "transformer"
)

// TransformFunction is the record transformation Firehose invokes on each batch (transform=redact).
type TransformFunction struct {
	Function awslambda.Function
	Logs     awslogs.LogGroup
}

// newTransformer bundles the Go transformer (transformer/) as an arm64 Lambda function with its own log group.
// Its role may write its logs and nothing else: it returns the records to Firehose, which writes them.
func newTransformer(stack awscdk.Stack, cfg config.Config, pl plan, logsKey awskms.IKey) *TransformFunction {
	fn, logs := newGoFunction(stack, cfg, pl, goFunction{
		id:              "Transformer",
		pkg:             transformerPackage,
		description:     "Firehose record transformation of " + cfg.FirehoseStreamName() + ": drops metadata.user, fails events off the schema",
		roleDescription: "Lets the transformer function write its own logs",
		memoryMiB:       transformerMemoryMiB,
		timeout:         awscdk.Duration_Seconds(jsii.Number(transformerTimeout)),
		logsKey:         logsKey,
	})
	out := func(id, value, description string) { addOutput(stack, id, value, description) }
	out("TransformerFunctionName", *fn.FunctionName(), "Lambda function Firehose invokes to transform each batch (transform=redact)")
	out("TransformerLogsCommand", "aws logs tail "+*logs.LogGroupName()+" --follow", "Follow the transformer's logs: why each record failed processing")
	return &TransformFunction{Function: fn, Logs: logs}
}

// transformProcessor is the L2's Lambda processor with the hints written explicitly (Firehose: 0.2-3 MB,
// 0-900 s, 3 retries by default; https://docs.aws.amazon.com/firehose/latest/APIReference/API_ProcessorParameter.html).
// The L2 writes LambdaArn (the unqualified function ARN: Firehose invokes $LATEST, which each deploy updates)
// and RoleArn (the delivery role); its invoke grant is swallowed by the immutable role view, and
// transformInvokeStatement grants exactly what Firehose documents.
func transformProcessor(t *TransformFunction) awskinesisfirehose.IDataProcessor {
	return awskinesisfirehose.NewLambdaFunctionProcessor(t.Function, &awskinesisfirehose.DataProcessorProps{
		BufferInterval: awscdk.Duration_Seconds(jsii.Number(config.TransformBufferIntervalSeconds)),
		BufferSize:     awscdk.Size_Mebibytes(jsii.Number(config.TransformBufferMiB)),
		Retries:        jsii.Number(config.TransformRetries),
	})
}

// transformInvokeStatement lets the delivery role invoke the transformer and read its configuration, the two
// Lambda actions Firehose documents for data transformation, on this function alone: the processor names the
// unqualified ARN, which is the ARN IAM matches for an unqualified invocation, so no version wildcard (:*) is
// needed. https://docs.aws.amazon.com/firehose/latest/dev/controlling-access.html
func transformInvokeStatement(t *TransformFunction) awsiam.PolicyStatement {
	return awsiam.NewPolicyStatement(&awsiam.PolicyStatementProps{
		Sid:       jsii.String("InvokeTheTransformer"),
		Actions:   jsii.Strings("lambda:InvokeFunction", "lambda:GetFunctionConfiguration"),
		Resources: &[]*string{t.Function.FunctionArn()},
	})
}

// sourceBackup is Firehose's source record backup (backup=true): every untransformed record, GZIP-compressed,
// under config.BackupPrefix of the data bucket, with Firehose's S3 default hints (5 MiB, 300 s) written
// explicitly; Firehose allows no zero buffering for a backup
// (https://docs.aws.amazon.com/firehose/latest/dev/create-configure-backup.html). Its errors go to the delivery
// log group, in a stream of their own. Source record backup cannot be disabled once enabled
// (https://docs.aws.amazon.com/firehose/latest/dev/data-transformation-source-record-backup.html): labcheck
// refuses backup=false over a deployed backup=true.
func sourceBackup(bucket awss3.IBucket, logs awslogs.LogGroup, key awskms.IKey) *awskinesisfirehose.DestinationS3BackupProps {
	return &awskinesisfirehose.DestinationS3BackupProps{
		EncryptionKey:     key,
		Mode:              awskinesisfirehose.BackupMode_ALL,
		Bucket:            bucket,
		DataOutputPrefix:  jsii.String(config.BackupPrefix),
		Compression:       awskinesisfirehose.Compression_GZIP(),
		BufferingSize:     awscdk.Size_Mebibytes(jsii.Number(config.BackupBufferMiB)),
		BufferingInterval: awscdk.Duration_Seconds(jsii.Number(config.BackupBufferIntervalSeconds)),
		LoggingConfig:     awskinesisfirehose.NewEnableLogging(logs),
	}
}

// backupLogStreamID is the construct id of the log stream the Firehose L2 adds to the log group for backup errors.
const backupLogStreamID = "S3Backup"

// transformAlarms watch the transformation: Firehose's share of successful invocations
// (ExecuteProcessing.Success, emitted while data transformation is on) and the function's own errors. A failed
// invocation, after Firehose's retries, sends its whole batch under the error prefix as processing-failed; records
// the function itself fails arrive there too, and RecordsDiverted watches that prefix (Firehose has no metric
// that counts them). https://docs.aws.amazon.com/firehose/latest/dev/monitoring-with-cloudwatch-metrics.html
func transformAlarms(t *TransformFunction, firehose func(name, statistic string) awscloudwatch.Metric, opts func(statistic string) *awscloudwatch.MetricOptions) []alarmSpec {
	return []alarmSpec{
		{"TransformInvocationsFailed",
			"Some Firehose invocations of the transformer failed (ExecuteProcessing.Success below 1): timeouts, throttling or a crash. Firehose retries " + fmt.Sprint(config.TransformRetries) + " times, then writes the batch under the error prefix as processing-failed. See the transformer's log group.",
			firehose("ExecuteProcessing.Success", "Minimum"), 1, awscloudwatch.ComparisonOperator_LESS_THAN_THRESHOLD, 1},
		{"TransformerErrors",
			"The transformer function returned an error or crashed (Lambda Errors above 0): Firehose retries the batch, then diverts it to processing-failed. See its log group.",
			t.Function.MetricErrors(opts("Sum")), 0, awscloudwatch.ComparisonOperator_GREATER_THAN_THRESHOLD, 1},
	}
}
