package test

import (
	"debug/elf"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/tenant-metrics-lab/tenant-metrics-lab/internal/lab"
)

func TestProducerFunction(t *testing.T) {
	s := synth(t, labDefaults)
	streamID, _ := s.only(t, "AWS::Kinesis::Stream")
	logsID, logs := s.named(t, "AWS::Logs::LogGroup", "ProducerLogs")
	s.has(t, "AWS::Lambda::Function", map[string]any{
		"Runtime":       "provided.al2023",
		"Architectures": []any{"arm64"},
		"Handler":       "bootstrap",
		"MemorySize":    128,
		"Timeout":       lab.FunctionTimeout.Seconds(),
		"Environment": map[string]any{"Variables": map[string]any{
			"STREAM_NAME": map[string]any{"Ref": streamID}, "EVENTS_PER_SECOND": "10", "PARTITION_KEY": "tenant", "AGGREGATE": "false",
		}},
		"LoggingConfig": map[string]any{"LogGroup": map[string]any{"Ref": logsID}},
		"Role":          map[string]any{"Fn::GetAtt": []any{s.roleID(t, "ProducerRole"), "Arn"}},
	})
	if props(logs)["RetentionInDays"] != float64(14) || logs["DeletionPolicy"] != "Delete" {
		t.Errorf("producer log group: retention %v, deletion %v", props(logs)["RetentionInDays"], logs["DeletionPolicy"])
	}
	fnID, fn := s.named(t, "AWS::Lambda::Function", "Producer")
	if !strings.Contains(jsonOf(fn["DependsOn"]), "ProducerRolePolicy") {
		t.Errorf("function must wait for its policy, DependsOn=%v", fn["DependsOn"])
	}
	// New accounts (concurrency quota 10) refuse any reservation: the default reserves none.
	if v, ok := props(fn)["ReservedConcurrentExecutions"]; ok {
		t.Errorf("the default must not reserve concurrency, got ReservedConcurrentExecutions %v", v)
	}
	if timeout := props(fn)["Timeout"].(float64); timeout >= lab.SchedulePeriod.Seconds() {
		t.Errorf("timeout %v s must end an invocation before the next scheduled one", timeout)
	}
	// A missed or throttled minute is dropped, not retried by Lambda's async queue for up to 6 hours.
	_, eic := s.only(t, "AWS::Lambda::EventInvokeConfig")
	want := map[string]any{"FunctionName": map[string]any{"Ref": fnID}, "MaximumEventAgeInSeconds": 60.0, "MaximumRetryAttempts": 0.0, "Qualifier": "$LATEST"}
	if jsonOf(props(eic)) != jsonOf(want) {
		t.Errorf("event invoke config %s, want %s", jsonOf(props(eic)), jsonOf(want))
	}
}

func TestProducerAggregateReachesTheFunction(t *testing.T) {
	s := synth(t, map[string]string{"producerAggregate": "true"})
	s.has(t, "AWS::Lambda::Function", map[string]any{"Environment": map[string]any{"Variables": map[string]any{"AGGREGATE": "true"}}})
}

func TestProducerReservedConcurrencyIsOptIn(t *testing.T) {
	s := synth(t, map[string]string{"producerReservedConcurrency": "1"})
	s.has(t, "AWS::Lambda::Function", map[string]any{"Handler": "bootstrap", "ReservedConcurrentExecutions": 1})
}

func TestProducerHasOnlyItsOwnRights(t *testing.T) {
	s := synth(t, labDefaults)
	streamID, _ := s.only(t, "AWS::Kinesis::Stream")
	logsID, _ := s.named(t, "AWS::Logs::LogGroup", "ProducerLogs")
	want := []map[string]any{
		{"Sid": "PutToTheLabStream", "Effect": "Allow", "Action": []any{"kinesis:ListShards", "kinesis:PutRecords"},
			"Resource": map[string]any{"Fn::GetAtt": []any{streamID, "Arn"}}},
		{"Sid": "OwnLogs", "Effect": "Allow", "Action": []any{"logs:CreateLogStream", "logs:PutLogEvents"},
			"Resource": map[string]any{"Fn::GetAtt": []any{logsID, "Arn"}}},
		// Late log lines must never recreate a group the stack deleted (TestNoFunctionRoleMayCreateALogGroup).
		{"Sid": "NoUnownedLogGroups", "Effect": "Deny", "Action": "logs:CreateLogGroup", "Resource": "*"},
	}
	if got := statements(s.policyOf(t, "ProducerRolePolicy")); jsonOf(got) != jsonOf(want) {
		t.Errorf("producer policy:\n got %s\nwant %s", jsonOf(got), jsonOf(want))
	}
	_, role := s.named(t, "AWS::IAM::Role", "ProducerRole")
	if props(role)["ManagedPolicyArns"] != nil || props(role)["Policies"] != nil {
		t.Errorf("producer role must carry no managed or inline policies: %s", jsonOf(props(role)))
	}
	// Nothing else grants the producer role anything.
	roleRef := jsonOf(map[string]any{"Ref": s.roleID(t, "ProducerRole")})
	for id, p := range s.resources("AWS::IAM::Policy") {
		if !strings.HasPrefix(id, "ProducerRolePolicy") && strings.Contains(jsonOf(props(p)["Roles"]), roleRef) {
			t.Errorf("policy %s also grants the producer role", id)
		}
	}
}

func TestProducerSchedule(t *testing.T) {
	s := synth(t, labDefaults)
	fnID, _ := s.named(t, "AWS::Lambda::Function", "Producer")
	s.has(t, "AWS::Events::Rule", map[string]any{
		"ScheduleExpression": "rate(1 minute)",
		"State":              "ENABLED",
		"Targets": []any{map[string]any{
			"Arn":         map[string]any{"Fn::GetAtt": []any{fnID, "Arn"}},
			"RetryPolicy": map[string]any{"MaximumRetryAttempts": 0},
		}},
	})
	s.has(t, "AWS::Lambda::Permission", map[string]any{
		"Action": "lambda:InvokeFunction", "Principal": "events.amazonaws.com",
		"FunctionName": map[string]any{"Fn::GetAtt": []any{fnID, "Arn"}},
	})
	outputs := s.raw["Outputs"].(map[string]any)
	for _, name := range []string{"ProducerFunctionName", "ProducerLogsCommand", "ProducerPauseCommand", "ProducerResumeCommand"} {
		if outputs[name] == nil {
			t.Errorf("missing output %s", name)
		}
	}
	if got := jsonOf(outputs["ProducerPauseCommand"]); !strings.Contains(got, "aws events disable-rule --name ") {
		t.Errorf("pause command output = %s", got)
	}
}

func TestProducerRateIsConfigurable(t *testing.T) {
	s := synth(t, map[string]string{"producerRate": "250"})
	s.has(t, "AWS::Lambda::Function", map[string]any{
		"Environment": map[string]any{"Variables": map[string]any{"EVENTS_PER_SECOND": "250"}},
	})
}

func TestProducerFalseRemovesFunctionScheduleAndRole(t *testing.T) {
	lab, off := synth(t, labDefaults), synth(t, map[string]string{"producer": "false"})
	for _, typ := range []string{"AWS::Events::Rule", "AWS::Lambda::Permission"} {
		if n := len(off.resources(typ)); n != 0 {
			t.Errorf("producer=false leaves %d %s", n, typ)
		}
	}
	for id := range off.raw["Resources"].(map[string]any) {
		if strings.HasPrefix(id, "Producer") {
			t.Errorf("producer=false leaves %s", id)
		}
	}
	if a, b := len(lab.resources("AWS::IAM::Role")), len(off.resources("AWS::IAM::Role")); b != a-1 {
		t.Errorf("roles: %d with the producer, %d without; want exactly one fewer", a, b)
	}
	if n := len(off.resources("AWS::Lambda::Function")); n != 1 {
		t.Errorf("without the producer only the CDK's auto-delete handler remains, found %d functions", n)
	}
}

// TestProducerBundling synthesizes twice into fresh directories and opens the bundled asset: it must be an
// aarch64 ELF executable named bootstrap, with the same asset hash both times.
func TestProducerBundling(t *testing.T) {
	var hashes []string
	for i := 0; i < 2; i++ {
		s := synthUncached(t, labDefaults)
		hash := producerAssetHash(t, s.outdir)
		if hash == "" {
			t.Fatal("no producer asset in the manifest")
		}
		hashes = append(hashes, hash)
		path := filepath.Join(s.outdir, "asset."+hash, "bootstrap")
		st, err := os.Stat(path)
		if err != nil {
			t.Fatalf("asset has no bootstrap: %v", err)
		}
		if st.Mode()&0o111 == 0 {
			t.Errorf("bootstrap is not executable: %v", st.Mode())
		}
		f, err := elf.Open(path)
		if err != nil {
			t.Fatalf("bootstrap is not an ELF file: %v", err)
		}
		if f.Machine != elf.EM_AARCH64 || f.Type != elf.ET_EXEC {
			t.Errorf("bootstrap is %v %v, want an aarch64 executable", f.Machine, f.Type)
		}
		f.Close()
		t.Logf("bootstrap: %d bytes, asset %s", st.Size(), hash)
		data, _ := os.ReadFile(filepath.Join(s.outdir, *s.pipeline.Stack.TemplateFile()))
		if !strings.Contains(string(data), hash+".zip") {
			t.Error("the template does not reference the bundled asset")
		}
	}
	if hashes[0] != hashes[1] {
		t.Errorf("two synths gave asset hashes %s and %s", hashes[0], hashes[1])
	}
}
