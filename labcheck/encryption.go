package main

import (
	"context"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	s3types "github.com/aws/aws-sdk-go-v2/service/s3/types"

	"github.com/tenant-metrics-lab/tenant-metrics-lab/stacks/config"
)

// bucketDefaultEncryption reads a bucket's default encryption (GetBucketEncryption, read-only); nil when S3
// answers that it has none. https://docs.aws.amazon.com/AmazonS3/latest/API/API_GetBucketEncryption.html
func (a *account) bucketDefaultEncryption(ctx context.Context, name string) (*s3types.ServerSideEncryptionByDefault, error) {
	out, err := a.s3.GetBucketEncryption(ctx, &s3.GetBucketEncryptionInput{Bucket: aws.String(name)})
	if hasErrorCode(err, "ServerSideEncryptionConfigurationNotFoundError") {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("read the default encryption of bucket %s: %w", name, err)
	}
	if out.ServerSideEncryptionConfiguration == nil || len(out.ServerSideEncryptionConfiguration.Rules) == 0 {
		return nil, nil
	}
	return out.ServerSideEncryptionConfiguration.Rules[0].ApplyServerSideEncryptionByDefault, nil
}

// checkBucketEncryption says which key an imported bucket's default encryption needs. Without encryption=kms the
// delivery stream writes NoEncryption, so the bucket's default applies, and a bucket that defaults to SSE-KMS with
// a customer-managed key makes S3 ask KMS for that key on the delivery role's behalf: without a grant every PUT
// fails. With encryption=kms Firehose names its own key on every object, and readers need that one.
func checkBucketEncryption(ctx context.Context, a *account, cfg config.Config, f *findings) {
	def, err := a.bucketDefaultEncryption(ctx, cfg.BucketName)
	if err != nil {
		f.warn("%v: cannot say which key delivery needs (needs s3:GetEncryptionConfiguration)", err)
		return
	}
	if def == nil || def.SSEAlgorithm == s3types.ServerSideEncryptionAes256 {
		f.ok("bucket %s defaults to SSE-S3: delivery needs no key", cfg.BucketName)
		return
	}
	key := aws.ToString(def.KMSMasterKeyID)
	switch {
	case key == "" || key == "alias/aws/s3" || cfg.KmsKeyArn == key:
		f.ok("bucket %s defaults to %s with %s: delivery can use it", cfg.BucketName, def.SSEAlgorithm, orDefault(key, "the AWS managed key aws/s3"))
	case cfg.CustomerKey():
		f.note("bucket %s defaults to %s with key %s, but the delivery stream encrypts every object with %s (encryption=kms): readers of the delivered objects need that key", cfg.BucketName, def.SSEAlgorithm, key, orDefault(cfg.KmsKeyArn, "the stack's key"))
	default:
		f.block("bucket %s defaults to %s with the customer-managed key %s, which the delivery role may not use: every delivery would fail; deploy with -c encryption=kms -c kmsKeyArn=<that key's ARN> (or give the bucket SSE-S3)", cfg.BucketName, def.SSEAlgorithm, key)
	}
}

func orDefault(v, def string) string {
	if v == "" {
		return def
	}
	return v
}
