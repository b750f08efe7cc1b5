package test

import (
	"testing"
)

// TestParquetConversion pins the record format conversion Firehose documents: a JSON deserializer, the Parquet
// serializer, the schema of the stack's own Glue table read with the delivery role, no S3-level compression, a
// 64 MiB buffer, .parquet objects; the delivery role may read exactly that table's schema; the table reads Parquet.
// https://docs.aws.amazon.com/firehose/latest/dev/record-format-conversion.html
func TestParquetConversion(t *testing.T) {
	s := synth(t, variants["parquet"])
	_, fh := s.only(t, "AWS::KinesisFirehose::DeliveryStream")
	dest := props(fh)["ExtendedS3DestinationConfiguration"].(map[string]any)
	dbID, _ := s.only(t, "AWS::Glue::Database")
	tableID, _ := s.only(t, "AWS::Glue::Table")
	roleID := s.roleID(t, "DeliveryRole")
	want := map[string]any{
		"Enabled":                   true,
		"InputFormatConfiguration":  map[string]any{"Deserializer": map[string]any{"HiveJsonSerDe": map[string]any{}}},
		"OutputFormatConfiguration": map[string]any{"Serializer": map[string]any{"ParquetSerDe": map[string]any{"Compression": "GZIP", "EnableDictionaryCompression": true}}},
		"SchemaConfiguration": map[string]any{
			"CatalogId": map[string]any{"Ref": "AWS::AccountId"}, "DatabaseName": map[string]any{"Ref": dbID},
			"TableName": map[string]any{"Ref": tableID}, "Region": map[string]any{"Ref": "AWS::Region"},
			"RoleARN": map[string]any{"Fn::GetAtt": []any{roleID, "Arn"}}, "VersionId": "LATEST",
		},
	}
	if jsonOf(dest["DataFormatConversionConfiguration"]) != jsonOf(want) {
		t.Errorf("conversion\n got %s\nwant %s", jsonOf(dest["DataFormatConversionConfiguration"]), jsonOf(want))
	}
	if dest["FileExtension"] != ".parquet" || dest["CompressionFormat"] != "UNCOMPRESSED" ||
		jsonOf(dest["BufferingHints"]) != `{"IntervalInSeconds":60,"SizeInMBs":64}` {
		t.Errorf("extension %v, compression %v, buffering %s", dest["FileExtension"], dest["CompressionFormat"], jsonOf(dest["BufferingHints"]))
	}
	glue := func(suffix ...any) map[string]any {
		parts := append([]any{"arn:", map[string]any{"Ref": "AWS::Partition"}, ":glue:", map[string]any{"Ref": "AWS::Region"}, ":", map[string]any{"Ref": "AWS::AccountId"}}, suffix...)
		return map[string]any{"Fn::Join": []any{"", parts}}
	}
	schema := map[string]any{
		"Sid": "SchemaForFormatConversion", "Effect": "Allow", "Action": []any{"glue:GetTable", "glue:GetTableVersion", "glue:GetTableVersions"},
		"Resource": []any{glue(":catalog"), glue(":database/", map[string]any{"Ref": dbID}), glue(":table/", map[string]any{"Ref": dbID}, "/", map[string]any{"Ref": tableID})},
	}
	stmts := statements(s.policyOf(t, "DeliveryRolePolicy"))
	if got := stmts[len(stmts)-1]; jsonOf(got) != jsonOf(schema) {
		t.Errorf("schema statement\n got %s\nwant %s", jsonOf(got), jsonOf(schema))
	}
	sd := s.tableInput(t)["StorageDescriptor"].(map[string]any)
	if jsonOf(sd["SerdeInfo"]) != `{"SerializationLibrary":"org.apache.hadoop.hive.ql.io.parquet.serde.ParquetHiveSerDe"}` ||
		sd["InputFormat"] != "org.apache.hadoop.hive.ql.io.parquet.MapredParquetInputFormat" ||
		sd["OutputFormat"] != "org.apache.hadoop.hive.ql.io.parquet.MapredParquetOutputFormat" || sd["Compressed"] != false ||
		s.tableInput(t)["Parameters"].(map[string]any)["classification"] != "parquet" {
		t.Errorf("table storage %s", jsonOf(sd))
	}

	// The JSON layout has neither the conversion nor the Glue statement.
	lab := synth(t, labDefaults)
	_, labFH := lab.only(t, "AWS::KinesisFirehose::DeliveryStream")
	// Firehose keeps what a template leaves out, so JSON says conversion is off and takes back the extension.
	labDest := props(labFH)["ExtendedS3DestinationConfiguration"].(map[string]any)
	if jsonOf(labDest["DataFormatConversionConfiguration"]) != `{"Enabled":false}` || labDest["FileExtension"] != "" || labDest["CompressionFormat"] != "GZIP" {
		t.Errorf("format=json must pin conversion off, the extension empty and GZIP: %s", jsonOf(labDest))
	}
	for _, st := range statements(lab.policyOf(t, "DeliveryRolePolicy")) {
		if st["Sid"] == "SchemaForFormatConversion" {
			t.Error("format=json grants Glue reads")
		}
	}
}
