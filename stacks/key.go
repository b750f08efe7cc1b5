package stacks

import (
	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsiam"
	"github.com/aws/aws-cdk-go/awscdk/v2/awskinesis"
	"github.com/aws/aws-cdk-go/awscdk/v2/awskinesisfirehose"
	"github.com/aws/aws-cdk-go/awscdk/v2/awskms"
	"github.com/aws/aws-cdk-go/awscdk/v2/awss3"
	"github.com/aws/jsii-runtime-go"

	"github.com/tenant-metrics-lab/tenant-metrics-lab/stacks/config"
)

// newKey returns the customer-managed key of encryption=kms: the existing key kmsKeyArn names, or a new one with
// automatic yearly rotation. nil with encryption=aws-managed. A created key keeps the default key policy (the
// account's IAM policies decide who uses it), so each role below is granted on its own policy, with conditions;
// destroying or dropping it schedules its deletion after the pending window, after which what it encrypted is
// unreadable (labcheck updates says LOSES DATA). https://docs.aws.amazon.com/kms/latest/developerguide/key-policy-default.html
func newKey(stack awscdk.Stack, cfg config.Config, pl plan) awskms.IKey {
	if !cfg.CustomerKey() {
		return nil
	}
	if cfg.KmsKeyArn != "" {
		return awskms.Key_FromKeyArn(stack, jsii.String("DataKey"), jsii.String(cfg.KmsKeyArn))
	}
	key := awskms.NewKey(stack, jsii.String("DataKey"), &awskms.KeyProps{
		Description:       jsii.String("tenant-metrics-lab " + cfg.StackName() + ": the stream, the delivered objects and the query results"),
		EnableKeyRotation: jsii.Bool(true),
		RemovalPolicy:     pl.removal,
	})
	// CloudWatch Logs encrypts the stack's log groups with it: the service needs these actions in the key policy,
	// for log groups of this account and region only (the encryption context CloudWatch Logs passes).
	// https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/encrypt-log-data-kms.html
	key.AddToResourcePolicy(awsiam.NewPolicyStatement(&awsiam.PolicyStatementProps{
		Sid:        jsii.String("CloudWatchLogsEncryptsTheStacksLogGroups"),
		Principals: &[]awsiam.IPrincipal{awsiam.NewServicePrincipal(jsii.String("logs."+*awscdk.Aws_REGION()+".amazonaws.com"), nil)},
		Actions: jsii.Strings("kms:Encrypt", "kms:Decrypt", "kms:ReEncryptFrom", "kms:ReEncryptTo", "kms:GenerateDataKey",
			"kms:GenerateDataKeyWithoutPlaintext", "kms:DescribeKey"),
		Resources: jsii.Strings("*"), // in a key policy, the key itself
		Conditions: &map[string]any{"ArnLike": map[string]any{
			"kms:EncryptionContext:aws:logs:arn": "arn:" + *awscdk.Aws_PARTITION() + ":logs:" + *awscdk.Aws_REGION() + ":" + *awscdk.Aws_ACCOUNT_ID() + ":log-group:*",
		}},
	}), jsii.Bool(false))
	return key
}

// logGroupKey is the key the stack's log groups are encrypted with: the key it creates for encryption=kms, whose
// policy lets CloudWatch Logs use it. A key given by kmsKeyArn is not: its policy is its owner's, and CloudWatch
// Logs refuses a key its policy does not grant; those log groups keep CloudWatch Logs' own encryption.
func logGroupKey(cfg config.Config, key awskms.IKey) awskms.IKey {
	if cfg.KmsKeyArn != "" {
		return nil
	}
	return key
}

// kinesisKeyStatement lets a producer generate the data keys Kinesis encrypts its records with, only through
// Kinesis and only for this stream: Kinesis passes the stream's ARN as the encryption context of every KMS call.
// https://docs.aws.amazon.com/streams/latest/dev/permissions-user-key-KMS.html
func kinesisKeyStatement(key awskms.IKey, stream awskinesis.IStream) awsiam.PolicyStatement {
	return awsiam.NewPolicyStatement(&awsiam.PolicyStatementProps{
		Sid:        jsii.String("EncryptForTheLabStream"),
		Actions:    jsii.Strings("kms:GenerateDataKey"),
		Resources:  &[]*string{key.KeyArn()},
		Conditions: kinesisKeyConditions(stream),
	})
}

// kinesisKeyConditions limit a use of the stream's key to Kinesis acting for this stream: Kinesis passes the
// stream's ARN as the encryption context of every KMS call it makes.
func kinesisKeyConditions(stream awskinesis.IStream) *map[string]any {
	return &map[string]any{"StringEquals": map[string]any{
		"kms:ViaService":                        "kinesis." + *awscdk.Aws_REGION() + ".amazonaws.com",
		"kms:EncryptionContext:aws:kinesis:arn": stream.StreamArn(),
	}}
}

// s3KeyStatement lets the delivery role encrypt and read back (multipart uploads) the objects it writes under
// prefixes, only through S3. With S3 Bucket Keys S3 asks KMS for the bucket key with the bucket's ARN as the
// encryption context, without them with the object's: both are allowed.
// https://docs.aws.amazon.com/firehose/latest/dev/controlling-access.html#using-iam-s3
// https://docs.aws.amazon.com/AmazonS3/latest/userguide/bucket-key.html
func s3KeyStatement(key awskms.IKey, bucket awss3.IBucket, prefixes []string) awsiam.PolicyStatement {
	contexts := []any{bucket.BucketArn()}
	for _, p := range prefixes {
		contexts = append(contexts, *bucket.BucketArn()+"/"+p+"*")
	}
	return awsiam.NewPolicyStatement(&awsiam.PolicyStatementProps{
		Sid:       jsii.String("EncryptUnderPrefixes"),
		Actions:   jsii.Strings("kms:GenerateDataKey", "kms:Decrypt"),
		Resources: &[]*string{key.KeyArn()},
		Conditions: &map[string]any{
			"StringEquals": map[string]any{"kms:ViaService": "s3." + *awscdk.Aws_REGION() + ".amazonaws.com"},
			"StringLike":   map[string]any{"kms:EncryptionContext:aws:s3:arn": contexts},
		},
	})
}

// sourceKeyConditions narrows the kms:Decrypt the L2's read grant gives the Firehose source role to what reading
// the stream needs: through Kinesis, for this stream (the encryption context Kinesis passes).
// https://docs.aws.amazon.com/streams/latest/dev/permissions-user-key-KMS.html
// The grant is the second statement of the role's default policy (the first reads the stream); a different shape
// panics rather than leave the grant unconditioned.
func sourceKeyConditions(ds awskinesisfirehose.DeliveryStream, stream awskinesis.IStream) {
	role, ok := ds.Node().TryFindChild(jsii.String(sourceRoleID)).(awsiam.Role)
	if !ok {
		panic("stacks: the Firehose construct no longer adds role " + sourceRoleID + "; update sourceRoleID")
	}
	policy, ok := role.Node().TryFindChild(jsii.String("DefaultPolicy")).(awsiam.Policy)
	if !ok || *policy.Document().StatementCount() != 2 {
		panic("stacks: the Firehose source role's default policy is not [read the stream, decrypt with its key]; update sourceKeyConditions")
	}
	policy.Node().DefaultChild().(awsiam.CfnPolicy).AddPropertyOverride(jsii.String("PolicyDocument.Statement.1.Condition"), *kinesisKeyConditions(stream))
}
