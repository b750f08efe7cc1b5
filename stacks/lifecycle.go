package stacks

import (
	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awss3"
	"github.com/aws/jsii-runtime-go"

	"github.com/tenant-metrics-lab/tenant-metrics-lab/internal/firehoseprefix"
	"github.com/tenant-metrics-lab/tenant-metrics-lab/stacks/config"
)

// Lifecycle rule ids of the data bucket; labcheck's cost estimate reads the data rule by its id.
const (
	abortUploadsRuleID = "abort-incomplete-uploads"
	// DataLifecycleRuleID expires (and archives) the delivered objects under the data prefix.
	DataLifecycleRuleID = "expire-data"
	errorsRuleID        = "expire-errors"
	backupRuleID        = "expire-backup"
)

// abortUploadsAfter is how long S3 keeps the parts of an unfinished multipart upload in every bucket of the
// stack: Firehose and Athena finish theirs in seconds, and abandoned parts are billed as storage until aborted.
// https://docs.aws.amazon.com/AmazonS3/latest/userguide/mpu-abort-incomplete-mpu-lifecycle-config.html
func abortUploadsAfter() awscdk.Duration { return awscdk.Duration_Days(jsii.Number(1)) }

// days is a lifecycle duration of n days.
func days(n int) awscdk.Duration { return awscdk.Duration_Days(jsii.Number(float64(n))) }

// dataLifecycle sets the data bucket's lifecycle on props: unfinished uploads aborted, and with dataRetentionDays
// and archiveAfterDays the delivered objects, the source-record backup and the failed records expire (the failed
// ones no sooner than config.MinErrorRetentionDays) and move to Standard-IA. Each rule filters on a literal prefix:
// S3 applies a rule to the objects already there too, asynchronously.
// https://docs.aws.amazon.com/AmazonS3/latest/userguide/lifecycle-expire-general-considerations.html
func dataLifecycle(props *awss3.BucketProps, cfg config.Config) {
	rules := []*awss3.LifecycleRule{{Id: jsii.String(abortUploadsRuleID), AbortIncompleteMultipartUploadAfter: abortUploadsAfter()}}
	objects := func(id, prefix string, expire int) *awss3.LifecycleRule {
		r := &awss3.LifecycleRule{Id: jsii.String(id), Prefix: jsii.String(prefix)}
		if expire > 0 {
			r.Expiration = days(expire)
		}
		if cfg.ArchiveAfterDays > 0 {
			// Standard-IA: Athena reads it as it is (the Glacier classes it cannot), and it is the class whose
			// minimums (30 days, 128 KB) fit objects that expire or are rarely read after a month. S3 moves no
			// object under 128 KB by default (TransitionDefaultMinimumObjectSize, written below), so small
			// objects neither pay the transition request nor IA's 128 KB minimum billable size.
			// https://docs.aws.amazon.com/AmazonS3/latest/userguide/lifecycle-transition-general-considerations.html
			r.Transitions = &[]*awss3.Transition{{StorageClass: awss3.StorageClass_INFREQUENT_ACCESS(), TransitionAfter: days(cfg.ArchiveAfterDays)}}
		}
		return r
	}
	if cfg.DataRetentionDays > 0 || cfg.ArchiveAfterDays > 0 {
		rules = append(rules,
			objects(DataLifecycleRuleID, firehoseprefix.Literal(cfg.Prefix), cfg.DataRetentionDays),
			objects(backupRuleID, config.BackupPrefix, cfg.DataRetentionDays))
	}
	if cfg.DataRetentionDays > 0 {
		// Failed records are not archived: they are read soon, to investigate, or never.
		rules = append(rules, &awss3.LifecycleRule{Id: jsii.String(errorsRuleID), Prefix: jsii.String(firehoseprefix.Literal(cfg.ErrorPrefix)),
			Expiration: days(cfg.ErrorRetentionDays())})
	}
	if cfg.ArchiveAfterDays > 0 {
		props.TransitionDefaultMinimumObjectSize = awss3.TransitionDefaultMinimumObjectSize_ALL_STORAGE_CLASSES_128_K
	}
	props.LifecycleRules = &rules
}
