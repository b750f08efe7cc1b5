package test

import (
	"errors"
	"fmt"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/tenant-metrics-lab/tenant-metrics-lab/internal/testing/slow"
	"github.com/tenant-metrics-lab/tenant-metrics-lab/labcheck/cost"
	"github.com/tenant-metrics-lab/tenant-metrics-lab/producer/traffic"
)

// TestCIRunsTheREADMECommand keeps one definition of "the tests": the GitHub workflow runs .ci/run, which runs
// `make test`, the README's test command.
func TestCIRunsTheREADMECommand(t *testing.T) {
	read := func(path string) string {
		data, err := os.ReadFile(filepath.Join("..", path))
		if err != nil {
			t.Fatal(err)
		}
		return string(data)
	}
	if ci := read(".github/workflows/ci.yml"); !strings.Contains(ci, "run: bash .ci/run") {
		t.Error("ci.yml does not run .ci/run")
	}
	if run := read(".ci/run"); !strings.Contains(run, "\nmake test\n") {
		t.Error(".ci/run does not run `make test`")
	}
	if readme := read("README.md"); !strings.Contains(readme, "make test ") {
		t.Error("README does not name `make test`")
	}
	deploy := read(".github/workflows/deploy.yml")
	for _, want := range []string{"id-token: write", "aws-actions/configure-aws-credentials@", "role-to-assume: ${{ vars.AWS_DEPLOY_ROLE_ARN }}"} {
		if !strings.Contains(deploy, want) {
			t.Errorf("deploy.yml lacks %q", want)
		}
	}
	if strings.Contains(deploy, "aws-access-key-id") || strings.Contains(deploy, "secrets.AWS") {
		t.Error("deploy.yml must not use long-lived keys")
	}
}

// TestEndToEndWorkflowProvesTheLifecycle pins the order of the real-account workflow's steps and that the clean-up
// steps run whatever failed before them.
func TestEndToEndWorkflowProvesTheLifecycle(t *testing.T) {
	data, err := os.ReadFile(filepath.Join("..", ".github", "workflows", "e2e.yml"))
	if err != nil {
		t.Fatal(err)
	}
	e2e := string(data)
	for _, want := range []string{"workflow_dispatch:", "schedule:", "id-token: write", "role-to-assume: ${{ vars.AWS_DEPLOY_ROLE_ARN }}"} {
		if !strings.Contains(e2e, want) {
			t.Errorf("e2e.yml lacks %q", want)
		}
	}
	if strings.Contains(e2e, "aws-access-key-id") || strings.Contains(e2e, "secrets.AWS") {
		t.Error("e2e.yml must not use long-lived keys")
	}
	order := []string{"make preflight", "make deploy", "producer verify --stack", "--expect", "ProducerPauseCommand",
		"producer verify --stack", "--json", "labcheck queries", "--expect-events", "--state-value ALARM", "labcheck alarm-path",
		"make destroy", "make leftovers"}
	at := 0
	for _, step := range order {
		i := strings.Index(e2e[at:], step)
		if i < 0 {
			t.Fatalf("e2e.yml: %q missing or out of order (want %v)", step, order)
		}
		at += i
	}
	// Three configurations: the console's, per-tenant folders with aggregation and the encrypted alarm topic, and
	// the default deployed over itself through format=parquet and back, verified after each deploy.
	for _, want := range []string{"matrix:", "fail-fast: false", "-c partitioning=tenant -c producerAggregate=true -c alarmEmail=",
		"if: matrix.alarmPath", "updateLeg: true", "if: matrix.updateLeg", `for switch in "-c format=parquet" ""; do`,
		`make deploy CDK_ARGS="$CDK_ARGS $switch --require-approval never"`, `--since "$since" --expect 300`} {
		if !strings.Contains(e2e, want) {
			t.Errorf("e2e.yml lacks %q", want)
		}
	}
	for _, step := range []string{"name: Destroy\n        if: always()", "name: Nothing is left\n        if: always()"} {
		if !strings.Contains(e2e, step) {
			t.Errorf("e2e.yml: %q must run even when an earlier step failed", strings.SplitN(step, "\n", 2)[0])
		}
	}
}

// TestSynthDiffScriptFlagsReplacements runs the pull-request diff script on two synthesized configurations. A
// renamed stream fails to deploy (the delivery stream must be replaced under its unchanged custom name): the
// comment opens with a CAUTION block naming it and the way out, and the script exits 1 so the check fails.
// Identical templates report no change and exit 0.
func TestSynthDiffScriptFlagsReplacements(t *testing.T) {
	requireCDKCLI(t)
	pr := synth(t, labDefaults)
	base := synth(t, map[string]string{"streamName": "old-stream"})
	diff := func(prOut, baseOut string) (string, int) {
		cmd := exec.Command("bash", ".github/scripts/synth-diff.sh", prOut, baseOut)
		cmd.Dir = ".."
		out, err := cmd.Output()
		var exit *exec.ExitError
		if err != nil && !errors.As(err, &exit) {
			t.Fatalf("synth-diff.sh: %v\n%s", err, out)
		}
		return string(out), cmd.ProcessState.ExitCode()
	}
	changed, code := diff(pr.outdir, base.outdir)
	caution := strings.Index(changed, "> [!CAUTION]")
	if code != 1 || caution < 0 || caution > strings.Index(changed, "```diff") ||
		!strings.Contains(changed, "> - `FAILS      TenantMetricsLab/DeliveryStream58CF96DB AWS::KinesisFirehose::DeliveryStream KinesisStreamSourceConfiguration") ||
		!strings.Contains(changed, ">     way out: rename the delivery stream in the same change (-c deliveryStreamName=...), or destroy the stack first") ||
		!strings.Contains(changed, "> - `LOSES DATA TenantMetricsLab/Stream790BDEE4 AWS::Kinesis::Stream Name") ||
		!strings.Contains(changed, "AWS::Kinesis::Stream Stream") || !strings.Contains(changed, "(requires replacement)") ||
		!strings.Contains(changed, "**Estimate** (us-east-1 list prices") || !strings.Contains(changed, "| **total, list prices** | $20.51 | $20.51 | +$0.00, +0.0% |") {
		t.Errorf("stream rename: exit %d\n%.4000s", code, changed)
	}
	same, code := diff(pr.outdir, pr.outdir)
	if code != 0 || strings.Contains(same, "[!CAUTION]") || !strings.Contains(same, "No resource is deleted or replaced.") || !strings.Contains(same, "There were no differences") {
		t.Errorf("identical templates: exit %d\n%.3000s", code, same)
	}
}

// TestSynthDiffScriptShowsTheCostOfMoreShards: the comment for shardCount 1 -> 4 (which also fails as one step)
// shows the shards' line and the
// totals with the change in dollars and percent, derived from the shard-hour price, and a twelve-month chart
// that Mermaid's own parser accepts, with the base's and the change's month-by-month totals.
func TestSynthDiffScriptShowsTheCostOfMoreShards(t *testing.T) {
	requireCDKCLI(t)
	base, pr := synth(t, labDefaults), synth(t, map[string]string{"shardCount": "4"})
	cmd := exec.Command("bash", ".github/scripts/synth-diff.sh", pr.outdir, base.outdir)
	cmd.Dir = ".."
	out, err := cmd.Output()
	// Kinesis scales at most to double in one call: the comment also says the deploy fails, and the check fails.
	if code := cmd.ProcessState.ExitCode(); code != 1 || !strings.Contains(string(out), "UpdateShardCount") {
		t.Fatalf("synth-diff.sh: exit %d, %v (want 1: one UpdateShardCount call doubles at most)\n%s", code, err, out)
	}
	comment := string(out)
	was, err := cost.FromAssembly(base.outdir, traffic.Measure())
	if err != nil {
		t.Fatal(err)
	}
	shards := 3 * cost.Month.Hours() * cost.ShardHour.USD // three more shards' hours
	for _, want := range []string{
		fmt.Sprintf("| Kinesis provisioned shards | $%.2f | $%.2f | +$%.2f, +300.0%% |", shards/3, 4*shards/3, shards),
		fmt.Sprintf("| **total, list prices** | $%.2f | $%.2f | +$%.2f, %+.1f%% |", was.Total(), was.Total()+shards, shards, shards/was.Total()*100),
		"```mermaid\nxychart-beta\n",
	} {
		if !strings.Contains(comment, want) {
			t.Errorf("the comment lacks %q:\n%s", want, comment)
		}
	}
	chart := between(t, comment, "```mermaid\n", "```")
	if kind := parseMermaid(t, chart); kind != "xychart" {
		t.Errorf("Mermaid parsed the chart as %q", kind)
	}
	bars, line := series(t, chart, "bar"), series(t, chart, "line")
	for m := 1; m <= cost.Months; m++ {
		if math.Abs(bars[m-1]-was.TotalIn(m)) > 0.005 || math.Abs(line[m-1]-(was.TotalIn(m)+shards)) > 0.005 {
			t.Errorf("month %d: bar %.2f line %.2f, want %.2f and %.2f", m, bars[m-1], line[m-1], was.TotalIn(m), was.TotalIn(m)+shards)
		}
	}
}

// between is the text of s after the first start, up to the next end.
func between(t *testing.T, s, start, end string) string {
	t.Helper()
	_, after, ok := strings.Cut(s, start)
	body, _, ok2 := strings.Cut(after, end)
	if !ok || !ok2 {
		t.Fatalf("no %q ... %q in:\n%s", start, end, s)
	}
	return body
}

// series reads a chart's data line "kind [a, b, ...]".
func series(t *testing.T, chart, kind string) []float64 {
	t.Helper()
	for _, l := range strings.Split(chart, "\n") {
		rest, ok := strings.CutPrefix(strings.TrimSpace(l), kind+" [")
		if !ok {
			continue
		}
		var out []float64
		for _, f := range strings.Split(strings.TrimSuffix(rest, "]"), ",") {
			v, err := strconv.ParseFloat(strings.TrimSpace(f), 64)
			if err != nil {
				t.Fatalf("%s: %v", l, err)
			}
			out = append(out, v)
		}
		if len(out) != cost.Months {
			t.Fatalf("%s: %d values, want %d", l, len(out), cost.Months)
		}
		return out
	}
	t.Fatalf("no %s series in\n%s", kind, chart)
	return nil
}

// TestSynthDiffScriptNeverSaysAllClearBlindly: without two folders it prints usage (exit 2); a folder that is not a
// cloud assembly is refused; a stale template beside the manifest's stacks is not reported; a diff that fails
// fails the script.
func TestSynthDiffScriptNeverSaysAllClearBlindly(t *testing.T) {
	script := func(args ...string) (int, string) {
		cmd := exec.CommandContext(t.Context(), "bash", append([]string{".github/scripts/synth-diff.sh"}, args...)...)
		cmd.Dir = ".."
		out, err := cmd.CombinedOutput()
		var exit *exec.ExitError
		if err != nil && !errors.As(err, &exit) {
			t.Fatal(err)
		}
		return cmd.ProcessState.ExitCode(), string(out)
	}
	if code, out := script(); code != 2 || !strings.Contains(out, "usage:") {
		t.Errorf("no arguments: exit %d\n%s", code, out)
	}
	missing := t.TempDir()
	if code, out := script(filepath.Join(missing, "a"), filepath.Join(missing, "b")); code != 2 || !strings.Contains(out, "is not a cloud assembly") ||
		strings.Contains(out, "No resource is deleted") {
		t.Errorf("missing folders: exit %d\n%s", code, out)
	}
	requireCDKCLI(t)
	pr := synth(t, labDefaults)
	base := copyDir(t, pr.outdir)
	// A template of an earlier configuration left in a reused cdk.out: not in the manifest, not a stack.
	if err := os.WriteFile(filepath.Join(base, "alice-TenantMetricsLab.template.json"), []byte(`{"Resources":{}}`), 0o644); err != nil {
		t.Fatal(err)
	}
	if code, out := script(pr.outdir, base); code != 0 || strings.Contains(out, "alice-TenantMetricsLab") || !strings.Contains(out, "No resource is deleted") {
		t.Errorf("stale template: exit %d\n%.2000s", code, out)
	}
	broken := copyDir(t, pr.outdir)
	if err := os.WriteFile(filepath.Join(broken, "TenantMetricsLab.template.json"), []byte("{not json"), 0o644); err != nil {
		t.Fatal(err)
	}
	if code, out := script(broken, base); code == 0 || strings.Contains(out, "No resource is deleted") {
		t.Errorf("failing diff: exit %d\n%.2000s", code, out)
	}
}

// requireCDKCLI skips without the npm-installed CDK CLI, and fails under CI=true.
func requireCDKCLI(t *testing.T) {
	t.Helper()
	slow.Test(t, "runs the CDK CLI (node)")
	if _, err := os.Stat(filepath.Join("..", "node_modules", ".bin", "cdk")); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatal("the CDK CLI is not installed (npm ci)")
		}
		t.Skip("the CDK CLI is not installed (npm ci)")
	}
}

// copyDir copies a flat directory (a cloud assembly's files and asset folders) into a new temporary one.
func copyDir(t *testing.T, src string) string {
	t.Helper()
	dst := t.TempDir()
	if err := os.CopyFS(dst, os.DirFS(src)); err != nil {
		t.Fatal(err)
	}
	return dst
}

// TestWorkflowsRunASupportedNode: every workflow takes Node from .nvmrc, and .nvmrc names a Node LTS line the CDK
// CLI and jsii support (22 or later; 20 reached end of life in April 2026).
func TestWorkflowsRunASupportedNode(t *testing.T) {
	nvmrc, err := os.ReadFile(filepath.Join("..", ".nvmrc"))
	if err != nil {
		t.Fatal(err)
	}
	if major := strings.TrimSpace(string(nvmrc)); major != "22" && major != "24" {
		t.Errorf(".nvmrc says %q: use a supported LTS (22 or 24)", major)
	}
	workflows, _ := filepath.Glob(filepath.Join("..", ".github", "workflows", "*.yml"))
	for _, w := range workflows {
		data, err := os.ReadFile(w)
		if err != nil {
			t.Fatal(err)
		}
		if strings.Contains(string(data), "actions/setup-node") && !strings.Contains(string(data), "node-version-file: .nvmrc") {
			t.Errorf("%s sets up Node without .nvmrc", w)
		}
	}
}

// TestSynthDiffWorkflowReportsWhenTheCheckFails: the diff step exits 1 when a change would fail; the summary, the
// comment and the artifact must still be posted, or the reviewer would see a red check and no reason.
func TestSynthDiffWorkflowReportsWhenTheCheckFails(t *testing.T) {
	data, err := os.ReadFile(filepath.Join("..", ".github", "workflows", "synth-diff.yml"))
	if err != nil {
		t.Fatal(err)
	}
	wf := string(data)
	for _, step := range []string{"name: Show the diff in the job summary\n        if: ${{ !cancelled() }}",
		"name: Post or update the pull request comment\n        if: ${{ !cancelled() &&", "name: Upload cdk.out\n        if: ${{ !cancelled() }}"} {
		if !strings.Contains(wf, step) {
			t.Errorf("synth-diff.yml: %q must run after a failed diff step", strings.SplitN(step, "\n", 2)[0])
		}
	}
}
