package stacks

import (
	"fmt"
	"strings"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsathena"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsglue"
	"github.com/aws/aws-cdk-go/awscdk/v2/awskms"
	"github.com/aws/aws-cdk-go/awscdk/v2/awss3"
	"github.com/aws/jsii-runtime-go"

	"github.com/tenant-metrics-lab/tenant-metrics-lab/internal/event"
	"github.com/tenant-metrics-lab/tenant-metrics-lab/stacks/config"
)

// Catalog is the Glue database and the table over what Firehose writes.
type Catalog struct {
	Database awsglue.CfnDatabase
	Table    awsglue.CfnTable
}

// Query is the query side of the data lake: the catalog, the Athena workgroup, its results bucket and the saved
// queries.
type Query struct {
	Catalog   *Catalog
	WorkGroup awsathena.CfnWorkGroup
	Results   awss3.Bucket
	Saved     []awsathena.CfnNamedQuery
}

// newCatalog declares the Glue database and the table over what Firehose writes in bucket (partition projection
// matching its folders, so no crawler and no MSCK REPAIR). With conversion it comes before the delivery stream,
// which converts records with the table's schema.
func newCatalog(stack awscdk.Stack, cfg config.Config, pl plan, bucket awss3.IBucket) *Catalog {
	layout := pl.layout
	c := &Catalog{}
	c.Database = awsglue.NewCfnDatabase(stack, jsii.String("GlueDatabase"), &awsglue.CfnDatabaseProps{
		CatalogId: awscdk.Aws_ACCOUNT_ID(),
		DatabaseInput: &awsglue.CfnDatabase_DatabaseInputProperty{
			Name:        jsii.String(cfg.DatabaseName()),
			Description: jsii.String("tenant-metrics-lab: telemetry events delivered by Firehose"),
		},
	})
	c.Database.ApplyRemovalPolicy(pl.removal, nil)

	bucketURL := "s3://" + *bucket.BucketName() + "/"
	var columns []any
	for _, c := range event.Columns() {
		columns = append(columns, &awsglue.CfnTable_ColumnProperty{Name: jsii.String(c.Name), Type: jsii.String(c.Type)})
	}
	// Partition projection computes each partition's folder from the query's datehour (and tenant_id) values;
	// Athena projects dates in UTC, as Firehose names its folders.
	// https://docs.aws.amazon.com/athena/latest/ug/partition-projection-kinesis-firehose-example.html
	params := map[string]any{
		"projection.enabled":                                     "true",
		"projection." + config.DateHourColumn + ".type":          "date",
		"projection." + config.DateHourColumn + ".format":        layout.DateFormat,
		"projection." + config.DateHourColumn + ".range":         layout.FormatTime(config.ProjectionStart) + ",NOW",
		"projection." + config.DateHourColumn + ".interval":      "1",
		"projection." + config.DateHourColumn + ".interval.unit": layout.DateUnit,
		"storage.location.template":                              bucketURL + layout.Template,
	}
	storage := tableStorage(cfg, pl)
	for k, v := range storage.params {
		params[k] = v
	}
	partitions := []any{}
	if layout.Tenant {
		// enum, not injected: injected values must be given in every query's WHERE clause, which rules out the
		// per-tenant comparisons the saved queries make; the tenant catalog is small and fixed.
		params["projection."+config.TenantColumn+".type"] = "enum"
		params["projection."+config.TenantColumn+".values"] = strings.Join(config.TenantIDs(), ",")
		partitions = append(partitions, &awsglue.CfnTable_ColumnProperty{Name: jsii.String(config.TenantColumn), Type: jsii.String("string")})
	}
	partitions = append(partitions, &awsglue.CfnTable_ColumnProperty{Name: jsii.String(config.DateHourColumn), Type: jsii.String("string")})
	c.Table = awsglue.NewCfnTable(stack, jsii.String("GlueTable"), &awsglue.CfnTableProps{
		CatalogId:    awscdk.Aws_ACCOUNT_ID(),
		DatabaseName: c.Database.Ref(),
		TableInput: &awsglue.CfnTable_TableInputProperty{
			Name:          jsii.String(config.TableName),
			Description:   jsii.String(storage.description),
			TableType:     jsii.String("EXTERNAL_TABLE"),
			Parameters:    params,
			PartitionKeys: partitions,
			StorageDescriptor: &awsglue.CfnTable_StorageDescriptorProperty{
				Location:     jsii.String(bucketURL + layout.Literal),
				Columns:      columns,
				InputFormat:  jsii.String(storage.inputFormat),
				OutputFormat: jsii.String(storage.outputFormat),
				SerdeInfo: &awsglue.CfnTable_SerdeInfoProperty{
					SerializationLibrary: jsii.String(storage.serde),
				},
				Compressed: jsii.Bool(storage.compressed),
			},
		},
	})
	c.Table.ApplyRemovalPolicy(pl.removal, nil)
	return c
}

// queryInputs are the catalog the queries read and the bucket their results go to.
type queryInputs struct {
	catalog *Catalog
	results awss3.Bucket
	key     awskms.IKey // encrypts the results with encryption=kms; nil: SSE-S3
}

// newQuery declares an Athena workgroup with enforced, encrypted, expiring results and a per-query scan limit,
// and the saved queries over the catalog's table.
func newQuery(stack awscdk.Stack, cfg config.Config, pl plan, in queryInputs) *Query {
	q := &Query{Catalog: in.catalog, Results: in.results}
	q.WorkGroup = awsathena.NewCfnWorkGroup(stack, jsii.String("WorkGroup"), &awsathena.CfnWorkGroupProps{
		Name:        jsii.String(cfg.WorkGroupName()),
		Description: jsii.String("tenant-metrics-lab: queries over the delivered telemetry, with a per-query scan limit"),
		State:       jsii.String("ENABLED"),
		// A workgroup that has run queries refuses deletion unless told to delete recursively.
		// https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-resource-athena-workgroup.html
		RecursiveDeleteOption: jsii.Bool(pl.emptyOnDestroy),
		WorkGroupConfiguration: &awsathena.CfnWorkGroup_WorkGroupConfigurationProperty{
			EnforceWorkGroupConfiguration:   jsii.Bool(true),
			PublishCloudWatchMetricsEnabled: jsii.Bool(true),
			BytesScannedCutoffPerQuery:      jsii.Number(float64(cfg.QueryScanCutoffMiB) * (1 << 20)),
			EngineVersion: &awsathena.CfnWorkGroup_EngineVersionProperty{
				SelectedEngineVersion: jsii.String("Athena engine version 3"),
			},
			ResultConfiguration: &awsathena.CfnWorkGroup_ResultConfigurationProperty{
				OutputLocation:          jsii.String("s3://" + *q.Results.BucketName() + "/"),
				EncryptionConfiguration: resultsEncryption(in.key),
			},
		},
	})
	q.WorkGroup.ApplyRemovalPolicy(pl.removal, nil)

	for i, sq := range cfg.SavedQueries(pl.layout) {
		nq := awsathena.NewCfnNamedQuery(stack, jsii.String(fmt.Sprintf("SavedQuery%d", i+1)), &awsathena.CfnNamedQueryProps{
			Name:        jsii.String(sq.Name),
			Description: jsii.String(sq.Description),
			Database:    jsii.String(cfg.DatabaseName()),
			QueryString: jsii.String(sq.SQL),
			WorkGroup:   q.WorkGroup.Ref(),
		})
		// The query names a table that must exist in the workgroup's catalog first.
		nq.AddResourceDependency(q.Catalog.Table, jsii.String("the query names the table"))
		q.Saved = append(q.Saved, nq)
	}

	region := *awscdk.Aws_REGION()
	addOutput(stack, "GlueDatabaseName", cfg.DatabaseName(), "Glue database of the query table")
	addOutput(stack, "GlueTableName", config.TableName, "Glue table over the delivered events (partition projection, no crawler)")
	addOutput(stack, "AthenaWorkGroupName", *q.WorkGroup.Ref(), "Athena workgroup to query in (results, encryption and scan limit enforced)")
	addOutput(stack, "AthenaConsoleUrl",
		fmt.Sprintf("https://%s.console.aws.amazon.com/athena/home?region=%s#/query-editor", region, region),
		"Athena query editor: choose the workgroup, then Saved queries")
	addOutput(stack, "AthenaFirstQueryCommand",
		fmt.Sprintf(`aws athena start-query-execution --work-group %s --query-string "$(aws athena get-named-query --named-query-id %s --query NamedQuery.QueryString --output text)"`,
			*q.WorkGroup.Ref(), *q.Saved[0].AttrNamedQueryId()),
		"Runs the first saved query (consumption per tenant over the last 24 hours); then aws athena get-query-results --query-execution-id ID")
	return q
}

// tableFormat is how the query table reads the delivered objects.
type tableFormat struct {
	description                      string
	serde, inputFormat, outputFormat string
	compressed                       bool
	params                           map[string]any
}

// tableStorage returns the table's storage for what Firehose writes.
func tableStorage(cfg config.Config, pl plan) tableFormat {
	if pl.conversion {
		// Parquet objects carry their own schema and compression; Athena reads the columns a query uses.
		// https://docs.aws.amazon.com/athena/latest/ug/parquet-serde.html
		return tableFormat{
			description:  "Telemetry events converted to Parquet by Firehose with this table's schema, in the folders Firehose writes",
			serde:        "org.apache.hadoop.hive.ql.io.parquet.serde.ParquetHiveSerDe",
			inputFormat:  "org.apache.hadoop.hive.ql.io.parquet.MapredParquetInputFormat",
			outputFormat: "org.apache.hadoop.hive.ql.io.parquet.MapredParquetOutputFormat",
			params:       map[string]any{"classification": "parquet"},
		}
	}
	// The Hive JSON SerDe reads one JSON object per line (our events: lowercase keys, no duplicates, nested
	// objects as structs, epoch seconds as bigint); Athena decompresses .gz objects by their extension. Not the
	// OpenX SerDe: Athena documents that its results "can be non-deterministic", with more or fewer rows than
	// expected or unexpected nulls, and names Hive's as the fix.
	// https://docs.aws.amazon.com/athena/latest/ug/hive-json-serde.html
	// https://docs.aws.amazon.com/athena/latest/ug/openx-json-serde.html ("Considerations and limitations")
	return tableFormat{
		description:  "Telemetry events as the producer writes them (NDJSON, one object per line), in the folders Firehose writes",
		serde:        config.JSONSerDe,
		inputFormat:  "org.apache.hadoop.mapred.TextInputFormat",
		outputFormat: "org.apache.hadoop.hive.ql.io.HiveIgnoreKeyTextOutputFormat",
		compressed:   cfg.Compression == "GZIP",
		params: map[string]any{
			"classification":  "json",
			"compressionType": map[string]string{"GZIP": "gzip", "UNCOMPRESSED": "none"}[cfg.Compression],
		},
	}
}

// resultsEncryption is how Athena encrypts the query results: SSE_KMS with the customer-managed key
// (encryption=kms), else SSE_S3, written either way so a switch back is not left to what the workgroup kept.
// https://docs.aws.amazon.com/athena/latest/ug/encrypting-query-results-stored-in-s3.html
func resultsEncryption(key awskms.IKey) *awsathena.CfnWorkGroup_EncryptionConfigurationProperty {
	if key == nil {
		return &awsathena.CfnWorkGroup_EncryptionConfigurationProperty{EncryptionOption: jsii.String("SSE_S3")}
	}
	return &awsathena.CfnWorkGroup_EncryptionConfigurationProperty{EncryptionOption: jsii.String("SSE_KMS"), KmsKey: key.KeyArn()}
}
