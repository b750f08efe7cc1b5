package main

import (
	"context"
	"fmt"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	s3types "github.com/aws/aws-sdk-go-v2/service/s3/types"

	"github.com/tenant-metrics-lab/tenant-metrics-lab/internal/firehoseprefix"
	"github.com/tenant-metrics-lab/tenant-metrics-lab/stacks/config"
)

// bucketLifecycle reads a bucket's lifecycle rules (GetBucketLifecycleConfiguration, read-only); a bucket with
// none answers NoSuchLifecycleConfiguration, which is no rules.
// https://docs.aws.amazon.com/AmazonS3/latest/API/API_GetBucketLifecycleConfiguration.html
func (a *account) bucketLifecycle(ctx context.Context, name string) ([]s3types.LifecycleRule, error) {
	out, err := a.s3.GetBucketLifecycleConfiguration(ctx, &s3.GetBucketLifecycleConfigurationInput{Bucket: aws.String(name)})
	if hasErrorCode(err, "NoSuchLifecycleConfiguration") {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("read the lifecycle of bucket %s: %w", name, err)
	}
	return out.Rules, nil
}

// reportLifecycle says what an imported bucket's own lifecycle does to the objects the stack delivers: the stack
// adds no rule to a bucket it does not own, so whatever expires or moves them is the bucket owner's.
func reportLifecycle(ctx context.Context, a *account, cfg config.Config, f *findings) {
	rules, err := a.bucketLifecycle(ctx, cfg.BucketName)
	if err != nil {
		f.warn("%v: cannot say how long delivered objects are kept (needs s3:GetLifecycleConfiguration)", err)
		return
	}
	data := firehoseprefix.Literal(cfg.Prefix)
	if len(rules) == 0 {
		f.note("bucket %s has no lifecycle rules: objects are kept until deleted", cfg.BucketName)
		return
	}
	said := false
	for _, r := range rules {
		prefix, filtered := rulePrefix(r)
		if r.Status != s3types.ExpirationStatusEnabled || !(strings.HasPrefix(data, prefix) || strings.HasPrefix(prefix, data)) {
			continue
		}
		under := "objects under " + prefix
		if prefix == "" {
			under = "objects anywhere in the bucket"
		}
		if filtered {
			under = "some " + under + " (tag or size filter)"
		}
		if r.Expiration != nil && r.Expiration.Days != nil {
			f.note("bucket %s: lifecycle rule %s expires %s after %d days: delivered objects (%s) are deleted then", cfg.BucketName, aws.ToString(r.ID), under, aws.ToInt32(r.Expiration.Days), data)
			said = true
		}
		if r.Expiration != nil && r.Expiration.Date != nil {
			f.note("bucket %s: lifecycle rule %s expires %s on %s: delivered objects (%s) are deleted then", cfg.BucketName, aws.ToString(r.ID), under, r.Expiration.Date.Format("2006-01-02"), data)
			said = true
		}
		for _, t := range r.Transitions {
			if t.Days != nil {
				f.note("bucket %s: lifecycle rule %s moves %s to %s after %d days", cfg.BucketName, aws.ToString(r.ID), under, t.StorageClass, aws.ToInt32(t.Days))
				said = true
			}
		}
	}
	if !said {
		f.note("bucket %s: no enabled lifecycle rule expires objects under %s: delivered objects are kept until deleted", cfg.BucketName, data)
	}
}

// rulePrefix is the key prefix a lifecycle rule selects ("" is the whole bucket) and whether it also filters on
// tags or sizes, in any of the forms S3 returns: Filter.Prefix, Filter.And, or the older rule-level Prefix.
func rulePrefix(r s3types.LifecycleRule) (string, bool) {
	if r.Filter == nil {
		//lint:ignore SA1019 S3 still returns the rule-level Prefix of rules written before Filter existed, which this reads.
		return aws.ToString(r.Prefix), false
	}
	f := r.Filter
	if f.And != nil {
		return aws.ToString(f.And.Prefix), len(f.And.Tags) > 0 || f.And.ObjectSizeGreaterThan != nil || f.And.ObjectSizeLessThan != nil
	}
	return aws.ToString(f.Prefix), f.Tag != nil || f.ObjectSizeGreaterThan != nil || f.ObjectSizeLessThan != nil
}
