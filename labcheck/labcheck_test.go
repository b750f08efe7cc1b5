package main

import (
	"bytes"
	"encoding/json"
	"encoding/xml"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/tenant-metrics-lab/tenant-metrics-lab/internal/testing/awsenv"
	"github.com/tenant-metrics-lab/tenant-metrics-lab/internal/testing/awsfake"
	"github.com/tenant-metrics-lab/tenant-metrics-lab/internal/testing/kinesisemu"
	"github.com/tenant-metrics-lab/tenant-metrics-lab/internal/testing/s3fake"
)

func TestMain(m *testing.M) { os.Exit(kinesisemu.RunTests(m)) }

// cdkJSON is the repository's cdk.json: labcheck reads the configuration the app reads.
var cdkJSON = filepath.Join("..", "cdk.json")

// account is a stand-in AWS account: the Kinesis emulator for streams, an in-process S3, and awsfake for every
// other API, with nothing in it until a test adds it.
type fakeAccount struct {
	emu   *kinesisemu.Emulator
	s3    *s3fake.Server
	aws   *awsfake.Server
	state struct {
		stacks          map[string]string // name -> status
		deliveryStreams map[string]bool
		logGroups       []string
		alarms          []string
		dashboards      []string
		quota           int
		unreserved      int
		tagged          []map[string]any // GetResources mappings
		keyStates       map[string]string
		workGroups      map[string]bool
		glueDatabases   map[string]bool
		template        string            // the deployed template GetTemplate returns
		resources       map[string]string // ListStackResources: logical id -> physical id
	}
}

// newFakeAccount starts the stand-ins and points the SDK at them with static credentials, never beyond loopback.
func newFakeAccount(t *testing.T) *fakeAccount {
	f := &fakeAccount{emu: kinesisemu.Require(t), s3: s3fake.Start(t), aws: awsfake.Start(t)}
	awsenv.Hermetic(t, kinesisemu.Region)
	for k, v := range map[string]string{
		"AWS_ENDPOINT_URL": f.aws.URL, "AWS_ENDPOINT_URL_KINESIS": f.emu.Endpoint, "AWS_ENDPOINT_URL_S3": f.s3.URL,
		"CDK_ARGS": "", "USER": "root",
	} {
		t.Setenv(k, v)
	}
	st := &f.state
	st.stacks = map[string]string{}
	st.deliveryStreams = map[string]bool{}
	st.keyStates = map[string]string{}
	st.workGroups = map[string]bool{}
	st.glueDatabases = map[string]bool{}
	st.quota, st.unreserved = 1000, 1000
	golden, err := os.ReadFile(filepath.Join("..", "test", "testdata", "lab.template.json"))
	if err != nil {
		t.Fatal(err)
	}
	st.template = string(golden)
	st.resources = map[string]string{"Stream790BDEE4": "tenant-metrics-stream"}

	f.aws.Handle("DescribeStacks", func(r awsfake.Request) awsfake.Response {
		name := r.Input["StackName"].(string)
		status, ok := st.stacks[name]
		if !ok {
			return awsfake.Response{Error: "ValidationError", Body: "Stack with id " + name + " does not exist"}
		}
		return awsfake.Response{Body: `<DescribeStacksResponse xmlns="http://cloudformation.amazonaws.com/doc/2010-05-15/"><DescribeStacksResult><Stacks><member>
<StackName>` + name + `</StackName><StackStatus>` + status + `</StackStatus><CreationTime>2026-11-25T10:00:00Z</CreationTime>
</member></Stacks></DescribeStacksResult><ResponseMetadata><RequestId>1</RequestId></ResponseMetadata></DescribeStacksResponse>`}
	})
	f.aws.Handle("ListStackResources", func(r awsfake.Request) awsfake.Response {
		var members strings.Builder
		for logical, physical := range st.resources {
			fmt.Fprintf(&members, "<member><LogicalResourceId>%s</LogicalResourceId><PhysicalResourceId>%s</PhysicalResourceId><ResourceType>AWS::CloudFormation::WaitConditionHandle</ResourceType><ResourceStatus>CREATE_COMPLETE</ResourceStatus><LastUpdatedTimestamp>2026-11-25T10:00:00Z</LastUpdatedTimestamp></member>", logical, physical)
		}
		return awsfake.Response{Body: `<ListStackResourcesResponse xmlns="http://cloudformation.amazonaws.com/doc/2010-05-15/"><ListStackResourcesResult><StackResourceSummaries>` +
			members.String() + `</StackResourceSummaries></ListStackResourcesResult><ResponseMetadata><RequestId>1</RequestId></ResponseMetadata></ListStackResourcesResponse>`}
	})
	f.aws.Handle("GetTemplate", func(r awsfake.Request) awsfake.Response {
		var body strings.Builder
		_ = xml.EscapeText(&body, []byte(st.template))
		return awsfake.Response{Body: `<GetTemplateResponse xmlns="http://cloudformation.amazonaws.com/doc/2010-05-15/"><GetTemplateResult><TemplateBody>` +
			body.String() + `</TemplateBody><StagesAvailable><member>Original</member></StagesAvailable></GetTemplateResult><ResponseMetadata><RequestId>1</RequestId></ResponseMetadata></GetTemplateResponse>`}
	})
	f.aws.Handle("DescribeDeliveryStream", func(r awsfake.Request) awsfake.Response {
		name := r.Input["DeliveryStreamName"].(string)
		if !st.deliveryStreams[name] {
			return awsfake.Response{Error: "ResourceNotFoundException"}
		}
		return awsfake.Response{Body: map[string]any{"DeliveryStreamDescription": map[string]any{
			"DeliveryStreamName": name, "DeliveryStreamARN": "arn:aws:firehose:us-east-1:000000000000:deliverystream/" + name,
			"DeliveryStreamStatus": "ACTIVE", "DeliveryStreamType": "KinesisStreamAsSource", "VersionId": "1",
			"Destinations": []any{}, "HasMoreDestinations": false,
		}}}
	})
	f.aws.Handle("DescribeLogGroups", func(r awsfake.Request) awsfake.Response {
		var groups []any
		for _, g := range st.logGroups {
			if strings.HasPrefix(g, r.Input["logGroupNamePrefix"].(string)) {
				groups = append(groups, map[string]any{"logGroupName": g})
			}
		}
		return awsfake.Response{Body: map[string]any{"logGroups": groups}}
	})
	f.aws.Handle("DescribeAlarms", func(r awsfake.Request) awsfake.Response {
		var alarms []any
		for _, a := range st.alarms {
			if strings.HasPrefix(a, r.Input["AlarmNamePrefix"].(string)) {
				alarms = append(alarms, map[string]any{"AlarmName": a})
			}
		}
		return awsfake.Response{Body: map[string]any{"MetricAlarms": alarms}}
	})
	f.aws.Handle("ListDashboards", func(r awsfake.Request) awsfake.Response {
		var entries []any
		for _, d := range st.dashboards {
			if strings.HasPrefix(d, r.Input["DashboardNamePrefix"].(string)) {
				entries = append(entries, map[string]any{"DashboardName": d})
			}
		}
		return awsfake.Response{Body: map[string]any{"DashboardEntries": entries}}
	})
	f.aws.Handle("GetAccountSettings", func(awsfake.Request) awsfake.Response {
		return awsfake.Response{Body: map[string]any{"AccountLimit": map[string]any{
			"ConcurrentExecutions": st.quota, "UnreservedConcurrentExecutions": st.unreserved,
		}}}
	})
	f.aws.Handle("GetResources", func(r awsfake.Request) awsfake.Response {
		filters := fmt.Sprint(r.Input["TagFilters"])
		if !strings.Contains(filters, "project") || !strings.Contains(filters, "tenant-metrics-lab") {
			t.Errorf("GetResources without the project tag filter: %s", filters)
		}
		list := make([]any, len(st.tagged))
		for i, m := range st.tagged {
			list[i] = m
		}
		return awsfake.Response{Body: map[string]any{"ResourceTagMappingList": list}}
	})
	// Athena answers a missing workgroup with InvalidRequestException, Glue a missing database with
	// EntityNotFoundException.
	f.aws.Handle("GetWorkGroup", func(r awsfake.Request) awsfake.Response {
		name := r.Input["WorkGroup"].(string)
		if !st.workGroups[name] {
			return awsfake.Response{Error: "InvalidRequestException", Body: "WorkGroup " + name + " is not found."}
		}
		return awsfake.Response{Body: map[string]any{"WorkGroup": map[string]any{"Name": name, "State": "ENABLED"}}}
	})
	f.aws.Handle("GetDatabase", func(r awsfake.Request) awsfake.Response {
		name := r.Input["Name"].(string)
		if !st.glueDatabases[name] {
			return awsfake.Response{Error: "EntityNotFoundException"}
		}
		return awsfake.Response{Body: map[string]any{"Database": map[string]any{"Name": name}}}
	})
	f.aws.Handle("DescribeKey", func(r awsfake.Request) awsfake.Response {
		id := r.Input["KeyId"].(string)
		state, ok := st.keyStates[id]
		if !ok {
			return awsfake.Response{Error: "NotFoundException"}
		}
		return awsfake.Response{Body: map[string]any{"KeyMetadata": map[string]any{"KeyId": id, "Arn": id, "KeyState": state}}}
	})
	return f
}

func runLabcheck(t *testing.T, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var out, errOut bytes.Buffer
	code = run(t.Context(), append(args, "--cdk-json", cdkJSON), &out, &errOut)
	return code, out.String(), errOut.String()
}

// TestPreflightFindsTheConsoleLabsLeftovers is the commonest first deploy: the console lab's stream, Firehose
// stream and error-log group still exist, and the region was never bootstrapped.
func TestPreflightFindsTheConsoleLabsLeftovers(t *testing.T) {
	f := newFakeAccount(t)
	t.Setenv("USER", "Alice")
	f.emu.NewNamedStream(t, "tenant-metrics-stream", 1)
	f.state.deliveryStreams["tenant_metrics_firehose"] = true
	f.state.logGroups = []string{"/aws/kinesisfirehose/tenant_metrics_firehose", "/aws/kinesisfirehose/tenant_metrics_firehose-old"}
	f.state.glueDatabases["tenant_metrics_lab"] = true // made by hand for the console lab

	code, stdout, stderr := runLabcheck(t, "preflight")
	if code != 1 {
		t.Fatalf("exit %d, want 1\n%s%s", code, stdout, stderr)
	}
	for _, want := range []string{
		"BLOCKER  region us-east-1 is not bootstrapped for the CDK (no CDKToolkit stack): run `npx cdk bootstrap`",
		"BLOCKER  Kinesis stream tenant-metrics-stream already exists",
		"BLOCKER  Firehose stream tenant_metrics_firehose already exists",
		"BLOCKER  log group /aws/kinesisfirehose/tenant_metrics_firehose already exists",
		"BLOCKER  Glue database tenant_metrics_lab already exists",
		`make deploy CDK_ARGS="-c namePrefix=alice"`,
		"preflight: 5 blocker(s)",
	} {
		if !strings.Contains(stdout, want) {
			t.Errorf("preflight output lacks %q:\n%s", want, stdout)
		}
	}
	if strings.Contains(stdout, "tenant_metrics_firehose-old") {
		t.Errorf("a log group that merely shares the prefix is no conflict:\n%s", stdout)
	}

	// The names the stack already owns are no conflict on an update.
	f.state.stacks["CDKToolkit"] = "UPDATE_COMPLETE"
	f.state.stacks["TenantMetricsLab"] = "CREATE_COMPLETE"
	code, stdout, _ = runLabcheck(t, "preflight")
	if code != 1 || strings.Contains(stdout, "Kinesis stream tenant-metrics-stream") || !strings.Contains(stdout, "stack TenantMetricsLab exists (CREATE_COMPLETE)") {
		t.Errorf("update: exit %d\n%s", code, stdout)
	}
	// With the suggested prefix nothing blocks.
	code, stdout, _ = runLabcheck(t, "preflight", "--cdk-args", "-c namePrefix=alice")
	if code != 0 || !strings.Contains(stdout, "preflight: nothing blocks cdk deploy of alice-TenantMetricsLab") {
		t.Errorf("-c namePrefix=alice: exit %d\n%s", code, stdout)
	}
}

func TestPreflightChecksStackStateBucketAndConcurrency(t *testing.T) {
	f := newFakeAccount(t)
	f.state.stacks["CDKToolkit"] = "CREATE_COMPLETE"
	f.state.stacks["bob-TenantMetricsLab"] = "ROLLBACK_COMPLETE"
	f.state.quota, f.state.unreserved = 10, 10 // a new account

	code, stdout, _ := runLabcheck(t, "preflight", "--cdk-args", "-c namePrefix=carol")
	if code != 0 || !strings.Contains(stdout, "Lambda concurrency quota 10 (10 unreserved); the producer reserves none") {
		t.Errorf("default configuration in a new account: exit %d\n%s", code, stdout)
	}
	code, stdout, _ = runLabcheck(t, "preflight", "--cdk-args", "--context producerReservedConcurrency=1 -c namePrefix=carol")
	if code != 1 || !strings.Contains(stdout, "BLOCKER  producerReservedConcurrency=1: the Lambda concurrency quota is 10 with 10 unreserved, and Lambda keeps 10 unreserved") {
		t.Errorf("reserved concurrency in a new account: exit %d\n%s", code, stdout)
	}
	f.state.quota, f.state.unreserved = 1000, 1000
	if code, stdout, _ = runLabcheck(t, "preflight", "--cdk-args", "-c producerReservedConcurrency=1 -c namePrefix=carol"); code != 0 {
		t.Errorf("reserved concurrency with room: exit %d\n%s", code, stdout)
	}
	if code, _, _ = runLabcheck(t, "preflight", "--cdk-args", "-c producerReservedConcurrency=1 -c producer=false -c namePrefix=carol"); code != 1 {
		t.Errorf("invalid configuration: exit %d, want 1", code)
	}

	code, stdout, _ = runLabcheck(t, "preflight", "--cdk-args", "-c namePrefix=bob")
	if code != 1 || !strings.Contains(stdout, "stack bob-TenantMetricsLab is ROLLBACK_COMPLETE: CloudFormation cannot update it") {
		t.Errorf("rolled-back stack: exit %d\n%s", code, stdout)
	}

	code, stdout, _ = runLabcheck(t, "preflight", "--cdk-args", "-c namePrefix=carol -c bucketName=no-such-lab-bucket")
	if code != 1 || !strings.Contains(stdout, "BLOCKER  bucket no-such-lab-bucket (bucketName) does not exist") {
		t.Errorf("missing bucket: exit %d\n%s", code, stdout)
	}
	f.s3.CreateBucket(t, "my-lab-bucket")
	if code, stdout, _ = runLabcheck(t, "preflight", "--cdk-args", "-c namePrefix=carol -c bucketName=my-lab-bucket"); code != 0 {
		t.Errorf("existing bucket: exit %d\n%s", code, stdout)
	}
}

// TestWithoutCredentialsOneSentenceInSeconds runs the real binary path (run) with no credentials anywhere.
func TestWithoutCredentialsOneSentenceInSeconds(t *testing.T) {
	newFakeAccount(t)
	t.Setenv("AWS_ACCESS_KEY_ID", "")
	t.Setenv("AWS_SECRET_ACCESS_KEY", "")
	for _, mode := range []string{"preflight", "leftovers"} {
		start := time.Now()
		code, stdout, stderr := runLabcheck(t, mode)
		if code != 1 || !strings.Contains(stderr, "no AWS credentials found") || strings.Count(strings.TrimSpace(stderr), "\n") != 0 || stdout != "" {
			t.Errorf("%s: exit %d, stdout %q, stderr %q", mode, code, stdout, stderr)
		}
		if d := time.Since(start); d > setupBudget {
			t.Errorf("%s took %v without credentials", mode, d)
		}
	}
	t.Setenv("AWS_ACCESS_KEY_ID", "000000000000")
	t.Setenv("AWS_SECRET_ACCESS_KEY", "test")
	t.Setenv("AWS_REGION", "")
	if code, _, stderr := runLabcheck(t, "preflight"); code != 1 || !strings.Contains(stderr, "no AWS region") {
		t.Errorf("no region: exit %d, %q", code, stderr)
	}
}

func TestLeftoversListsWhatDestroyLeft(t *testing.T) {
	f := newFakeAccount(t)
	f.emu.NewNamedStream(t, "dave-tenant-metrics-stream", 1)
	f.s3.CreateBucket(t, "dave-tenantmetricslab-databucket-1")
	st := &f.state
	st.logGroups = []string{
		"/aws/lambda/dave-TenantMetricsLab-CustomS3AutoDeleteObjectsCu-AbCdEf",
		"/aws/lambda/TenantMetricsLab-Producer-XyZ", // the default copy's: not dave's
		"dave-TenantMetricsLab-ProducerLogs253FAF64-QwErTy",
	}
	st.alarms = []string{"dave-TenantMetricsLab-DeliveryStale"}
	st.workGroups["dave-tenant-metrics-lab"] = true // retained with its history
	st.dashboards = []string{"dave-TenantMetricsLab"}
	tag := func(k, v string) map[string]any { return map[string]any{"Key": k, "Value": v} }
	daves := []any{tag("project", "tenant-metrics-lab"), tag("namePrefix", "dave")}
	st.tagged = []map[string]any{
		{"ResourceARN": "arn:aws:s3:::dave-tenantmetricslab-databucket-1", "Tags": daves},
		{"ResourceARN": "arn:aws:s3:::dave-tenantmetricslab-accesslogsbucket-2", "Tags": daves}, // deleted, index lags
		{"ResourceARN": "arn:aws:s3:::tenantmetricslab-databucket-3", "Tags": []any{tag("project", "tenant-metrics-lab")}},
		{"ResourceARN": "arn:aws:kms:us-east-1:000000000000:key/active", "Tags": daves},
		{"ResourceARN": "arn:aws:kms:us-east-1:000000000000:key/pending", "Tags": daves},
		{"ResourceARN": "arn:aws:sns:us-east-1:000000000000:dave-TenantMetricsLab-AlarmTopic-1", "Tags": daves},
	}
	st.keyStates["arn:aws:kms:us-east-1:000000000000:key/active"] = "Enabled"
	st.keyStates["arn:aws:kms:us-east-1:000000000000:key/pending"] = "PendingDeletion"

	code, stdout, stderr := runLabcheck(t, "leftovers", "--cdk-args", "-c namePrefix=dave")
	if code != 1 {
		t.Fatalf("exit %d, want 1\n%s%s", code, stdout, stderr)
	}
	want := []string{
		"left     Kinesis stream dave-tenant-metrics-stream",
		"left     alarm dave-TenantMetricsLab-DeliveryStale",
		"left     dashboard dave-TenantMetricsLab",
		"left     log group dave-TenantMetricsLab-ProducerLogs253FAF64-QwErTy",
		"left     log group /aws/lambda/dave-TenantMetricsLab-CustomS3AutoDeleteObjectsCu-AbCdEf",
		"left     S3 bucket dave-tenantmetricslab-databucket-1",
		"left     KMS key arn:aws:kms:us-east-1:000000000000:key/active (Enabled)",
		"left     SNS dave-TenantMetricsLab-AlarmTopic-1",
		"left     Athena workgroup dave-tenant-metrics-lab",
		"leftovers: 9 of dave-TenantMetricsLab's resources still exist in us-east-1",
	}
	for _, w := range want {
		if !strings.Contains(stdout, w) {
			t.Errorf("leftovers output lacks %q:\n%s", w, stdout)
		}
	}
	for _, not := range []string{"key/pending", "accesslogsbucket-2", "databucket-3", "TenantMetricsLab-Producer-XyZ"} {
		if strings.Contains(stdout, not) {
			t.Errorf("leftovers lists %s, which is gone or not dave's:\n%s", not, stdout)
		}
	}

	// A clean account.
	code, stdout, _ = runLabcheck(t, "leftovers", "--cdk-args", "-c namePrefix=erin")
	if code != 0 || !strings.Contains(stdout, "leftovers: nothing of erin-TenantMetricsLab is left in us-east-1") {
		t.Errorf("clean: exit %d\n%s", code, stdout)
	}
}

func TestUsageErrorsExit2(t *testing.T) {
	for _, args := range [][]string{{}, {"deploy"}, {"preflight", "extra"}, {"preflight", "--no-such-flag"}, {"leftovers", "--cdk-args", "-c 'unterminated"}, {"preflight", "--cdk-args", "-c novalue"}} {
		var out, errOut bytes.Buffer
		if code := run(t.Context(), args, &out, &errOut); code != 2 || !strings.Contains(errOut.String(), "labcheck") {
			t.Errorf("%v: exit %d, %q", args, code, errOut.String())
		}
	}
}

func TestParseCDKArgs(t *testing.T) {
	a, err := parseCDKArgs(`--require-approval never -c namePrefix=alice --context=retain=true -c "alarmEmail=ops@example.com" --profile lab -c=prefix=raw/`)
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]any{"namePrefix": "alice", "retain": "true", "alarmEmail": "ops@example.com", "prefix": "raw/"}
	if len(a.context) != len(want) || a.profile != "lab" {
		t.Fatalf("got %v profile %q", a.context, a.profile)
	}
	for k, v := range want {
		if a.context[k] != v {
			t.Errorf("%s = %v, want %v", k, a.context[k], v)
		}
	}
}

// TestSetupProblemsComeAllAtOnce: a missing region and missing credentials are reported together, in one line,
// and a profile that does not exist is named (it used to say profile "").
func TestSetupProblemsComeAllAtOnce(t *testing.T) {
	awsenv.Hermetic(t, "")
	t.Setenv("AWS_ACCESS_KEY_ID", "")
	t.Setenv("AWS_SECRET_ACCESS_KEY", "")
	code, stdout, stderr := runLabcheck(t, "preflight")
	if code != 1 || stdout != "" || !strings.Contains(stderr, "no AWS region") || !strings.Contains(stderr, "no AWS credentials found") ||
		strings.Count(strings.TrimSpace(stderr), "\n") != 0 || strings.Contains(stderr, "EC2 IMDS") {
		t.Errorf("exit %d, stdout %q, stderr %q", code, stdout, stderr)
	}
	t.Setenv("AWS_PROFILE", "nope")
	if code, _, stderr := runLabcheck(t, "leftovers"); code != 1 || !strings.Contains(stderr, `profile "nope" is not in your AWS config files`) {
		t.Errorf("AWS_PROFILE=nope: exit %d, %q", code, stderr)
	}
}

// cdkOutWith writes a cloud assembly holding one stack template, as cdk synth would.
func cdkOutWith(t *testing.T, stack, template string) string {
	t.Helper()
	dir := t.TempDir()
	manifest := fmt.Sprintf(`{"version":"48.0.0","artifacts":{%q:{"type":"aws:cloudformation:stack","displayName":%q,"properties":{"templateFile":%q}}}}`,
		stack, stack, stack+".template.json")
	if err := os.WriteFile(filepath.Join(dir, "manifest.json"), []byte(manifest), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, stack+".template.json"), []byte(template), 0o644); err != nil {
		t.Fatal(err)
	}
	return dir
}

// TestPreflightBlocksAnUpdateThatWouldFail: the deployed stack has an older template (the stream was named
// old-stream, and the auto-delete provider's log group was not declared yet, so Lambda created it); cdk deploy
// would deploy the lab's template. The rename fails (the delivery stream keeps its name) and the log group is taken.
func TestPreflightBlocksAnUpdateThatWouldFail(t *testing.T) {
	f := newFakeAccount(t)
	st := &f.state
	st.stacks["CDKToolkit"] = "CREATE_COMPLETE"
	st.stacks["TenantMetricsLab"] = "UPDATE_COMPLETE"
	head := st.template
	var deployed map[string]any
	if err := json.Unmarshal([]byte(head), &deployed); err != nil {
		t.Fatal(err)
	}
	res := deployed["Resources"].(map[string]any)
	res["Stream790BDEE4"].(map[string]any)["Properties"].(map[string]any)["Name"] = "old-stream"
	delete(res, "CustomS3AutoDeleteObjectsCustomResourceProviderLogs3BCE96D7")
	old, _ := json.Marshal(deployed)
	st.template = string(old)
	st.resources = map[string]string{"Stream790BDEE4": "old-stream", "CustomS3AutoDeleteObjectsCustomResourceProviderHandler9D90184F": "TenantMetricsLab-CustomS3AutoDeleteObjectsCustomRe-AbC123"}
	st.logGroups = []string{"/aws/lambda/TenantMetricsLab-CustomS3AutoDeleteObjectsCustomRe-AbC123"}
	code, stdout, stderr := runLabcheck(t, "preflight", "--cdk-out", cdkOutWith(t, "TenantMetricsLab", head))
	for _, want := range []string{
		"BLOCKER  this update would fail: TenantMetricsLab/DeliveryStream58CF96DB AWS::KinesisFirehose::DeliveryStream KinesisStreamSourceConfiguration",
		"way out: rename the delivery stream",
		"WARNING  this update loses data: TenantMetricsLab/Stream790BDEE4 AWS::Kinesis::Stream Name",
		"BLOCKER  log group /aws/lambda/TenantMetricsLab-CustomS3AutoDeleteObjectsCustomRe-AbC123 exists outside the stack",
		"aws logs delete-log-group --log-group-name /aws/lambda/TenantMetricsLab-CustomS3AutoDeleteObjectsCustomRe-AbC123",
	} {
		if !strings.Contains(stdout, want) {
			t.Errorf("preflight lacks %q", want)
		}
	}
	if code != 1 {
		t.Errorf("exit %d", code)
	}
	if t.Failed() {
		t.Logf("stdout:\n%s\nstderr:\n%s", stdout, stderr)
	}

	// The same template deployed again: nothing fails, nothing is taken.
	st.template = head
	st.resources["CustomS3AutoDeleteObjectsCustomResourceProviderLogs3BCE96D7"] = st.logGroups[0]
	st.resources["Stream790BDEE4"] = "tenant-metrics-stream"
	code, stdout, _ = runLabcheck(t, "preflight", "--cdk-out", cdkOutWith(t, "TenantMetricsLab", head))
	if code != 0 || !strings.Contains(stdout, "ok       the update of TenantMetricsLab from the deployed template: nothing fails (0 finding(s)") ||
		!strings.Contains(stdout, "ok       estimate: $20.51 in month 1 and $20.56 in month 12 at us-east-1 list prices before free tier, $13.84 and $13.90 after the always-free tier") {
		t.Errorf("redeploy: exit %d\n%s", code, stdout)
	}
}
