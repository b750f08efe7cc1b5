package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/tenant-metrics-lab/tenant-metrics-lab/internal/event"
	"github.com/tenant-metrics-lab/tenant-metrics-lab/internal/testing/awsenv"
	"github.com/tenant-metrics-lab/tenant-metrics-lab/internal/testing/kinesisemu"
	"github.com/tenant-metrics-lab/tenant-metrics-lab/internal/testing/s3fake"
	"github.com/tenant-metrics-lab/tenant-metrics-lab/producer/telemetry"
)

func TestMain(m *testing.M) { os.Exit(kinesisemu.RunTests(m)) }

func runCLI(t *testing.T, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var out, errOut bytes.Buffer
	code = run(t.Context(), args, &out, &errOut, false)
	return code, out.String(), errOut.String()
}

func TestUsageErrorsExit2(t *testing.T) {
	for _, args := range [][]string{
		{},
		{"frobnicate"},
		{"print", "--count", "x"},
		{"print", "--count", "-1"},
		{"print", "extra"},
		{"print", "--days", "3"},
		{"print", "--start-date", "25.11.2026"},
		{"send", "--rate", "-5"},
		{"send", "--partition-key", "shard"},
		{"send", "--no-such-flag"},
		{"send", "a", "b"},
		{"send", "a", "--rate", "5", "b"},
		{"send", "a", "--rate"},
		{"send", "a", "--", "b"},
		{"send", "--aggregate", "--aggregate-size", "100"},
		{"send", "--aggregate-size", "2000000"},
		{"send", "--in-flight", "0"},
		{"send", "--run-id", "has space"},
	} {
		code, _, stderr := runCLI(t, args...)
		// The error and a one-line pointer to --help: not the flag list, behind which the error would scroll away.
		if len(args) < 2 { // no command, or an unknown one: the short list of commands
			if code != 2 || !strings.Contains(stderr, "Usage:") {
				t.Errorf("%v: exit %d, stderr %q; want 2 with the commands", args, code, stderr)
			}
			continue
		}
		if code != 2 || !strings.Contains(stderr, "--help' for every flag") || strings.Contains(stderr, "-flush-timeout") ||
			strings.Count(stderr, "\n") > 3 {
			t.Errorf("%v: exit %d, stderr %q; want 2, the error and a pointer to --help", args, code, stderr)
		}
	}
}

// TestBareDurationSuggestsAUnit: --duration 5 means nothing to Go's flag package; the error says what would.
func TestBareDurationSuggestsAUnit(t *testing.T) {
	code, _, stderr := runCLI(t, "send", "--duration", "5")
	if code != 2 || !strings.Contains(stderr, "did you mean --duration 5s?") {
		t.Errorf("exit %d, stderr %q", code, stderr)
	}
}

func TestHelpDocumentsTheFlags(t *testing.T) {
	code, stdout, stderr := runCLI(t, "send", "--help")
	// Help is output the user asked for: stdout, exit 0.
	if code != 0 || stderr != "" {
		t.Fatalf("send --help exit %d, stderr %q", code, stderr)
	}
	for _, want := range []string{"-rate", "-count", "-duration", "-seed", "-start-date", "-days", "-region", "-profile",
		"-endpoint-url", "-verbose", "-partition-key", "0.63", "AWS_ENDPOINT_URL_KINESIS", "Exit status", "127.0.0.1:4567"} {
		if !strings.Contains(stdout, want) {
			t.Errorf("send --help lacks %q", want)
		}
	}
	if code, stdout, _ := runCLI(t, "help"); code != 0 || !strings.Contains(stdout, "producer send") {
		t.Errorf("help: exit %d, %q", code, stdout)
	}
}

func TestPrintIsReproducibleNDJSON(t *testing.T) {
	code, a, _ := runCLI(t, "print", "--count", "25", "--seed", "3", "--run-id", "demo", "--start-date", "2026-01-01", "--days", "2")
	_, b, _ := runCLI(t, "print", "--count", "25", "--seed", "3", "--run-id", "demo", "--start-date", "2026-01-01", "--days", "2")
	if code != 0 || a != b {
		t.Fatalf("exit %d; two seeded runs differ", code)
	}
	lines := strings.Split(strings.TrimSuffix(a, "\n"), "\n")
	if len(lines) != 25 {
		t.Fatalf("%d lines, want 25", len(lines))
	}
	for i, l := range lines {
		var e event.Event
		if err := json.Unmarshal([]byte(l), &e); err != nil {
			t.Fatalf("line %d: %v", i, err)
		}
		if e.Metadata.EventID != "demo-"+itoa(i+1) {
			t.Errorf("line %d id %q", i, e.Metadata.EventID)
		}
	}
}

func TestSendWithoutRegionOrCredentialsSaysWhy(t *testing.T) {
	awsenv.Hermetic(t, "")
	code, _, stderr := runCLI(t, "send", "--count", "1")
	if code != 1 || !strings.Contains(stderr, "no AWS region") || strings.Contains(stderr, "goroutine") {
		t.Errorf("no region: exit %d, %q", code, stderr)
	}
	t.Setenv("AWS_REGION", "us-east-1")
	t.Setenv("AWS_ACCESS_KEY_ID", "")
	t.Setenv("AWS_SECRET_ACCESS_KEY", "")
	code, _, stderr = runCLI(t, "send", "--count", "1")
	if code != 1 || !strings.Contains(stderr, "no AWS credentials") {
		t.Errorf("no credentials: exit %d, %q", code, stderr)
	}
}

func TestSendThroughTheEmulator(t *testing.T) {
	emu := kinesisemu.Require(t)
	stream := emu.NewStream(t, 1)
	awsenv.Hermetic(t, kinesisemu.Region)

	code, stdout, stderr := runCLI(t, "send", "--endpoint-url", emu.Endpoint, "--count", "200", "--rate", "0", "--verbose", stream)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	if !strings.Contains(stderr, "200 accepted, 0 undelivered") {
		t.Errorf("summary missing: %q", stderr)
	}
	if n := strings.Count(stdout, "\n"); n != 200 {
		t.Errorf("--verbose printed %d events, want 200", n)
	}
	if got := len(emu.ReadAll(t, stream)); got != 200 {
		t.Errorf("stream holds %d records, want 200", got)
	}

	// --aggregate packs the events into few KPL records; the summary still counts events.
	agg := emu.NewStream(t, 1)
	code, _, stderr = runCLI(t, "send", "--endpoint-url", emu.Endpoint, "--count", "500", "--rate", "0", "--aggregate", agg)
	if code != 0 || !strings.Contains(stderr, "500 accepted, 0 undelivered") || !strings.Contains(stderr, "aggregated Kinesis records") {
		t.Errorf("--aggregate: exit %d, %q", code, stderr)
	}
	if got := len(emu.ReadAll(t, agg)); got == 0 || got > 20 {
		t.Errorf("--aggregate: the stream holds %d Kinesis records for 500 events", got)
	}

	// Flags after the stream name are parsed too: users append them to the stack's ProducerCommand output.
	code, _, stderr = runCLI(t, "send", stream, "--endpoint-url", emu.Endpoint, "--count", "7", "--rate", "0")
	if code != 0 || !strings.Contains(stderr, "7 accepted, 0 undelivered") {
		t.Errorf("flags after STREAM: exit %d, %q", code, stderr)
	}

	// The SDK's own endpoint variable works as well as the flag.
	t.Setenv("AWS_ENDPOINT_URL_KINESIS", emu.Endpoint)
	if code, _, stderr := runCLI(t, "send", "--count", "10", stream); code != 0 {
		t.Errorf("AWS_ENDPOINT_URL_KINESIS: exit %d: %s", code, stderr)
	}

	code, _, stderr = runCLI(t, "send", "--endpoint-url", emu.Endpoint, "--count", "5", "missing-stream")
	if code != 1 || !strings.Contains(stderr, "stream missing-stream not found") {
		t.Errorf("missing stream: exit %d, %q", code, stderr)
	}
}

func itoa(i int) string { return strconv.Itoa(i) }

func TestVerifyCommand(t *testing.T) {
	awsenv.Hermetic(t, "us-east-1")
	srv := s3fake.Start(t)
	srv.CreateBucket(t, "lab")
	var body []byte
	g, _ := telemetry.NewGenerator(telemetry.Options{RunID: "cli"})
	var e event.Event
	for i := 0; i < 30; i++ {
		g.Next(&e)
		body = event.AppendNDJSON(body, &e)
	}
	srv.Put(t, "lab", "stream/2026/11/25/10/tenant_metrics_firehose-1-2026-11-25-10-00-00-x.gz", body, "")

	code, stdout, stderr := runCLI(t, "verify", "--bucket", "lab", "--endpoint-url", srv.URL, "--expect", "30")
	if code != 0 || !strings.Contains(stdout, "30 events (30 distinct, 0 duplicates), 0 invalid") || !strings.Contains(stdout, "OK") {
		t.Fatalf("verify: exit %d\n%s%s", code, stdout, stderr)
	}
	code, stdout, _ = runCLI(t, "verify", "--bucket", "lab", "--endpoint-url", srv.URL, "--json")
	var report map[string]any
	if err := json.Unmarshal([]byte(stdout), &report); code != 0 || err != nil || report["distinct_events"] != float64(30) {
		t.Fatalf("--json: exit %d, %v, %s", code, err, stdout)
	}
	code, _, stderr = runCLI(t, "verify", "--bucket", "lab", "--endpoint-url", srv.URL, "--expect", "31")
	if code != 1 || !strings.Contains(stderr, "FAILED: 30 distinct events arrived, expected at least 31") {
		t.Fatalf("--expect 31: exit %d, %q", code, stderr)
	}
	// Records Firehose diverted under the default error prefix fail the verdict, naming type and count;
	// --error-prefix looks elsewhere.
	srv.Put(t, "lab", "errors/processing-failed/2026/11/25/10/tenant_metrics_firehose-1-2026-11-25-10-00-00-y",
		[]byte(`{"attemptsMade":4,"arrivalTimestamp":1,"errorCode":"Lambda.FunctionError","errorMessage":"boom","rawData":"e30="}`+"\n"), "")
	code, stdout, stderr = runCLI(t, "verify", "--bucket", "lab", "--endpoint-url", srv.URL, "--expect", "30")
	if code != 1 || !strings.Contains(stderr, "FAILED: Firehose diverted 1 records to the error prefix s3://lab/errors/: processing-failed 1\n") ||
		!strings.Contains(stdout, "error prefix s3://lab/errors/: 1 objects, 1 records diverted: processing-failed 1") {
		t.Fatalf("diverted records: exit %d\n%s%s", code, stdout, stderr)
	}
	code, stdout, _ = runCLI(t, "verify", "--bucket", "lab", "--endpoint-url", srv.URL, "--json")
	report = nil
	if err := json.Unmarshal([]byte(stdout), &report); code != 1 || err != nil ||
		report["errors"].(map[string]any)["records_per_type"].(map[string]any)["processing-failed"] != float64(1) {
		t.Fatalf("--json with diverted records: exit %d, %v, %s", code, err, stdout)
	}
	if code, stdout, stderr := runCLI(t, "verify", "--bucket", "lab", "--endpoint-url", srv.URL, "--error-prefix", "failed/"); code != 0 ||
		!strings.Contains(stdout, "error prefix s3://lab/failed/: 0 objects") {
		t.Fatalf("--error-prefix failed/: exit %d\n%s%s", code, stdout, stderr)
	}
	code, _, stderr = runCLI(t, "verify", "--bucket", "missing", "--endpoint-url", srv.URL)
	if code != 1 || !strings.Contains(stderr, "bucket missing does not exist") {
		t.Fatalf("missing bucket: exit %d, %q", code, stderr)
	}
	for _, args := range [][]string{{"verify"}, {"verify", "--bucket", "a", "--stack", "b"}, {"verify", "--bucket", "a", "--since", "-1m"}} {
		if code, _, stderr := runCLI(t, args...); code != 2 || !strings.Contains(stderr, "Usage") {
			t.Errorf("%v: exit %d, %q", args, code, stderr)
		}
	}
}

// TestVerifyFindsTheBucketFromTheStack answers DescribeStacks from a stand-in CloudFormation endpoint (the SDK's
// AWS_ENDPOINT_URL_CLOUDFORMATION) and checks that --stack reads the BucketName, DataPrefix and ErrorPrefix
// outputs, and that a stack deployed before ErrorPrefix existed (OldStack) is read under errors/.
func TestVerifyFindsTheBucketFromTheStack(t *testing.T) {
	awsenv.Hermetic(t, "us-east-1")
	srv := s3fake.Start(t)
	srv.CreateBucket(t, "lab-from-stack")
	g, _ := telemetry.NewGenerator(telemetry.Options{RunID: "stack"})
	var e event.Event
	g.Next(&e)
	srv.Put(t, "lab-from-stack", "other/2026/11/25/10/x.gz", event.AppendNDJSON(nil, &e), "")

	cfn := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		r.ParseForm()
		if r.Form.Get("Action") != "DescribeStacks" {
			http.Error(w, "unexpected "+r.Form.Get("Action"), http.StatusBadRequest)
			return
		}
		name := r.Form.Get("StackName")
		if name != "TenantMetricsLab" && name != "OldStack" {
			w.WriteHeader(http.StatusBadRequest)
			fmt.Fprint(w, `<ErrorResponse><Error><Type>Sender</Type><Code>ValidationError</Code><Message>Stack with id `+r.Form.Get("StackName")+` does not exist</Message></Error><RequestId>1</RequestId></ErrorResponse>`)
			return
		}
		errorPrefix := `<member><OutputKey>ErrorPrefix</OutputKey><OutputValue>failed/</OutputValue></member>`
		if name == "OldStack" {
			errorPrefix = ""
		}
		fmt.Fprint(w, `<DescribeStacksResponse xmlns="http://cloudformation.amazonaws.com/doc/2010-05-15/"><DescribeStacksResult><Stacks><member>
<StackName>`+name+`</StackName><StackStatus>CREATE_COMPLETE</StackStatus><CreationTime>2026-11-25T10:00:00Z</CreationTime>
<Outputs><member><OutputKey>StreamName</OutputKey><OutputValue>tenant-metrics-stream</OutputValue></member>
<member><OutputKey>BucketName</OutputKey><OutputValue>lab-from-stack</OutputValue></member>
<member><OutputKey>DataPrefix</OutputKey><OutputValue>other/</OutputValue></member>`+errorPrefix+`</Outputs>
</member></Stacks></DescribeStacksResult><ResponseMetadata><RequestId>1</RequestId></ResponseMetadata></DescribeStacksResponse>`)
	}))
	defer cfn.Close()
	t.Setenv("AWS_ENDPOINT_URL_CLOUDFORMATION", cfn.URL)

	// The stack was deployed with -c prefix=other/: --stack reads its DataPrefix output.
	code, stdout, stderr := runCLI(t, "verify", "--stack", "TenantMetricsLab", "--endpoint-url", srv.URL, "--expect", "1")
	if code != 0 || !strings.Contains(stdout, "s3://lab-from-stack/other/") || !strings.Contains(stdout, "error prefix s3://lab-from-stack/failed/: 0 objects") {
		t.Fatalf("--stack: exit %d\n%s%s", code, stdout, stderr)
	}
	// An explicit --prefix wins.
	code, _, stderr = runCLI(t, "verify", "--stack", "TenantMetricsLab", "--prefix", "stream/", "--endpoint-url", srv.URL)
	if code != 1 || !strings.Contains(stderr, "no objects under s3://lab-from-stack/stream/") {
		t.Fatalf("--stack --prefix stream/: exit %d, %q", code, stderr)
	}

	// Records diverted under the stack's ErrorPrefix output fail it; those under errors/ are another stack's.
	diverted := func(n int, code string) []byte {
		var b []byte
		for range n {
			b = append(b, `{"attemptsMade":1,"arrivalTimestamp":1,"errorCode":"`+code+`","errorMessage":"m","rawData":"e30="}`+"\n"...)
		}
		return b
	}
	srv.Put(t, "lab-from-stack", "failed/processing-failed/2026/11/25/10/a", diverted(2, "Lambda.FunctionError"), "")
	srv.Put(t, "lab-from-stack", "errors/format-conversion-failed/2026/11/25/10/b", diverted(3, "DataFormatConversion.ParseError"), "")
	code, _, stderr = runCLI(t, "verify", "--stack", "TenantMetricsLab", "--endpoint-url", srv.URL)
	if code != 1 || !strings.Contains(stderr, "FAILED: Firehose diverted 2 records to the error prefix s3://lab-from-stack/failed/: processing-failed 2\n") {
		t.Fatalf("--stack with diverted records: exit %d, %q", code, stderr)
	}
	// Without the output (a stack deployed before it existed), errors/, where such a stack wrote.
	code, _, stderr = runCLI(t, "verify", "--stack", "OldStack", "--endpoint-url", srv.URL)
	if code != 1 || !strings.Contains(stderr, "FAILED: Firehose diverted 3 records to the error prefix s3://lab-from-stack/errors/: format-conversion-failed 3\n") {
		t.Fatalf("--stack OldStack: exit %d, %q", code, stderr)
	}
	// An explicit --error-prefix wins over the output.
	code, stdout, stderr = runCLI(t, "verify", "--stack", "TenantMetricsLab", "--error-prefix", "nothing-here/", "--endpoint-url", srv.URL)
	if code != 0 || !strings.Contains(stdout, "error prefix s3://lab-from-stack/nothing-here/: 0 objects") {
		t.Fatalf("--stack --error-prefix nothing-here/: exit %d\n%s%s", code, stdout, stderr)
	}
	code, _, stderr = runCLI(t, "verify", "--stack", "OtherStack", "--endpoint-url", srv.URL)
	if code != 1 || !strings.Contains(stderr, "OtherStack does not exist") {
		t.Fatalf("missing stack: exit %d, %q", code, stderr)
	}
}

// TestSendToASilentEndpointSaysSoInSeconds: an endpoint that accepts connections and never answers used to hang
// `send` without a word; start-up is bounded and the message names the endpoint.
func TestSendToASilentEndpointSaysSoInSeconds(t *testing.T) {
	awsenv.Hermetic(t, "us-east-1")
	// A listener that accepts connections and never reads or answers.
	silent, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer silent.Close()
	go func() {
		for {
			c, err := silent.Accept()
			if err != nil {
				return
			}
			t.Cleanup(func() { c.Close() })
		}
	}()
	url := "http://" + silent.Addr().String()
	defer func(d time.Duration) { setupTimeout = d }(setupTimeout)
	setupTimeout = 300 * time.Millisecond
	start := time.Now()
	code, _, stderr := runCLI(t, "send", "--endpoint-url", url, "--duration", "5s")
	if code != 1 || !strings.Contains(stderr, "the endpoint "+url) || !strings.Contains(stderr, "no answer within 300ms") {
		t.Errorf("exit %d, stderr %q", code, stderr)
	}
	if d := time.Since(start); d > 5*time.Second {
		t.Errorf("took %v", d)
	}
}
