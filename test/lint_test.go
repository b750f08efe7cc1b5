package test

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/tenant-metrics-lab/tenant-metrics-lab/internal/testing/slow"
)

// venvTool returns a tool that make installs into .venv from test/python/requirements.txt. Without it the test
// skips (run `make test`, which installs it), except under CI=true, where it fails: CI must never pass by not
// testing.
func venvTool(t *testing.T, name string) string {
	slow.Test(t, "runs Python tooling from .venv")
	t.Helper()
	path, err := filepath.Abs(filepath.Join("..", ".venv", "bin", name))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(path); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("%s is not installed (make test installs .venv from test/python/requirements.txt)", name)
		}
		t.Skipf("%s is not installed: run make test", name)
	}
	return path
}

// cfnLint runs cfn-lint with the repository's .cfnlintrc on the given templates (none: the configured ones).
func cfnLint(t *testing.T, templates ...string) (string, error) {
	t.Helper()
	cmd := exec.Command(venvTool(t, "cfn-lint"), templates...)
	cmd.Dir = ".."
	out, err := cmd.CombinedOutput()
	return string(out), err
}

// TestCfnLintIsClean runs AWS's CloudFormation linter on every golden template (which TestGoldenTemplates keeps
// byte-equal to the synth): resource schemas, value ranges and patterns, IAM action names and policy structure,
// in each configured region. Zero errors and zero warnings.
func TestCfnLintIsClean(t *testing.T) {
	if out, err := cfnLint(t); err != nil || strings.TrimSpace(out) != "" {
		t.Fatalf("cfn-lint: %v\n%s", err, out)
	}
}

// TestCfnLintIsLive proves the lint can fail: a copy of the lab template with one invalid property value (a
// compression format Firehose does not have) must be reported.
func TestCfnLintIsLive(t *testing.T) {
	data, err := os.ReadFile(filepath.Join("testdata", "lab.template.json"))
	if err != nil {
		t.Fatal(err)
	}
	var tmpl map[string]any
	if err := json.Unmarshal(data, &tmpl); err != nil {
		t.Fatal(err)
	}
	changed := false
	for _, r := range tmpl["Resources"].(map[string]any) {
		if res := r.(map[string]any); res["Type"] == "AWS::KinesisFirehose::DeliveryStream" {
			props(res)["ExtendedS3DestinationConfiguration"].(map[string]any)["CompressionFormat"] = "RAR"
			changed = true
		}
	}
	if !changed {
		t.Fatal("no delivery stream in the lab template")
	}
	bad, _ := json.Marshal(tmpl)
	path := filepath.Join(t.TempDir(), "probe.template.json")
	if err := os.WriteFile(path, bad, 0o644); err != nil {
		t.Fatal(err)
	}
	out, err := cfnLint(t, path)
	if err == nil || !strings.Contains(out, "E3030 'RAR' is not one of") {
		t.Fatalf("cfn-lint accepted CompressionFormat RAR: %v\n%s", err, out)
	}
}
