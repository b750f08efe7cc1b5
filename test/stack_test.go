package test

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/assertions"
	"github.com/aws/aws-cdk-go/awscdk/v2/awss3"
	"github.com/aws/jsii-runtime-go"

	"github.com/tenant-metrics-lab/tenant-metrics-lab/stacks"
)

// labDefaults is the app exactly as cdk.json configures it: the console lab's settings.
var labDefaults = map[string]string{}

func TestStreamIsTheLabsStream(t *testing.T) {
	s := synth(t, labDefaults)
	s.has(t, "AWS::Kinesis::Stream", map[string]any{
		"Name":                 "tenant-metrics-stream",
		"ShardCount":           1,
		"RetentionPeriodHours": 24,
		"StreamModeDetails":    map[string]any{"StreamMode": "PROVISIONED"},
		"StreamEncryption":     map[string]any{"EncryptionType": "KMS", "KeyId": "alias/aws/kinesis"},
	})
	_, stream := s.only(t, "AWS::Kinesis::Stream")
	if stream["DeletionPolicy"] != "Delete" {
		t.Errorf("lab mode must delete the stream on destroy, got DeletionPolicy %v", stream["DeletionPolicy"])
	}
}

func TestDataBucketIsPrivateEncryptedAndRemovable(t *testing.T) {
	s := synth(t, labDefaults)
	dataID := s.dataBucketID(t)
	data := s.resources("AWS::S3::Bucket")[dataID]
	p := props(data)
	if got := jsonOf(p["PublicAccessBlockConfiguration"]); got != `{"BlockPublicAcls":true,"BlockPublicPolicy":true,"IgnorePublicAcls":true,"RestrictPublicBuckets":true}` {
		t.Errorf("public access block = %s", got)
	}
	if got := jsonOf(p["BucketEncryption"]); !strings.Contains(got, `"SSEAlgorithm":"AES256"`) {
		t.Errorf("bucket encryption = %s, want SSE-S3", got)
	}
	// Lab mode writes no server access logs: they would arrive after destroy emptied their bucket (stacks.logsAccess).
	if p["LoggingConfiguration"] != nil {
		t.Errorf("lab-mode data bucket must not write server access logs: %s", jsonOf(p["LoggingConfiguration"]))
	}
	for id := range s.resources("AWS::S3::Bucket") {
		if strings.HasPrefix(id, "AccessLogsBucket") {
			t.Errorf("lab mode must create no access-log bucket, found %s", id)
		}
	}
	if data["DeletionPolicy"] != "Delete" {
		t.Errorf("lab mode must delete the bucket, got %v", data["DeletionPolicy"])
	}
	// Every bucket refuses plain HTTP.
	for id := range s.resources("AWS::S3::Bucket") {
		if !s.bucketDeniesInsecureTransport(id) {
			t.Errorf("bucket %s has no aws:SecureTransport deny (enforceSSL)", id)
		}
	}
	// Auto-delete empties every bucket (data, query results) so cdk destroy can remove them.
	if n := len(s.resources("Custom::S3AutoDeleteObjects")); n != 2 {
		t.Errorf("want auto-delete on the two buckets, got %d", n)
	}
}

func TestDeliveryStreamIsTheLabsFirehose(t *testing.T) {
	s := synth(t, labDefaults)
	streamID, _ := s.only(t, "AWS::Kinesis::Stream")
	logsID, _ := s.named(t, "AWS::Logs::LogGroup", "DeliveryLogs")
	s.has(t, "AWS::KinesisFirehose::DeliveryStream", map[string]any{
		"DeliveryStreamName": "tenant_metrics_firehose",
		"DeliveryStreamType": "KinesisStreamAsSource",
		"KinesisStreamSourceConfiguration": map[string]any{
			"KinesisStreamARN": map[string]any{"Fn::GetAtt": []any{streamID, "Arn"}},
		},
		"ExtendedS3DestinationConfiguration": map[string]any{
			"BucketARN":         map[string]any{"Fn::GetAtt": []any{s.dataBucketID(t), "Arn"}},
			"Prefix":            "stream/",
			"ErrorOutputPrefix": "errors/!{firehose:error-output-type}/",
			"BufferingHints":    map[string]any{"IntervalInSeconds": 60, "SizeInMBs": 1},
			"CompressionFormat": "GZIP",
			"CloudWatchLoggingOptions": map[string]any{
				"Enabled":      true,
				"LogGroupName": map[string]any{"Ref": logsID},
			},
			"RoleARN": map[string]any{"Fn::GetAtt": []any{s.roleID(t, "DeliveryRole"), "Arn"}},
		},
	})
	_, ds := s.only(t, "AWS::KinesisFirehose::DeliveryStream")
	// Firehose validates its role at creation: the policy must be in place first.
	if !strings.Contains(jsonOf(ds["DependsOn"]), "DeliveryRolePolicy") {
		t.Errorf("delivery stream must depend on its role policy, DependsOn=%v", ds["DependsOn"])
	}
}

func TestDeliveryLogGroupIsOwnedWithFiniteRetention(t *testing.T) {
	s := synth(t, labDefaults)
	s.has(t, "AWS::Logs::LogGroup", map[string]any{
		"LogGroupName":    "/aws/kinesisfirehose/tenant_metrics_firehose",
		"RetentionInDays": 14,
	})
	_, lg := s.named(t, "AWS::Logs::LogGroup", "DeliveryLogs")
	if lg["DeletionPolicy"] != "Delete" {
		t.Errorf("lab mode must delete the log group, got %v", lg["DeletionPolicy"])
	}
}

func TestIAMIsLeastPrivilege(t *testing.T) {
	for name, overrides := range variants {
		t.Run(name, func(t *testing.T) {
			s := synth(t, overrides)
			for id, pol := range s.resources("AWS::IAM::Policy") {
				for _, st := range statements(pol) {
					for _, a := range asList(st["Action"]) {
						if a == "*" || strings.HasSuffix(a.(string), ":*") {
							t.Errorf("policy %s grants %v", id, a)
						}
					}
				}
			}
		})
	}

	s := synth(t, labDefaults)
	bucketArn := map[string]any{"Fn::GetAtt": []any{s.dataBucketID(t), "Arn"}}
	want := []map[string]any{
		{"Sid": "BucketLevel", "Effect": "Allow",
			"Action": []any{"s3:GetBucketLocation", "s3:ListBucket", "s3:ListBucketMultipartUploads"}, "Resource": bucketArn},
		{"Sid": "ObjectsUnderPrefixes", "Effect": "Allow",
			"Action": []any{"s3:AbortMultipartUpload", "s3:GetObject", "s3:PutObject"},
			"Resource": []any{
				map[string]any{"Fn::Join": []any{"", []any{bucketArn, "/errors/*"}}},
				map[string]any{"Fn::Join": []any{"", []any{bucketArn, "/stream/*"}}},
			}},
	}
	got := statements(s.policyOf(t, "DeliveryRolePolicy"))
	if len(got) != 3 {
		t.Fatalf("delivery policy should have 3 statements, got %s", jsonOf(got))
	}
	for i, w := range want {
		if jsonOf(got[i]) != jsonOf(w) {
			t.Errorf("statement %d:\n got %s\nwant %s", i, jsonOf(got[i]), jsonOf(w))
		}
	}
	if jsonOf(got[2]["Action"]) != `"logs:PutLogEvents"` || !strings.Contains(jsonOf(got[2]["Resource"]), ":log-stream:") {
		t.Errorf("logging statement should allow only PutLogEvents on the delivery log stream: %s", jsonOf(got[2]))
	}

	// The source role the Firehose L2 generates may only read this one stream.
	streamID, _ := s.only(t, "AWS::Kinesis::Stream")
	for _, st := range statements(s.policyOf(t, "DeliveryStreamServiceRoleDefaultPolicy")) {
		for _, a := range asList(st["Action"]) {
			if !strings.HasPrefix(a.(string), "kinesis:") {
				t.Errorf("source role grants %v", a)
			}
		}
		if jsonOf(st["Resource"]) != jsonOf(map[string]any{"Fn::GetAtt": []any{streamID, "Arn"}}) {
			t.Errorf("source role resource = %s, want the stream only", jsonOf(st["Resource"]))
		}
	}
	// The delivery role trusts only Firehose acting for this account, with the condition key Firehose documents
	// and sends (sts:ExternalId = the account id); a key it does not send would make the role unusable.
	role := s.resources("AWS::IAM::Role")[s.roleID(t, "DeliveryRole")]
	wantTrust := []map[string]any{{
		"Action": "sts:AssumeRole", "Effect": "Allow",
		"Principal": map[string]any{"Service": "firehose.amazonaws.com"},
		"Condition": map[string]any{"StringEquals": map[string]any{"sts:ExternalId": map[string]any{"Ref": "AWS::AccountId"}}},
	}}
	if got := statementsOf(props(role)["AssumeRolePolicyDocument"]); jsonOf(got) != jsonOf(wantTrust) {
		t.Errorf("delivery role trust:\n got %s\nwant %s", jsonOf(got), jsonOf(wantTrust))
	}
	if props(role)["ManagedPolicyArns"] != nil || props(role)["Policies"] != nil {
		t.Errorf("delivery role must carry only DeliveryRolePolicy: %s", jsonOf(props(role)))
	}
}

func TestRetainKeepsDataOnDestroy(t *testing.T) {
	s := synth(t, map[string]string{"retain": "true"})
	for _, typ := range []string{"AWS::S3::Bucket", "AWS::Kinesis::Stream", "AWS::Logs::LogGroup"} {
		for id, r := range s.resources(typ) {
			if r["DeletionPolicy"] != "Retain" || r["UpdateReplacePolicy"] != "Retain" {
				t.Errorf("%s %s: DeletionPolicy=%v UpdateReplacePolicy=%v, want Retain", typ, id, r["DeletionPolicy"], r["UpdateReplacePolicy"])
			}
		}
	}
	if n := len(s.resources("Custom::S3AutoDeleteObjects")); n != 0 {
		t.Errorf("retain must not empty buckets on destroy, found %d auto-delete resources", n)
	}
	// Retained buckets log their access to a retained log bucket (nothing empties it, so no late log can fail a
	// destroy), under one prefix each.
	logsID, _ := s.named(t, "AWS::S3::Bucket", "AccessLogsBucket")
	for _, src := range []struct{ id, prefix string }{{"DataBucket", "data-bucket/"}, {"QueryResultsBucket", "query-results/"}} {
		_, b := s.named(t, "AWS::S3::Bucket", src.id)
		want := `{"DestinationBucketName":{"Ref":"` + logsID + `"},"LogFilePrefix":"` + src.prefix + `"}`
		if got := jsonOf(props(b)["LoggingConfiguration"]); got != want {
			t.Errorf("%s logging = %s, want %s", src.id, got, want)
		}
	}
	// A retained bucket keeps its policy: the TLS-only deny and the log-delivery grant.
	policies := s.resources("AWS::S3::BucketPolicy")
	if len(policies) != 3 {
		t.Fatalf("want a policy on each of the three buckets, got %d", len(policies))
	}
	for id, r := range policies {
		if r["DeletionPolicy"] != "Retain" || r["UpdateReplacePolicy"] != "Retain" {
			t.Errorf("bucket policy %s: DeletionPolicy=%v UpdateReplacePolicy=%v, want Retain", id, r["DeletionPolicy"], r["UpdateReplacePolicy"])
		}
	}
}

func TestExistingBucketIsNeverTouched(t *testing.T) {
	// Without the query side the stack creates no bucket at all; with it, only its own results bucket (and with
	// retain=true its access-log bucket). Nothing of the stack's names, policies or empties the imported bucket.
	bare := synth(t, map[string]string{"bucketName": "my-existing-lab-bucket", "query": "false"})
	for _, typ := range []string{"AWS::S3::Bucket", "AWS::S3::BucketPolicy", "Custom::S3AutoDeleteObjects"} {
		if n := len(bare.resources(typ)); n != 0 {
			t.Errorf("importing a bucket (query=false) must create no %s, found %d", typ, n)
		}
	}
	s := synth(t, map[string]string{"bucketName": "my-existing-lab-bucket"})
	for id := range s.resources("AWS::S3::Bucket") {
		if !strings.HasPrefix(id, "AccessLogsBucket") && !strings.HasPrefix(id, "QueryResultsBucket") {
			t.Errorf("importing a bucket must create no data bucket, found %s", id)
		}
	}
	for _, typ := range []string{"AWS::S3::BucketPolicy", "Custom::S3AutoDeleteObjects"} {
		for id, r := range s.resources(typ) {
			if strings.Contains(jsonOf(props(r)), "my-existing-lab-bucket") {
				t.Errorf("%s %s touches the imported bucket", typ, id)
			}
		}
	}
	pol := jsonOf(statements(s.policyOf(t, "DeliveryRolePolicy")))
	for _, want := range []string{`":s3:::my-existing-lab-bucket/stream/*"`, `":s3:::my-existing-lab-bucket/errors/*"`, `":s3:::my-existing-lab-bucket"`} {
		if !strings.Contains(pol, want) {
			t.Errorf("delivery policy lacks %s: %s", want, pol)
		}
	}
	if strings.Contains(pol, "my-existing-lab-bucket/*") || strings.Contains(pol, "Delete") {
		t.Errorf("delivery policy reaches beyond its prefixes: %s", pol)
	}
	s.has(t, "AWS::KinesisFirehose::DeliveryStream", map[string]any{
		"ExtendedS3DestinationConfiguration": map[string]any{
			"BucketARN": map[string]any{"Fn::Join": []any{"", []any{"arn:", map[string]any{"Ref": "AWS::Partition"}, ":s3:::my-existing-lab-bucket"}}},
		},
	})
}

func TestNamePrefixSeparatesDeployments(t *testing.T) {
	s := synth(t, map[string]string{"namePrefix": "alice"})
	if got := *s.pipeline.Stack.StackName(); got != "alice-TenantMetricsLab" {
		t.Errorf("stack name = %q", got)
	}
	s.has(t, "AWS::Kinesis::Stream", map[string]any{"Name": "alice-tenant-metrics-stream"})
	s.has(t, "AWS::KinesisFirehose::DeliveryStream", map[string]any{"DeliveryStreamName": "alice-tenant_metrics_firehose"})
	s.has(t, "AWS::Logs::LogGroup", map[string]any{"LogGroupName": "/aws/kinesisfirehose/alice-tenant_metrics_firehose"})
}

func TestOverridesReachTheTemplate(t *testing.T) {
	s := synth(t, map[string]string{
		"shardCount": "2", "retentionHours": "48", "bufferSizeMiB": "5", "bufferIntervalSeconds": "300",
		"compression": "Snappy", "logRetentionDays": "30", "prefix": "raw/", "errorPrefix": "failed/",
		"streamName": "metrics", "deliveryStreamName": "metrics_to_s3", "query": "false",
	})
	s.has(t, "AWS::Kinesis::Stream", map[string]any{"Name": "metrics", "ShardCount": 2, "RetentionPeriodHours": 48})
	s.has(t, "AWS::KinesisFirehose::DeliveryStream", map[string]any{
		"DeliveryStreamName": "metrics_to_s3",
		"ExtendedS3DestinationConfiguration": map[string]any{
			"Prefix": "raw/", "ErrorOutputPrefix": "failed/", "CompressionFormat": "Snappy",
			"BufferingHints": map[string]any{"IntervalInSeconds": 300, "SizeInMBs": 5},
		},
	})
	s.has(t, "AWS::Logs::LogGroup", map[string]any{"RetentionInDays": 30})
	if pol := jsonOf(statements(s.policyOf(t, "DeliveryRolePolicy"))); !strings.Contains(pol, "/raw/*") || !strings.Contains(pol, "/failed/*") {
		t.Errorf("delivery policy must follow the prefixes: %s", pol)
	}
}

func TestOutputsTellTheUserWhatToDoNext(t *testing.T) {
	s := synth(t, labDefaults)
	outputs := s.raw["Outputs"].(map[string]any)
	for _, name := range []string{"StreamName", "StreamArn", "DeliveryStreamName", "BucketName", "DeliveredObjectsConsoleUrl", "ProducerCommand"} {
		if outputs[name] == nil {
			t.Errorf("missing output %s", name)
		}
	}
	streamID, _ := s.only(t, "AWS::Kinesis::Stream")
	noPanic(t, func() {
		s.template.HasOutput(jsii.String("ProducerCommand"), map[string]any{
			"Value": map[string]any{"Fn::Join": []any{"", []any{
				"go run ./producer send --region ", map[string]any{"Ref": "AWS::Region"}, " ", map[string]any{"Ref": streamID},
			}}},
		})
	})
	if url := jsonOf(outputs["DeliveredObjectsConsoleUrl"]); !strings.Contains(url, "console.aws.amazon.com/s3/buckets/") || !strings.Contains(url, "prefix=stream/") {
		t.Errorf("console URL output = %s", url)
	}
	if got := jsonOf(outputs["DataPrefix"]); !strings.Contains(got, `"Value":"stream/"`) {
		t.Errorf("DataPrefix output = %s", got)
	}

	// With expressions in the prefix, verify and the console start at its literal part.
	other := synth(t, map[string]string{"prefix": "other/!{timestamp:yyyy}/"})
	outs := other.raw["Outputs"].(map[string]any)
	if got := jsonOf(outs["DataPrefix"]); !strings.Contains(got, `"Value":"other/"`) {
		t.Errorf("DataPrefix output with an expression prefix = %s", got)
	}
	if url := jsonOf(outs["DeliveredObjectsConsoleUrl"]); !strings.Contains(url, "prefix=other/\"") {
		t.Errorf("console URL output with an expression prefix = %s", url)
	}
}

// TestStackTagsReachEveryResource pins the stack-level tags (StackProps.Tags; cdk.json's explicitStackTags makes
// them the stack's CloudFormation tags), which CloudFormation propagates to the resources that support tags.
// https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-properties-resource-tags.html
func TestStackTagsReachEveryResource(t *testing.T) {
	for overrides, want := range map[*map[string]string]map[string]string{
		&labDefaults:            {"project": "tenant-metrics-lab"},
		{"namePrefix": "alice"}: {"project": "tenant-metrics-lab", "namePrefix": "alice"},
	} {
		s := synth(t, *overrides)
		got := manifestTags(t, s)
		if jsonOf(got) != jsonOf(want) {
			t.Errorf("%v: stack tags %v, want %v", *overrides, got, want)
		}
	}
}

// manifestTags reads the stack's tags from the cloud assembly, where the CLI takes them for the deployment.
func manifestTags(t *testing.T, s *synthesized) map[string]string {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(s.outdir, "manifest.json"))
	if err != nil {
		t.Fatal(err)
	}
	var m struct {
		Artifacts map[string]struct {
			Type       string `json:"type"`
			Properties struct {
				Tags map[string]string `json:"tags"`
			} `json:"properties"`
		} `json:"artifacts"`
	}
	if err := json.Unmarshal(data, &m); err != nil {
		t.Fatal(err)
	}
	a, ok := m.Artifacts[*s.pipeline.Stack.ArtifactId()]
	if !ok {
		t.Fatalf("no artifact %s in the manifest", *s.pipeline.Stack.ArtifactId())
	}
	return a.Properties.Tags
}

// TestNagHasNoUnsuppressedFindings runs cdk-nag's AwsSolutions pack (applied by stacks.Build) on every variant.
func TestNagHasNoUnsuppressedFindings(t *testing.T) {
	for name, overrides := range variants {
		t.Run(name, func(t *testing.T) {
			s := synth(t, overrides)
			noPanic(t, func() {
				a := assertions.Annotations_FromStack(s.pipeline.Stack)
				nag := assertions.Match_StringLikeRegexp(jsii.String("AwsSolutions-.*"))
				for _, m := range append(*a.FindError(jsii.String("*"), nag), *a.FindWarning(jsii.String("*"), nag)...) {
					//lint:ignore SA1019 assertions.Annotations returns cxapi.SynthesisMessage; the Go binding has no successor type yet
					t.Errorf("%s: %v", *m.Id, m.Entry.Data)
				}
			})
		})
	}
}

// TestNagIsApplied proves the nag test above can fail: without the suppressions' reason the pack reports KDF1.
func TestNagIsApplied(t *testing.T) {
	s := synth(t, labDefaults)
	md := jsonOf(s.resources("AWS::KinesisFirehose::DeliveryStream"))
	if !strings.Contains(md, `"AwsSolutions-KDF1"`) {
		t.Fatalf("expected a KDF1 suppression on the delivery stream, metadata: %s", md)
	}
	dir := t.TempDir()
	app := newApp(t, nil, dir)
	if _, err := stacks.Build(app); err != nil {
		t.Fatal(err)
	}
	// A bare bucket with no encryption settings, logs or SSL policy must be reported and must fail the synth.
	stack := awscdk.NewStack(app, jsii.String("Probe"), nil)
	awss3.NewCfnBucket(stack, jsii.String("Bare"), nil)
	func() {
		defer func() {
			if r := recover(); r == nil {
				t.Error("synth with an unsuppressed AwsSolutions error succeeded")
			}
		}()
		app.Synth(nil)
	}()
	report, err := os.ReadFile(filepath.Join(dir, "validation-report.json"))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(report), "AwsSolutions-S1") || !strings.Contains(string(report), "Probe/Bare") {
		t.Fatalf("validation report does not flag the bare bucket:\n%.2000s", report)
	}
}

func TestInvalidContextFailsBeforeAnyConstruct(t *testing.T) {
	noPanic(t, func() {
		app := newApp(t, map[string]string{"shardCount": "zero", "prefix": "stream"}, t.TempDir())
		_, err := stacks.Build(app)
		if err == nil {
			t.Fatal("invalid context accepted")
		}
		for _, want := range []string{`shardCount="zero"`, "whole number", `prefix="stream"`, "must end with '/'"} {
			if !strings.Contains(err.Error(), want) {
				t.Errorf("error %q lacks %q", err, want)
			}
		}
		if n := len(*app.Node().Children()); n != 0 {
			t.Errorf("%d constructs were created before validation failed", n)
		}
	})
}

// variants are the configurations every cross-cutting test (nag, IAM, golden files) checks.
var variants = map[string]map[string]string{
	"lab":             labDefaults,
	"retain":          {"retain": "true"},
	"existing-bucket": {"bucketName": "my-existing-lab-bucket", "namePrefix": "alice"},
	"no-producer":     {"producer": "false"},
	"alarm-email":     {"alarmEmail": "ops@example.com"},
	// Dynamic partitioning into per-tenant folders: the one key switches it (the buffer follows, 64 MiB).
	"tenant-partitioning": {"partitioning": "tenant"},
	// Firehose converts records to Parquet with the Glue table's schema: the one key switches it (uncompressed S3
	// objects and a 64 MiB buffer follow).
	"parquet": {"format": "parquet"},
	// Both: dynamic partitioning reads the JSON records, then Firehose converts each partition's batch.
	"parquet-tenant": {"format": "parquet", "partitioning": "tenant"},
	// An on-demand stream: no ShardCount, Kinesis manages the shards.
	"on-demand": {"streamMode": "on-demand"},
	// An existing stream, referenced: no AWS::Kinesis::Stream, so the stack never changes or deletes it.
	"existing-stream": {"streamArn": "arn:aws:kinesis:us-east-1:111122223333:stream/team-telemetry"},
	// The transformer Lambda function drops metadata.user and fails events off the schema (processing-failed).
	"transform": {"transform": "redact"},
	// With source record backup: the untransformed records under backup/ of the data bucket.
	"transform-backup": {"transform": "redact", "backup": "true"},
	// Delivered objects move to Standard-IA after 30 days (S3's minimum) and expire after 60; errors, backup too.
	"lifecycle": {"dataRetentionDays": "60", "archiveAfterDays": "30"},
	// One customer-managed key (rotation on) for the stream, the delivered objects (bucket keys) and the results.
	"kms": {"encryption": "kms"},
	// An existing key by ARN: the stack creates none and grants its roles on it.
	"kms-existing-key": {"encryption": "kms", "kmsKeyArn": "arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab"},
}

// dataBucketID returns the logical id of the data bucket.
func (s *synthesized) dataBucketID(t testing.TB) string {
	t.Helper()
	for id := range s.resources("AWS::S3::Bucket") {
		if strings.HasPrefix(id, "DataBucket") {
			return id
		}
	}
	t.Fatal("no data bucket")
	return ""
}

// named returns the one resource of typ whose logical id starts with prefix.
func (s *synthesized) named(t testing.TB, typ, prefix string) (string, map[string]any) {
	t.Helper()
	var id string
	var res map[string]any
	for k, r := range s.resources(typ) {
		if strings.HasPrefix(k, prefix) {
			if id != "" {
				t.Fatalf("two %s resources named %s*: %s, %s", typ, prefix, id, k)
			}
			id, res = k, r
		}
	}
	if id == "" {
		t.Fatalf("no %s named %s*", typ, prefix)
	}
	return id, res
}

func (s *synthesized) roleID(t testing.TB, prefix string) string {
	t.Helper()
	id, _ := s.named(t, "AWS::IAM::Role", prefix)
	return id
}

func (s *synthesized) policyOf(t testing.TB, prefix string) map[string]any {
	t.Helper()
	_, p := s.named(t, "AWS::IAM::Policy", prefix)
	return p
}

func (s *synthesized) bucketDeniesInsecureTransport(bucketID string) bool {
	for _, pol := range s.resources("AWS::S3::BucketPolicy") {
		if jsonOf(props(pol)["Bucket"]) != jsonOf(map[string]any{"Ref": bucketID}) {
			continue
		}
		for _, st := range statementsOf(props(pol)["PolicyDocument"]) {
			if st["Effect"] == "Deny" && strings.Contains(jsonOf(st["Condition"]), `"aws:SecureTransport":"false"`) {
				return true
			}
		}
	}
	return false
}

func statements(policy map[string]any) []map[string]any {
	return statementsOf(props(policy)["PolicyDocument"])
}

func statementsOf(doc any) []map[string]any {
	var out []map[string]any
	d, _ := doc.(map[string]any)
	for _, st := range asList(d["Statement"]) {
		out = append(out, st.(map[string]any))
	}
	return out
}

// asList normalizes IAM's "one value or a list" fields.
func asList(v any) []any {
	if l, ok := v.([]any); ok {
		return l
	}
	if v == nil {
		return nil
	}
	return []any{v}
}
