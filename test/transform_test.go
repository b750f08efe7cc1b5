package test

import (
	"slices"
	"strings"
	"testing"
)

// destinationOf returns the delivery stream's ExtendedS3DestinationConfiguration.
func (s *synthesized) destinationOf(t testing.TB) map[string]any {
	t.Helper()
	_, ds := s.only(t, "AWS::KinesisFirehose::DeliveryStream")
	return props(ds)["ExtendedS3DestinationConfiguration"].(map[string]any)
}

// processorTypes lists the destination's processors' types in order, and their parameters by name.
func processorTypes(dest map[string]any) ([]string, []map[string]any) {
	pc, _ := dest["ProcessingConfiguration"].(map[string]any)
	var types []string
	var params []map[string]any
	for _, p := range pc["Processors"].([]any) {
		pm := p.(map[string]any)
		types = append(types, pm["Type"].(string))
		byName := map[string]any{}
		for _, param := range pm["Parameters"].([]any) {
			pp := param.(map[string]any)
			byName[pp["ParameterName"].(string)] = pp["ParameterValue"]
		}
		params = append(params, byName)
	}
	return types, params
}

// TestTransformationIsSwitchedExplicitly: transform=redact writes an enabled Lambda processor with the function's
// ARN, the delivery role and explicit hints; every other configuration writes processing off (Enabled false, no
// processor), or under partitioning=tenant the JQ processor alone; with both, the Lambda processor runs first and
// the JQ processor stays.
func TestTransformationIsSwitchedExplicitly(t *testing.T) {
	for _, tc := range []struct {
		name      string
		overrides map[string]string
		want      []string // processor types; nil: processing off
	}{
		{"lab", labDefaults, nil},
		{"parquet", variants["parquet"], nil},
		{"tenant", variants["tenant-partitioning"], []string{"MetadataExtraction"}},
		{"transform", variants["transform"], []string{"Lambda"}},
		{"transform tenant parquet", map[string]string{"transform": "redact", "partitioning": "tenant", "format": "parquet", "backup": "true"}, []string{"Lambda", "MetadataExtraction"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := synth(t, tc.overrides)
			dest := s.destinationOf(t)
			pc, _ := dest["ProcessingConfiguration"].(map[string]any)
			if tc.want == nil {
				if jsonOf(pc) != `{"Enabled":false}` {
					t.Fatalf("processing %s, want {\"Enabled\":false} written explicitly", jsonOf(pc))
				}
				if len(s.functionsNamed("Transformer")) != 0 {
					t.Fatal("a transformer function without transformation")
				}
				return
			}
			types, params := processorTypes(dest)
			if pc["Enabled"] != true || !slices.Equal(types, tc.want) {
				t.Fatalf("processing %s, want processors %v", jsonOf(pc), tc.want)
			}
			if tc.want[0] != "Lambda" {
				return
			}
			fnID, _ := s.named(t, "AWS::Lambda::Function", "Transformer")
			lp := params[0]
			if jsonOf(lp["LambdaArn"]) != `{"Fn::GetAtt":["`+fnID+`","Arn"]}` || !strings.Contains(jsonOf(lp["RoleArn"]), "DeliveryRole") ||
				lp["BufferSizeInMBs"] != "1" || lp["BufferIntervalInSeconds"] != "60" || lp["NumberOfRetries"] != "3" {
				t.Errorf("Lambda processor parameters %s", jsonOf(lp))
			}
		})
	}
}

// functionsNamed returns the Lambda functions whose logical id starts with prefix.
func (s *synthesized) functionsNamed(prefix string) []string {
	var ids []string
	for id := range s.resources("AWS::Lambda::Function") {
		if strings.HasPrefix(id, prefix) {
			ids = append(ids, id)
		}
	}
	return ids
}

// TestTransformerIsBundledLikeTheProducer: the transformer is the Go transformer command on provided.al2023, arm64,
// with a log group of its own at the stack's retention, a role that may write only there, and no resource policy
// (Firehose invokes it with the delivery role's identity policy).
func TestTransformerIsBundledLikeTheProducer(t *testing.T) {
	s := synth(t, map[string]string{"transform": "redact", "logRetentionDays": "30"})
	_, fn := s.named(t, "AWS::Lambda::Function", "Transformer")
	p := props(fn)
	if p["Runtime"] != "provided.al2023" || jsonOf(p["Architectures"]) != `["arm64"]` || p["Handler"] != "bootstrap" || p["Timeout"] != 60.0 {
		t.Errorf("transformer function %s", jsonOf(p))
	}
	logsID, logs := s.named(t, "AWS::Logs::LogGroup", "TransformerLogs")
	if props(logs)["RetentionInDays"] != 30.0 || !strings.Contains(jsonOf(p["LoggingConfig"]), logsID) {
		t.Errorf("log group %s, logging %s", jsonOf(logs), jsonOf(p["LoggingConfig"]))
	}
	var allowed []string
	for _, st := range statementsOf(props(s.policyOf(t, "TransformerRolePolicy"))["PolicyDocument"]) {
		if st["Effect"] == "Allow" {
			allowed = append(allowed, jsonOf(st["Action"])+" on "+jsonOf(st["Resource"]))
		}
	}
	if len(allowed) != 1 || !strings.Contains(allowed[0], "logs:PutLogEvents") || !strings.Contains(allowed[0], logsID) {
		t.Errorf("transformer role allows %v, want only its own logs", allowed)
	}
	if n := len(s.resources("AWS::Lambda::Permission")); n != 1 { // the producer's schedule only
		t.Errorf("%d Lambda permissions, want the producer schedule's alone", n)
	}
}

// TestDeliveryRoleInvokesOnlyTheTransformer: the delivery role may invoke the transformer and read its
// configuration, on that function's ARN alone (no :* qualifier, no other function), and with backup=true write
// under backup/ as well as the data and error prefixes.
func TestDeliveryRoleInvokesOnlyTheTransformer(t *testing.T) {
	s := synth(t, variants["transform-backup"])
	fnID, _ := s.named(t, "AWS::Lambda::Function", "Transformer")
	var lambda, objects map[string]any
	for _, st := range statementsOf(props(s.policyOf(t, "DeliveryRolePolicy"))["PolicyDocument"]) {
		switch st["Sid"] {
		case "InvokeTheTransformer":
			lambda = st
		case "ObjectsUnderPrefixes":
			objects = st
		}
		if strings.Contains(jsonOf(st["Action"]), "lambda:") && st["Sid"] != "InvokeTheTransformer" {
			t.Errorf("another statement grants Lambda: %s", jsonOf(st))
		}
	}
	if jsonOf(lambda["Action"]) != `["lambda:GetFunctionConfiguration","lambda:InvokeFunction"]` ||
		jsonOf(lambda["Resource"]) != `{"Fn::GetAtt":["`+fnID+`","Arn"]}` {
		t.Errorf("invoke grant %s", jsonOf(lambda))
	}
	for _, prefix := range []string{"/backup/*", "/stream/*", "/errors/*"} {
		if !strings.Contains(jsonOf(objects["Resource"]), prefix) {
			t.Errorf("object grant %s lacks %s", jsonOf(objects["Resource"]), prefix)
		}
	}
	if lab := synth(t, labDefaults); strings.Contains(jsonOf(props(lab.policyOf(t, "DeliveryRolePolicy"))), "lambda:") ||
		strings.Contains(jsonOf(props(lab.policyOf(t, "DeliveryRolePolicy"))), "/backup/*") {
		t.Error("the default delivery role may invoke a function or write backups")
	}
}

// TestBackupIsSwitchedExplicitly: backup=true writes S3BackupMode Enabled with the untransformed records under
// backup/ of the data bucket (GZIP, 5 MiB / 300 s, errors to the delivery log group); every other configuration
// writes S3BackupMode Disabled.
func TestBackupIsSwitchedExplicitly(t *testing.T) {
	for _, v := range []string{"lab", "transform", "parquet", "tenant-partitioning"} {
		if dest := synth(t, variants[v]).destinationOf(t); dest["S3BackupMode"] != "Disabled" || dest["S3BackupConfiguration"] != nil {
			t.Errorf("%s: S3BackupMode %v, configuration %v", v, dest["S3BackupMode"], dest["S3BackupConfiguration"])
		}
	}
	s := synth(t, variants["transform-backup"])
	dest := s.destinationOf(t)
	b, _ := dest["S3BackupConfiguration"].(map[string]any)
	if dest["S3BackupMode"] != "Enabled" || b["Prefix"] != "backup/" || b["CompressionFormat"] != "GZIP" ||
		jsonOf(b["BucketARN"]) != jsonOf(dest["BucketARN"]) || jsonOf(b["BufferingHints"]) != `{"IntervalInSeconds":300,"SizeInMBs":5}` ||
		jsonOf(b["CloudWatchLoggingOptions"].(map[string]any)["LogGroupName"]) != jsonOf(dest["CloudWatchLoggingOptions"].(map[string]any)["LogGroupName"]) {
		t.Errorf("backup %s", jsonOf(b))
	}
}

// TestTransformationHasItsAlarms: Firehose's invocation success and the function's errors have alarms with
// transformation, none without; records the function fails are RecordsDiverted's (the error prefix).
func TestTransformationHasItsAlarms(t *testing.T) {
	got := synth(t, variants["transform"]).alarms()
	if got["TransformInvocationsFailed"]["MetricName"] != "ExecuteProcessing.Success" || got["TransformInvocationsFailed"]["ComparisonOperator"] != "LessThanThreshold" ||
		got["TransformerErrors"]["MetricName"] != "Errors" || got["RecordsDiverted"] == nil {
		t.Errorf("alarms %s", jsonOf(got))
	}
	lab := synth(t, labDefaults).alarms()
	if lab["TransformInvocationsFailed"] != nil || lab["TransformerErrors"] != nil {
		t.Error("transformation alarms without transformation")
	}
}
