package test

import (
	"os/exec"
	"strings"
	"testing"

	"github.com/tenant-metrics-lab/tenant-metrics-lab/internal/testing/slow"
)

// TestDeployRunsPreflightFirst runs the real Makefile's deploy target with echo standing in for the CDK CLI and
// labcheck: the preflight comes first, with the same CDK_ARGS, and SKIP_PREFLIGHT=1 leaves it out.
func TestDeployRunsPreflightFirst(t *testing.T) {
	slow.Test(t, "runs make")
	deploy := func(vars ...string) string {
		args := append([]string{"-s", "--no-print-directory", "deploy", "CDK=echo cdk", "LABCHECK=echo labcheck", "CDK_ARGS=-c namePrefix=alice"}, vars...)
		cmd := exec.Command("make", args...)
		cmd.Dir = ".."
		out, err := cmd.CombinedOutput()
		if err != nil {
			t.Fatalf("make deploy: %v\n%s", err, out)
		}
		return string(out)
	}
	out := deploy()
	pre, dep := strings.Index(out, "labcheck preflight"), strings.Index(out, "cdk deploy --no-notices -c namePrefix=alice")
	if pre < 0 || dep < 0 || pre > dep {
		t.Errorf("make deploy must run the preflight, then deploy:\n%s", out)
	}
	if out := deploy("SKIP_PREFLIGHT=1"); strings.Contains(out, "labcheck preflight") || !strings.Contains(out, "cdk deploy") {
		t.Errorf("SKIP_PREFLIGHT=1 must deploy without the preflight:\n%s", out)
	}
}

// TestSynthBinaryLinksNoAWSSDK keeps `go run .` (every synth) small: the app reads the producer's contract from
// the leaf package internal/lab, not from packages that link the AWS SDK or the Lambda runtime.
func TestSynthBinaryLinksNoAWSSDK(t *testing.T) {
	out, err := exec.Command("go", "list", "-deps", "..").CombinedOutput()
	if err != nil {
		t.Fatalf("go list: %v\n%s", err, out)
	}
	for _, dep := range strings.Fields(string(out)) {
		if strings.HasPrefix(dep, "github.com/aws/aws-sdk-go-v2") || strings.HasPrefix(dep, "github.com/aws/aws-lambda-go") {
			t.Errorf("the CDK app links %s", dep)
		}
	}
}

// TestDestroyWithoutATerminalSaysHowToConfirm: the CDK CLI would stop with "TTY is not attached" and no hint.
func TestDestroyWithoutATerminalSaysHowToConfirm(t *testing.T) {
	slow.Test(t, "runs make")
	destroy := func(cdkArgs string) (string, error) {
		cmd := exec.CommandContext(t.Context(), "make", "-s", "--no-print-directory", "destroy", "CDK=echo cdk", "CDK_ARGS="+cdkArgs)
		cmd.Dir = ".."
		cmd.Stdin = nil // /dev/null: no terminal
		out, err := cmd.CombinedOutput()
		return string(out), err
	}
	out, err := destroy("-c namePrefix=alice")
	if err == nil || !strings.Contains(out, `make destroy CDK_ARGS="--force -c namePrefix=alice"`) || strings.Contains(out, "cdk destroy") {
		t.Errorf("without a terminal: %v\n%s", err, out)
	}
	if out, err := destroy("--force -c namePrefix=alice"); err != nil || !strings.Contains(out, "cdk destroy --no-notices --force -c namePrefix=alice") {
		t.Errorf("with --force: %v\n%s", err, out)
	}
}

// TestSynthSaysWhereTheTemplateWent: make synth prints one line naming cdk.out/ and the stack, not the template.
func TestSynthSaysWhereTheTemplateWent(t *testing.T) {
	requireCDKCLI(t)
	cmd := exec.CommandContext(t.Context(), "make", "-s", "--no-print-directory", "synth", "CDK_ARGS=-c namePrefix=synthline")
	cmd.Dir = ".."
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("make synth: %v\n%s", err, out)
	}
	if got := strings.TrimSpace(string(out)); got != "synthesized stack synthline-TenantMetricsLab into cdk.out/synthline-TenantMetricsLab.template.json" {
		t.Errorf("make synth printed:\n%.2000s", got)
	}
}
