package test

import (
	"strings"
	"testing"
	"time"

	"github.com/tenant-metrics-lab/tenant-metrics-lab/internal/event"
	"github.com/tenant-metrics-lab/tenant-metrics-lab/internal/testing/firehose"
	"github.com/tenant-metrics-lab/tenant-metrics-lab/stacks/config"
)

// tableInput returns the Glue table's TableInput.
func (s *synthesized) tableInput(t testing.TB) map[string]any {
	t.Helper()
	_, table := s.only(t, "AWS::Glue::Table")
	return props(table)["TableInput"].(map[string]any)
}

func TestQueryTableReadsWhatTheProducerWrites(t *testing.T) {
	s := synth(t, labDefaults)
	dbID, db := s.only(t, "AWS::Glue::Database")
	if got := props(db)["DatabaseInput"].(map[string]any)["Name"]; got != "tenant_metrics_lab" {
		t.Errorf("database name %v", got)
	}
	_, table := s.only(t, "AWS::Glue::Table")
	if jsonOf(props(table)["DatabaseName"]) != jsonOf(map[string]any{"Ref": dbID}) {
		t.Errorf("table database %s", jsonOf(props(table)["DatabaseName"]))
	}
	in := s.tableInput(t)
	sd := in["StorageDescriptor"].(map[string]any)
	var want []any
	for _, c := range event.Columns() {
		want = append(want, map[string]any{"Name": c.Name, "Type": c.Type})
	}
	if jsonOf(sd["Columns"]) != jsonOf(want) {
		t.Errorf("columns\n got %s\nwant %s", jsonOf(sd["Columns"]), jsonOf(want))
	}
	if cols := sd["Columns"].([]any); cols[3].(map[string]any)["Type"] != "struct<id:string,name:string,tier:string>" {
		t.Errorf("nested tenant must be a struct: %v", cols[3])
	}
	// The Hive JSON SerDe, never OpenX's: Athena documents non-deterministic answers with it.
	// https://docs.aws.amazon.com/athena/latest/ug/openx-json-serde.html
	if jsonOf(sd["SerdeInfo"]) != `{"SerializationLibrary":"org.apache.hive.hcatalog.data.JsonSerDe"}` ||
		sd["InputFormat"] != "org.apache.hadoop.mapred.TextInputFormat" ||
		sd["OutputFormat"] != "org.apache.hadoop.hive.ql.io.HiveIgnoreKeyTextOutputFormat" || in["TableType"] != "EXTERNAL_TABLE" {
		t.Errorf("storage descriptor %s", jsonOf(sd))
	}
	if got := jsonOf(sd["Location"]); !strings.Contains(got, `"s3://",{"Ref":"`+s.dataBucketID(t)+`"},"/stream/"`) {
		t.Errorf("location %s", got)
	}
	params := in["Parameters"].(map[string]any)
	for k, v := range map[string]string{
		"projection.enabled": "true", "projection.datehour.type": "date", "projection.datehour.format": "yyyy/MM/dd/HH",
		"projection.datehour.range": "2026/01/01/00,NOW", "projection.datehour.interval": "1",
		"projection.datehour.interval.unit": "HOURS", "classification": "json", "compressionType": "gzip",
	} {
		if params[k] != v {
			t.Errorf("parameter %s = %v, want %s", k, params[k], v)
		}
	}
	if jsonOf(in["PartitionKeys"]) != `[{"Name":"datehour","Type":"string"}]` {
		t.Errorf("partition keys %s", jsonOf(in["PartitionKeys"]))
	}
}

func TestWorkGroupIsEnforcedEncryptedLimitedAndRemovable(t *testing.T) {
	s := synth(t, labDefaults)
	_, wg := s.only(t, "AWS::Athena::WorkGroup")
	resultsID, _ := s.named(t, "AWS::S3::Bucket", "QueryResultsBucket")
	p := props(wg)
	conf := p["WorkGroupConfiguration"].(map[string]any)
	if p["Name"] != "tenant-metrics-lab" || p["RecursiveDeleteOption"] != true || wg["DeletionPolicy"] != "Delete" {
		t.Errorf("workgroup %s, deletion %v", jsonOf(p), wg["DeletionPolicy"])
	}
	if conf["EnforceWorkGroupConfiguration"] != true || conf["PublishCloudWatchMetricsEnabled"] != true ||
		conf["BytesScannedCutoffPerQuery"] != float64(1<<30) ||
		jsonOf(conf["EngineVersion"]) != `{"SelectedEngineVersion":"Athena engine version 3"}` {
		t.Errorf("workgroup configuration %s", jsonOf(conf))
	}
	rc := jsonOf(conf["ResultConfiguration"])
	if !strings.Contains(rc, `"EncryptionOption":"SSE_S3"`) || !strings.Contains(rc, `{"Ref":"`+resultsID+`"}`) {
		t.Errorf("results %s", rc)
	}
	results := s.resources("AWS::S3::Bucket")[resultsID]
	if !strings.Contains(jsonOf(props(results)["LifecycleConfiguration"]), `"ExpirationInDays":7`) || !s.bucketDeniesInsecureTransport(resultsID) {
		t.Errorf("results bucket %s", jsonOf(props(results)))
	}

	// Retained: the workgroup keeps its history and refuses a recursive delete.
	r := synth(t, map[string]string{"retain": "true"})
	_, rwg := r.only(t, "AWS::Athena::WorkGroup")
	if props(rwg)["RecursiveDeleteOption"] != false || rwg["DeletionPolicy"] != "Retain" {
		t.Errorf("retained workgroup: %v, %v", props(rwg)["RecursiveDeleteOption"], rwg["DeletionPolicy"])
	}
	// A custom cutoff reaches the workgroup.
	c := synth(t, map[string]string{"queryScanCutoffMiB": "10"})
	_, cwg := c.only(t, "AWS::Athena::WorkGroup")
	if got := props(cwg)["WorkGroupConfiguration"].(map[string]any)["BytesScannedCutoffPerQuery"]; got != float64(10<<20) {
		t.Errorf("cutoff %v", got)
	}
}

// TestSavedQueriesNameTheTableAndPartition: every saved query reads the table and restricts the partition
// column, so it scans only the hours it reads; with per-tenant folders it groups by the tenant_id partition.
func TestSavedQueriesNameTheTableAndPartition(t *testing.T) {
	for name, wantTenant := range map[string]bool{"lab": false, "tenant-partitioning": true} {
		s := synth(t, variants[name])
		wgID, _ := s.only(t, "AWS::Athena::WorkGroup")
		queries := s.resources("AWS::Athena::NamedQuery")
		if len(queries) != 4 {
			t.Fatalf("%s: %d saved queries, want 4", name, len(queries))
		}
		for id, q := range queries {
			sql := props(q)["QueryString"].(string)
			if !strings.Contains(sql, `FROM "tenant_metrics_lab"."events"`) || !strings.Contains(sql, "WHERE datehour >= date_format(") {
				t.Errorf("%s %s does not read the table by its partition:\n%s", name, id, sql)
			}
			// With per-tenant folders the tenant comes from the partition, never from the row.
			if wantTenant && strings.Contains(sql, "tenant.id") || !wantTenant && strings.Contains(sql, "GROUP BY tenant_id") {
				t.Errorf("%s %s: tenant partition use should be %v:\n%s", name, id, wantTenant, sql)
			}
			if props(q)["Database"] != "tenant_metrics_lab" || jsonOf(props(q)["WorkGroup"]) != jsonOf(map[string]any{"Ref": wgID}) {
				t.Errorf("%s %s: database %v, workgroup %v", name, id, props(q)["Database"], props(q)["WorkGroup"])
			}
		}
	}
	outputs := synth(t, labDefaults).raw["Outputs"].(map[string]any)
	for _, o := range []string{"GlueDatabaseName", "GlueTableName", "AthenaWorkGroupName", "AthenaConsoleUrl", "AthenaFirstQueryCommand"} {
		if outputs[o] == nil {
			t.Errorf("missing output %s", o)
		}
	}
	if cmd := jsonOf(outputs["AthenaFirstQueryCommand"]); !strings.Contains(cmd, "aws athena start-query-execution --work-group ") || !strings.Contains(cmd, "NamedQueryId") {
		t.Errorf("first query command %s", cmd)
	}
}

// TestDynamicPartitioningByTenant pins what Firehose needs for per-tenant folders: dynamic partitioning on, the
// inline JQ extraction of .tenant.id, the prefix with the key and the hour, and the 64 MiB buffer.
// https://docs.aws.amazon.com/firehose/latest/dev/dynamic-partitioning.html
func TestDynamicPartitioningByTenant(t *testing.T) {
	s := synth(t, variants["tenant-partitioning"])
	s.has(t, "AWS::KinesisFirehose::DeliveryStream", map[string]any{
		"ExtendedS3DestinationConfiguration": map[string]any{
			"Prefix":                           "stream/tenant_id=!{partitionKeyFromQuery:tenant_id}/!{timestamp:yyyy/MM/dd/HH}/",
			"ErrorOutputPrefix":                "errors/!{firehose:error-output-type}/",
			"DynamicPartitioningConfiguration": map[string]any{"Enabled": true},
			"BufferingHints":                   map[string]any{"SizeInMBs": 64, "IntervalInSeconds": 60},
		},
	})
	query, prefix := partitioningOf(t, s)
	if query != `{"tenant_id":.tenant.id}` || prefix == "" {
		t.Errorf("metadata extraction query %q", query)
	}
	in := s.tableInput(t)
	params := in["Parameters"].(map[string]any)
	if params["projection.tenant_id.type"] != "enum" || params["projection.tenant_id.values"] != strings.Join(config.TenantIDs(), ",") {
		t.Errorf("tenant projection %v / %v", params["projection.tenant_id.type"], params["projection.tenant_id.values"])
	}
	if jsonOf(in["PartitionKeys"]) != `[{"Name":"tenant_id","Type":"string"},{"Name":"datehour","Type":"string"}]` {
		t.Errorf("partition keys %s", jsonOf(in["PartitionKeys"]))
	}
}

// partitioningOf reads the delivery stream's JQ query (empty without dynamic partitioning) and prefix.
func partitioningOf(t testing.TB, s *synthesized) (query, prefix string) {
	t.Helper()
	_, ds := s.only(t, "AWS::KinesisFirehose::DeliveryStream")
	dest := props(ds)["ExtendedS3DestinationConfiguration"].(map[string]any)
	prefix = dest["Prefix"].(string)
	pc, _ := dest["ProcessingConfiguration"].(map[string]any)
	for _, proc := range asList(pc["Processors"]) {
		for _, p := range asList(proc.(map[string]any)["Parameters"]) {
			if pm := p.(map[string]any); pm["ParameterName"] == "MetadataExtractionQuery" {
				query = pm["ParameterValue"].(string)
			}
		}
	}
	return query, prefix
}

// TestProjectedLocationFindsFirehoseObjects renders the object key Firehose would write for a record at a given
// time (and tenant) from the synthesized prefix, and the location the table's projection computes for the same
// hour (and tenant) from its synthesized format and template: the object must lie in that location, for every
// layout.
func TestProjectedLocationFindsFirehoseObjects(t *testing.T) {
	at := time.Date(2026, 11, 29, 7, 42, 9, 0, time.UTC)
	cases := map[string]map[string]string{
		"lab": labDefaults, "tenant-partitioning": variants["tenant-partitioning"], "existing-bucket": variants["existing-bucket"],
		"custom-prefix": {"prefix": "raw/year=!{timestamp:yyyy}/month=!{timestamp:MM}/day=!{timestamp:dd}/hour=!{timestamp:HH}/"},
	}
	for name, overrides := range cases {
		t.Run(name, func(t *testing.T) {
			s := synth(t, overrides)
			_, prefix := partitioningOf(t, s)
			key, err := firehose.RenderPrefix(prefix, at, map[string]string{config.TenantColumn: "tenant-id-3"})
			if err != nil {
				t.Fatal(err)
			}
			key += "tenant_metrics_firehose-1-2026-11-29-07-42-09-uuid.gz"

			params := s.tableInput(t)["Parameters"].(map[string]any)
			template := bucketRelative(t, params["storage.location.template"])
			location := strings.ReplaceAll(template, "${datehour}", firehose.FormatJava(params["projection.datehour.format"].(string), at))
			location = strings.ReplaceAll(location, "${tenant_id}", "tenant-id-3")
			if !strings.HasPrefix(key, location) || strings.Contains(location, "${") {
				t.Fatalf("Firehose writes %s, the projection looks in %s", key, location)
			}
			// One hour later the projection points elsewhere: the format really carries the hour.
			if later := strings.ReplaceAll(template, "${datehour}", firehose.FormatJava(params["projection.datehour.format"].(string), at.Add(time.Hour))); strings.HasPrefix(key, strings.ReplaceAll(later, "${tenant_id}", "tenant-id-3")) {
				t.Fatalf("the projection does not tell hours apart: %s", later)
			}
		})
	}
}

// bucketRelative strips s3://<bucket>/ from a location that may be a literal or an Fn::Join with the bucket's Ref.
func bucketRelative(t testing.TB, v any) string {
	t.Helper()
	if s, ok := v.(string); ok {
		_, rest, _ := strings.Cut(strings.TrimPrefix(s, "s3://"), "/")
		return rest
	}
	parts := v.(map[string]any)["Fn::Join"].([]any)[1].([]any)
	last, ok := parts[len(parts)-1].(string)
	if !ok || !strings.HasPrefix(last, "/") {
		t.Fatalf("unexpected location %s", jsonOf(v))
	}
	return last[1:]
}

func TestQueryFalseLeavesTheQuerySideOut(t *testing.T) {
	s := synth(t, map[string]string{"query": "false"})
	for _, typ := range []string{"AWS::Glue::Database", "AWS::Glue::Table", "AWS::Athena::WorkGroup", "AWS::Athena::NamedQuery"} {
		if n := len(s.resources(typ)); n != 0 {
			t.Errorf("query=false leaves %d %s", n, typ)
		}
	}
	for id := range s.resources("AWS::S3::Bucket") {
		if strings.HasPrefix(id, "QueryResultsBucket") {
			t.Error("query=false leaves the results bucket")
		}
	}
	if s.raw["Outputs"].(map[string]any)["AthenaWorkGroupName"] != nil {
		t.Error("query=false leaves the Athena outputs")
	}
}
