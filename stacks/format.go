package stacks

import (
	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsiam"
	"github.com/aws/aws-cdk-go/awscdk/v2/awskinesisfirehose"
	"github.com/aws/jsii-runtime-go"

	"github.com/tenant-metrics-lab/tenant-metrics-lab/stacks/config"
)

// parquetConversion is Firehose's record format conversion (format=parquet, see plan.conversion): the Hive JSON
// deserializer (the table's own SerDe for the JSON layout; our events carry no timestamp strings that would need
// OpenX's), the Parquet serializer, and the schema of the catalog's Glue table. The serializer dictionary-encodes
// and GZIP-compresses its pages: Athena bills bytes scanned, and on this data (ten tenants, a small catalog) GZIP
// pages made the per-tenant consumption query scan 0.17 of the GZIP JSON where SNAPPY's made it 0.23
// (test/formats, `make bench`); decoding GZIP costs Athena more CPU, which it does not bill.
// https://docs.aws.amazon.com/firehose/latest/dev/record-format-conversion.html
func parquetConversion(catalog *Catalog) *awskinesisfirehose.DataFormatConversionProps {
	return &awskinesisfirehose.DataFormatConversionProps{
		InputFormat: awskinesisfirehose.InputFormat_HIVE_JSON(),
		OutputFormat: awskinesisfirehose.NewParquetOutputFormat(&awskinesisfirehose.ParquetOutputFormatProps{
			Compression:                 awskinesisfirehose.ParquetCompression_Of(jsii.String(config.ParquetCompression)),
			EnableDictionaryCompression: jsii.Bool(true),
		}),
		SchemaConfiguration: awskinesisfirehose.SchemaConfiguration_FromCfnTable(catalog.Table, &awskinesisfirehose.SchemaConfigurationFromCfnTableProps{
			VersionId: jsii.String("LATEST"),
		}),
	}
}

// compression is the S3-level compression: none with format conversion, where the serializer compresses and
// Firehose refuses another ("Amazon S3 compression gets disabled when you enable format conversion",
// https://docs.aws.amazon.com/firehose/latest/dev/enable-record-format-conversion.html); pinDestination writes
// UNCOMPRESSED there, which the L2 will not.
func compression(cfg config.Config, pl plan) awskinesisfirehose.Compression {
	if pl.conversion {
		return nil
	}
	return awskinesisfirehose.Compression_Of(jsii.String(cfg.Compression))
}

// schemaReadStatement lets Firehose read the table's schema with the delivery role: exactly the Glue actions it
// documents for format conversion, on the catalog, the database and the table (the L2's own grant is swallowed by
// the immutable role view). https://docs.aws.amazon.com/firehose/latest/dev/controlling-access.html
func schemaReadStatement(stack awscdk.Stack, catalog *Catalog) awsiam.PolicyStatement {
	glue := func(resource, name string) *string {
		arn := &awscdk.ArnComponents{Service: jsii.String("glue"), Resource: jsii.String(resource), ArnFormat: awscdk.ArnFormat_NO_RESOURCE_NAME}
		if name != "" {
			arn.ResourceName, arn.ArnFormat = jsii.String(name), awscdk.ArnFormat_SLASH_RESOURCE_NAME
		}
		return stack.FormatArn(arn)
	}
	db, table := *catalog.Database.Ref(), *catalog.Table.Ref()
	return awsiam.NewPolicyStatement(&awsiam.PolicyStatementProps{
		Sid:       jsii.String("SchemaForFormatConversion"),
		Actions:   jsii.Strings("glue:GetTable", "glue:GetTableVersion", "glue:GetTableVersions"),
		Resources: &[]*string{glue("catalog", ""), glue("database", db), glue("table", db+"/"+table)},
	})
}
