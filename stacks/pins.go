package stacks

import (
	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsiam"
	"github.com/aws/aws-cdk-go/awscdk/v2/awskinesisfirehose"
	"github.com/aws/jsii-runtime-go"
)

// Firehose keeps what a template leaves out: CloudFormation updates a delivery stream with UpdateDestination, which
// merges ("If any of the parameters are not specified in the call, the existing values are retained",
// https://docs.aws.amazon.com/firehose/latest/APIReference/API_UpdateDestination.html). So every destination
// setting that some configuration switches in place is written in every configuration, including the value that
// turns it off. Settings that change only with a replaced stream (dynamic partitioning and its JQ processor, which
// get a new stream name per layout) are left to the L2.

// pinDestination writes the destination settings the L2 omits when they are off, or refuses to write.
func pinDestination(ds awskinesisfirehose.DeliveryStream, pl plan) {
	cfn := ds.Node().DefaultChild().(awskinesisfirehose.CfnDeliveryStream)
	set := func(path string, v any) {
		cfn.AddPropertyOverride(jsii.String("ExtendedS3DestinationConfiguration."+path), v)
	}
	pinEncryption(set, pl)
	pinTransformation(set, pl)
	if pl.conversion {
		// The L2 refuses any compression with conversion (DataFormatConversionCompressionConflict), even
		// UNCOMPRESSED; a stream switched from GZIP JSON would keep GZIP, which Firehose refuses with conversion.
		set("CompressionFormat", "UNCOMPRESSED")
		return
	}
	// Enabled false switches a kept conversion off ("Set it to false if you want to disable format conversion
	// while preserving the configuration details"), and an empty extension takes back .parquet (the API's pattern
	// is ^$|\.[0-9a-z!\-_.*'()]+). https://docs.aws.amazon.com/firehose/latest/APIReference/API_DataFormatConversionConfiguration.html
	set("DataFormatConversionConfiguration", map[string]any{"Enabled": false})
	set("FileExtension", "")
}

// pinEncryption writes NoEncryption when the objects take the bucket's default encryption: a stream switched from
// encryption=kms would otherwise keep its KMSEncryptionConfig. The backup's destination has its own.
// https://docs.aws.amazon.com/firehose/latest/APIReference/API_EncryptionConfiguration.html
func pinEncryption(set func(path string, v any), pl plan) {
	if pl.customerKey {
		return
	}
	off := map[string]any{"NoEncryptionConfig": "NoEncryption"}
	set("EncryptionConfiguration", off)
	if pl.backup {
		set("S3BackupConfiguration.EncryptionConfiguration", off)
	}
}

// pinTransformation writes record transformation and source record backup off when they are off: the L2 leaves
// out ProcessingConfiguration without processors (under partitioning=tenant it writes the JQ processor alone, a
// whole list that replaces a deployed one without the Lambda processor) and S3BackupMode without a backup.
// https://docs.aws.amazon.com/firehose/latest/APIReference/API_ProcessingConfiguration.html
// https://docs.aws.amazon.com/firehose/latest/APIReference/API_ExtendedS3DestinationUpdate.html
func pinTransformation(set func(path string, v any), pl plan) {
	if !pl.transform && !pl.layout.Tenant {
		set("ProcessingConfiguration", map[string]any{"Enabled": false})
	}
	if !pl.backup {
		set("S3BackupMode", "Disabled")
	}
}

// fromThisAccount gives the role the L2 creates for reading the Kinesis source the confused-deputy condition the
// delivery role has: Firehose assumes both with the account id as sts:ExternalId.
// https://docs.aws.amazon.com/firehose/latest/dev/controlling-access.html#firehose-assume-role
// The role keeps its logical id: a new role would change KinesisStreamSourceConfiguration.RoleARN, which replaces
// the delivery stream.
func fromThisAccount(ds awskinesisfirehose.DeliveryStream) {
	role, ok := ds.Node().TryFindChild(jsii.String(sourceRoleID)).(awsiam.Role)
	if !ok {
		panic("stacks: the Firehose construct no longer adds role " + sourceRoleID + "; update sourceRoleID")
	}
	role.Node().DefaultChild().(awsiam.CfnRole).AddPropertyOverride(jsii.String("AssumeRolePolicyDocument.Statement.0.Condition"),
		map[string]any{"StringEquals": map[string]any{"sts:ExternalId": awscdk.Aws_ACCOUNT_ID()}})
}

// sourceRoleID is the construct id of the role the Firehose L2 creates to read its Kinesis source.
const sourceRoleID = "Service Role"
