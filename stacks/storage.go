package stacks

import (
	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awskms"
	"github.com/aws/aws-cdk-go/awscdk/v2/awss3"
	"github.com/aws/jsii-runtime-go"

	"github.com/tenant-metrics-lab/tenant-metrics-lab/internal/firehoseprefix"
	"github.com/tenant-metrics-lab/tenant-metrics-lab/stacks/config"
)

// Storage is the stack's data-lake bucket and, with retain=true, the bucket its buckets log their access to.
type Storage struct {
	Data       awss3.IBucket // created, or imported with bucketName
	AccessLogs awss3.Bucket  // nil unless the buckets write server access logs (see logsAccess)
}

// ErrorPrefixMetricsID is the data bucket's request-metrics filter of the error prefix (the FilterId dimension).
const ErrorPrefixMetricsID = "ErrorPrefix"

// queryResultsDays is how long query results are kept: long enough to download one, short enough to cost nothing.
const queryResultsDays = 7

// newStorage creates the data-lake bucket or imports the one named by bucketName, and, with retain=true, the
// access-log bucket of every bucket the stack creates.
func newStorage(stack awscdk.Stack, cfg config.Config, pl plan, key awskms.IKey) *Storage {
	s := &Storage{}
	if pl.accessLogs {
		s.AccessLogs = newAccessLogsBucket(stack, cfg, pl)
	}
	if cfg.BucketName != "" {
		// An imported bucket is referenced only: the stack adds no policy or lifecycle rule to it and never deletes
		// or changes it (config refuses dataRetentionDays and archiveAfterDays with it; labcheck preflight reports
		// the bucket's own lifecycle).
		s.Data = awss3.Bucket_FromBucketName(stack, jsii.String("DataBucket"), jsii.String(cfg.BucketName))
		return s
	}
	props := awss3.BucketProps{}
	dataLifecycle(&props, cfg)
	logAccessTo(&props, s.AccessLogs, "data-bucket/")
	if pl.errorPrefixMetrics {
		// Request metrics of the error prefix alone, for the alarm on diverted records (Firehose has no metric of
		// its own for every error type). Reported only when there are requests, and billed as custom metrics then.
		// https://docs.aws.amazon.com/AmazonS3/latest/userguide/metrics-configurations.html
		props.Metrics = &[]*awss3.BucketMetrics{{Id: jsii.String(ErrorPrefixMetricsID), Prefix: jsii.String(firehoseprefix.Literal(cfg.ErrorPrefix))}}
	}
	props.EncryptionKey = key
	bucket := newPrivateBucket(stack, "DataBucket", pl, props)
	if s.AccessLogs == nil {
		suppressUnloggedBucket(bucket)
	}
	s.Data = bucket
	return s
}

// newQueryResultsBucket holds the Athena workgroup's query results, which expire; it logs its access to
// accessLogs when that is not nil.
func newQueryResultsBucket(stack awscdk.Stack, pl plan, accessLogs awss3.IBucket, key awskms.IKey) awss3.Bucket {
	props := awss3.BucketProps{
		LifecycleRules: &[]*awss3.LifecycleRule{{
			Id:                                  jsii.String("expire-query-results"),
			Expiration:                          awscdk.Duration_Days(jsii.Number(queryResultsDays)),
			AbortIncompleteMultipartUploadAfter: abortUploadsAfter(),
		}},
	}
	logAccessTo(&props, accessLogs, "query-results/")
	props.EncryptionKey = key
	bucket := newPrivateBucket(stack, "QueryResultsBucket", pl, props)
	if accessLogs == nil {
		suppressUnloggedBucket(bucket)
	}
	return bucket
}

// newPrivateBucket creates one of the stack's buckets from props with what all of them share: no public access,
// SSE-S3, TLS only, ACLs disabled, and in lab mode emptied and deleted with the stack.
func newPrivateBucket(stack awscdk.Stack, id string, pl plan, props awss3.BucketProps) awss3.Bucket {
	props.BlockPublicAccess = awss3.BlockPublicAccess_BLOCK_ALL()
	props.Encryption = awss3.BucketEncryption_S3_MANAGED
	if props.EncryptionKey != nil {
		// SSE-KMS with the customer-managed key (encryption=kms), and S3 Bucket Keys, so S3 asks KMS for a
		// bucket-level key now and then instead of a data key per object.
		// https://docs.aws.amazon.com/AmazonS3/latest/userguide/bucket-key.html
		props.Encryption = awss3.BucketEncryption_KMS
		props.BucketKeyEnabled = jsii.Bool(true)
	}
	props.EnforceSSL = jsii.Bool(true)
	props.ObjectOwnership = awss3.ObjectOwnership_BUCKET_OWNER_ENFORCED
	props.RemovalPolicy = pl.removal
	props.AutoDeleteObjects = jsii.Bool(pl.emptyOnDestroy)
	b := awss3.NewBucket(stack, jsii.String(id), &props)
	// The bucket L2 leaves its policy at the default (Delete): a retained bucket would lose its TLS-only deny and
	// the log-delivery grant on destroy. Every bucket's policy follows its bucket.
	b.Policy().ApplyRemovalPolicy(pl.removal)
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
func newAccessLogsBucket(stack awscdk.Stack, cfg config.Config, pl plan) awss3.Bucket {
	return newPrivateBucket(stack, "AccessLogsBucket", pl, awss3.BucketProps{
		LifecycleRules: &[]*awss3.LifecycleRule{{
			Id:                                  jsii.String("expire-access-logs"),
			Expiration:                          awscdk.Duration_Days(jsii.Number(float64(cfg.LogRetentionDays))),
			AbortIncompleteMultipartUploadAfter: abortUploadsAfter(),
		}},
	})
}
