package test

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/tenant-metrics-lab/tenant-metrics-lab/stacks"
)

// TestGoldenTemplatesLeaveNothingBehind walks every committed golden template (what users review and deploy):
// outside retain mode no resource is retained, and every Lambda function writes to a log group the stack owns.
// Lambda creates /aws/lambda/<function name> on first invocation, outside CloudFormation, and `cdk destroy` would
// leave it (with no expiry) unless the stack declares it.
// https://docs.aws.amazon.com/lambda/latest/dg/monitoring-cloudwatchlogs-loggroups.html
func TestGoldenTemplatesLeaveNothingBehind(t *testing.T) {
	files, _ := filepath.Glob(filepath.Join("testdata", "*.template.json"))
	if len(files) < len(variants) {
		t.Fatalf("found %d golden templates, want %d", len(files), len(variants))
	}
	for _, f := range files {
		name := strings.TrimSuffix(filepath.Base(f), ".template.json")
		t.Run(name, func(t *testing.T) {
			data, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			var tmpl struct {
				Resources map[string]map[string]any
			}
			if err := json.Unmarshal(data, &tmpl); err != nil {
				t.Fatal(err)
			}
			retainMode := variants[name]["retain"] == "true"
			groups := map[string]map[string]any{} // log groups by logical id
			for id, r := range tmpl.Resources {
				if r["Type"] == "AWS::Logs::LogGroup" {
					groups[id] = r
				}
				if !retainMode && (r["DeletionPolicy"] == "Retain" || r["UpdateReplacePolicy"] == "Retain" || r["DeletionPolicy"] == "RetainExceptOnCreate") {
					t.Errorf("%s (%s) is retained in a variant that must leave nothing behind", id, r["Type"])
				}
			}
			functions := 0
			for id, r := range tmpl.Resources {
				if r["Type"] != "AWS::Lambda::Function" {
					continue
				}
				functions++
				group := ownedLogGroup(id, r, groups)
				if group == nil {
					t.Errorf("function %s has no log group of the stack's: Lambda would create /aws/lambda/... outside CloudFormation", id)
					continue
				}
				if props(group)["RetentionInDays"] == nil {
					t.Errorf("function %s: its log group never expires", id)
				}
				if !retainMode && group["DeletionPolicy"] != "Delete" {
					t.Errorf("function %s: its log group is not deleted with the stack (%v)", id, group["DeletionPolicy"])
				}
			}
			if functions == 0 && name == "lab" {
				t.Error("the lab template has no Lambda function: the walk checks nothing")
			}
		})
	}
}

// ownedLogGroup returns the template's log group that function fnID writes to: the one its LoggingConfig names,
// or the one named /aws/lambda/<its Ref>, which Lambda then uses instead of creating its own.
func ownedLogGroup(fnID string, fn map[string]any, groups map[string]map[string]any) map[string]any {
	if lc, ok := props(fn)["LoggingConfig"].(map[string]any); ok {
		if ref, ok := lc["LogGroup"].(map[string]any); ok {
			if id, ok := ref["Ref"].(string); ok {
				return groups[id]
			}
		}
	}
	want := jsonOf(map[string]any{"Fn::Join": []any{"", []any{"/aws/lambda/", map[string]any{"Ref": fnID}}}})
	for _, g := range groups {
		if jsonOf(props(g)["LogGroupName"]) == want {
			return g
		}
	}
	return nil
}

// TestCustomResourcesWaitForTheProviderLogGroup pins the order that makes the owned group effective: the
// auto-delete custom resources (whose create and delete invoke the provider) depend on the provider's log group,
// so it exists before the first invocation and is deleted after the last.
func TestCustomResourcesWaitForTheProviderLogGroup(t *testing.T) {
	s := synth(t, labDefaults)
	providerID, _ := s.named(t, "AWS::Lambda::Function", "CustomS3AutoDeleteObjectsCustomResourceProviderHandler")
	groups := s.resources("AWS::Logs::LogGroup")
	var groupID string
	for id, g := range groups {
		if jsonOf(props(g)["LogGroupName"]) == jsonOf(map[string]any{"Fn::Join": []any{"", []any{"/aws/lambda/", map[string]any{"Ref": providerID}}}}) {
			groupID = id
		}
	}
	if groupID == "" {
		t.Fatal("no log group for the auto-delete provider")
	}
	crs := s.resources("Custom::S3AutoDeleteObjects")
	if len(crs) != 2 {
		t.Fatalf("want 2 auto-delete resources (data, query results), got %d", len(crs))
	}
	for id, cr := range crs {
		if !strings.Contains(jsonOf(cr["DependsOn"]), `"`+groupID+`"`) {
			t.Errorf("%s does not wait for the provider's log group: DependsOn %v", id, cr["DependsOn"])
		}
	}
}

// TestNoFunctionRoleMayCreateALogGroup walks every golden template: the role of every Lambda function carries an
// explicit Deny of logs:CreateLogGroup. Lambda delivers log lines minutes after an invocation ("It may take 5 to
// 10 minutes for logs to show up", https://docs.aws.amazon.com/lambda/latest/dg/monitoring-cloudwatchlogs.html),
// so the auto-delete provider's last lines (its role has AWSLambdaBasicExecutionRole: CreateLogGroup on *) could
// recreate /aws/lambda/<function> after `cdk destroy` deleted the stack's group.
func TestNoFunctionRoleMayCreateALogGroup(t *testing.T) {
	files, _ := filepath.Glob(filepath.Join("testdata", "*.template.json"))
	for _, f := range files {
		t.Run(strings.TrimSuffix(filepath.Base(f), ".template.json"), func(t *testing.T) {
			data, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			var tmpl struct{ Resources map[string]map[string]any }
			if err := json.Unmarshal(data, &tmpl); err != nil {
				t.Fatal(err)
			}
			denies := func(doc any) bool {
				d, _ := doc.(map[string]any)
				stmts, _ := d["Statement"].([]any)
				for _, s := range stmts {
					st := s.(map[string]any)
					if st["Effect"] == "Deny" && jsonOf(st["Action"]) == `"logs:CreateLogGroup"` && st["Resource"] == "*" {
						return true
					}
				}
				return false
			}
			denied := map[string]bool{} // role logical id -> has the Deny
			for _, r := range tmpl.Resources {
				if p, _ := r["Properties"].(map[string]any); r["Type"] == "AWS::IAM::Policy" && denies(p["PolicyDocument"]) {
					for _, role := range p["Roles"].([]any) {
						denied[role.(map[string]any)["Ref"].(string)] = true
					}
				}
			}
			for id, r := range tmpl.Resources {
				if r["Type"] != "AWS::IAM::Role" {
					continue
				}
				policies, _ := r["Properties"].(map[string]any)["Policies"].([]any)
				for _, pol := range policies {
					if denies(pol.(map[string]any)["PolicyDocument"]) {
						denied[id] = true
					}
				}
			}
			functions := 0
			for id, r := range tmpl.Resources {
				if r["Type"] != "AWS::Lambda::Function" {
					continue
				}
				functions++
				role := r["Properties"].(map[string]any)["Role"].(map[string]any)["Fn::GetAtt"].([]any)[0].(string)
				if !denied[role] {
					t.Errorf("function %s: its role %s may create log groups (no Deny of logs:CreateLogGroup)", id, role)
				}
			}
			if functions == 0 && !strings.Contains(f, "retain") && !strings.Contains(f, "no-producer") {
				t.Errorf("no function found: the walk reads nothing")
			}
		})
	}
}

// lifecycleRules returns a bucket's lifecycle rules by id.
func lifecycleRules(t *testing.T, bucket map[string]any) map[string]map[string]any {
	t.Helper()
	lc, _ := props(bucket)["LifecycleConfiguration"].(map[string]any)
	rules := map[string]map[string]any{}
	for _, r := range asList(lc["Rules"]) {
		rule := r.(map[string]any)
		rules[fmt.Sprint(rule["Id"])] = rule
	}
	return rules
}

// TestDataRetentionExpiresTheDataPrefix: -c dataRetentionDays=30 expires the objects under the data prefix's
// literal part after 30 days, the backup prefix with them, and the error prefix no sooner than 30 days; without
// it nothing expires. Either way unfinished multipart uploads are aborted after a day.
func TestDataRetentionExpiresTheDataPrefix(t *testing.T) {
	s := synth(t, map[string]string{"dataRetentionDays": "7"})
	rules := lifecycleRules(t, s.resources("AWS::S3::Bucket")[s.dataBucketID(t)])
	want := map[string]string{
		"abort-incomplete-uploads": `{"AbortIncompleteMultipartUpload":{"DaysAfterInitiation":1},"Id":"abort-incomplete-uploads","Status":"Enabled"}`,
		stacks.DataLifecycleRuleID: `{"ExpirationInDays":7,"Id":"expire-data","Prefix":"stream/","Status":"Enabled"}`,
		"expire-backup":            `{"ExpirationInDays":7,"Id":"expire-backup","Prefix":"backup/","Status":"Enabled"}`,
		"expire-errors":            `{"ExpirationInDays":30,"Id":"expire-errors","Prefix":"errors/","Status":"Enabled"}`,
	}
	if len(rules) != len(want) {
		t.Errorf("data bucket rules: %s", jsonOf(rules))
	}
	for id, w := range want {
		if got := jsonOf(rules[id]); got != w {
			t.Errorf("rule %s:\n got %s\nwant %s", id, got, w)
		}
	}

	s = synth(t, map[string]string{"dataRetentionDays": "30"})
	if got := jsonOf(lifecycleRules(t, s.resources("AWS::S3::Bucket")[s.dataBucketID(t)])[stacks.DataLifecycleRuleID]["ExpirationInDays"]); got != "30" {
		t.Errorf("dataRetentionDays=30: the data rule expires after %s days", got)
	}

	s = synth(t, labDefaults)
	lab := lifecycleRules(t, s.resources("AWS::S3::Bucket")[s.dataBucketID(t)])
	if len(lab) != 1 || lab["abort-incomplete-uploads"] == nil {
		t.Errorf("by default the data bucket expires nothing, only aborts uploads: %s", jsonOf(lab))
	}
}

// TestArchiveMovesToStandardIA: archiveAfterDays moves the data and backup objects (not the errors) to STANDARD_IA
// and writes S3's 128 KB transition minimum explicitly, which the cost estimate relies on.
func TestArchiveMovesToStandardIA(t *testing.T) {
	s := synth(t, variants["lifecycle"])
	bucket := s.resources("AWS::S3::Bucket")[s.dataBucketID(t)]
	rules := lifecycleRules(t, bucket)
	for _, id := range []string{stacks.DataLifecycleRuleID, "expire-backup"} {
		if got := jsonOf(rules[id]["Transitions"]); got != `[{"StorageClass":"STANDARD_IA","TransitionInDays":30}]` {
			t.Errorf("rule %s transitions: %s", id, got)
		}
		if got := jsonOf(rules[id]["ExpirationInDays"]); got != "60" {
			t.Errorf("rule %s expires after %s days", id, got)
		}
	}
	if rules["expire-errors"]["Transitions"] != nil {
		t.Errorf("errors are archived: %s", jsonOf(rules["expire-errors"]))
	}
	lc := props(bucket)["LifecycleConfiguration"].(map[string]any)
	if lc["TransitionDefaultMinimumObjectSize"] != "all_storage_classes_128K" {
		t.Errorf("TransitionDefaultMinimumObjectSize: %v", lc["TransitionDefaultMinimumObjectSize"])
	}
}

// TestEveryBucketAbortsUnfinishedUploads walks every variant: each bucket the stack creates aborts incomplete
// multipart uploads after one day (checkov's CKV_AWS_300 asks it of Terraform; the same holds here).
func TestEveryBucketAbortsUnfinishedUploads(t *testing.T) {
	for name, overrides := range variants {
		t.Run(name, func(t *testing.T) {
			s := synth(t, overrides)
			buckets := s.resources("AWS::S3::Bucket")
			if len(buckets) == 0 && name != "existing-bucket" {
				t.Fatal("no bucket")
			}
			for id, b := range buckets {
				aborts := false
				for _, r := range lifecycleRules(t, b) {
					if jsonOf(r["AbortIncompleteMultipartUpload"]) == `{"DaysAfterInitiation":1}` && r["Prefix"] == nil {
						aborts = true
					}
				}
				if !aborts {
					t.Errorf("bucket %s keeps unfinished uploads: %s", id, jsonOf(props(b)["LifecycleConfiguration"]))
				}
			}
		})
	}
}
