package stacks

import (
	"regexp"

	"github.com/aws/aws-cdk-go/awscdk/v2/awskinesis"
	"github.com/aws/aws-cdk-go/awscdk/v2/awss3"
	"github.com/aws/jsii-runtime-go"
	"github.com/cdklabs/cdk-nag-go/cdknag/v2"

	"github.com/tenant-metrics-lab/tenant-metrics-lab/stacks/config"
)

// Each part acknowledges the AwsSolutions findings of its own resources that cannot be fixed, each on the one
// resource it concerns, with the reason a reviewer needs. Everything else the checks flag must be fixed, not
// suppressed.

// suppressDeliveryFindings acknowledges the delivery stream's unencrypted-stream finding and its role's
// prefix-wide object rights.
func suppressDeliveryFindings(d *Delivery, cfg config.Config, pl plan) {
	cdknag.NagSuppressions_AddResourceSuppressions(d.Stream, &[]*cdknag.NagPackSuppression{{
		Id: jsii.String("AwsSolutions-KDF1"),
		Reason: jsii.String("Firehose rejects server-side encryption when its source is a Kinesis data stream " +
			"(ServerSideEncryptionNotSupportedWithKinesisSource). The records are encrypted at rest in the stream " +
			"(KMS) and in S3 (SSE-S3, or SSE-KMS with encryption=kms), and in transit by TLS."),
	}}, jsii.Bool(true))

	// Firehose names each object itself (date folders plus a random suffix), so its rights must cover every key
	// under a prefix; the regexes pin each wildcard to exactly one configured prefix.
	appliesTo := make([]any, 0, 3)
	for _, prefix := range objectPrefixes(cfg, pl) {
		appliesTo = append(appliesTo, &cdknag.RegexAppliesTo{
			Regex: jsii.String("/^Resource::.*\\/" + regexp.QuoteMeta(prefix) + "\\*$/"),
		})
	}
	prefixes := "data and error prefixes"
	if pl.backup {
		prefixes = "data, error and source-record backup (" + config.BackupPrefix + ") prefixes"
	}
	cdknag.NagSuppressions_AddResourceSuppressions(d.Policy, &[]*cdknag.NagPackSuppression{{
		Id: jsii.String("AwsSolutions-IAM5"),
		Reason: jsii.String("Firehose chooses the object keys (date folders and a random suffix) at delivery time, " +
			"so PutObject/GetObject/AbortMultipartUpload must cover every key under the configured " + prefixes +
			"; nothing outside those prefixes is granted."),
		AppliesTo: &appliesTo,
	}}, jsii.Bool(true))
}

// suppressUnloggedBucket acknowledges a lab-mode bucket without server access logs on that bucket alone.
func suppressUnloggedBucket(b awss3.Bucket) {
	cdknag.NagSuppressions_AddResourceSuppressions(b, &[]*cdknag.NagPackSuppression{{
		Id: jsii.String("AwsSolutions-S1"),
		Reason: jsii.String("Lab mode (retain=false): cdk destroy deletes the bucket, and S3 delivers access logs " +
			"best-effort hours later, so a log bucket emptied by destroy would receive them and fail it (aws-cdk#21776). " +
			"With retain=true the stack keeps its buckets and logs their access to a retained log bucket."),
	}}, jsii.Bool(true))
}

// suppressCustomerKeyStream acknowledges KDS3 (a stream encrypted with a customer-managed key instead of
// aws/kinesis) on the stream of encryption=kms, which asks for exactly that.
func suppressCustomerKeyStream(s awskinesis.Stream) {
	cdknag.NagSuppressions_AddResourceSuppressions(s, &[]*cdknag.NagPackSuppression{{
		Id: jsii.String("AwsSolutions-KDS3"),
		Reason: jsii.String("encryption=kms asks for the customer-managed key: its owner controls rotation, the key policy and " +
			"the audit trail of every use; labcheck cost prices the key, and Kinesis reuses data keys, so requests stay few."),
	}}, jsii.Bool(true))
}
