// Command labcheck looks at a real AWS account for the lab's configuration (cdk.json plus the CDK_ARGS overrides
// `make deploy` passes on):
//
//	labcheck preflight    read-only: what would make `cdk deploy` fail, before CloudFormation finds out minutes in
//	labcheck leftovers    read-only: what of the deployment still exists after `cdk destroy`
//	labcheck queries      the account run: every saved Athena query succeeds, and Athena counts the events verify read
//	labcheck alarm-path   the account run: an alarm set to ALARM reaches its SNS topic
//	labcheck updates      offline: what deploying one synthesized cloud assembly over another does
//	labcheck cost         offline: what a synthesized configuration costs a month
//
// Exit status: 0 when nothing blocks (preflight), nothing is left (leftovers) or the proof holds; 1 when something
// does, is, or does not, or the account cannot be read (no credentials, no region: one sentence); 2 for usage errors.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"slices"
	"strings"
	"time"

	"github.com/tenant-metrics-lab/tenant-metrics-lab/internal/awsclient"
)

const (
	exitOK      = 0
	exitFound   = 1
	exitUsage   = 2
	setupBudget = 15 * time.Second // credentials that cannot be found within this are reported as missing
)

const usage = `Usage: labcheck preflight|leftovers|queries|alarm-path [flags]
       labcheck updates [--spec FILE] BASE_CDK_OUT HEAD_CDK_OUT
       labcheck cost [--base BASE_CDK_OUT] [--short] CDK_OUT

preflight  lists what would make cdk deploy fail in this account and region: names that already exist (stream,
           Firehose stream, its log group, alarms, dashboard, Glue database, workgroup; and a namePrefix that
           avoids them), a region without the CDK bootstrap stack, a Lambda concurrency quota too
           small for the configuration, missing credentials or region; and for a deployed stack, the update from
           its template to the one in --cdk-out (what fails blocks, what loses data warns), and log groups the
           new template declares that exist outside the stack. Exit 1 on a blocker.
leftovers  lists what of the deployment still exists after cdk destroy: the stack, stream, Firehose stream,
           buckets, log groups (also /aws/lambda/... of the stack's functions), alarms, dashboard, Glue database,
           Athena workgroup, topic, KMS keys not pending deletion. Exit 1 if anything remains.

queries    (acts: runs queries, billed per data scanned) runs every saved query of the deployment's Athena
           workgroup and fails on any error; then counts the distinct events of the last --since hours, which
           must equal --expect-events when given (what producer verify --json read). Exit 1 on a failure.
alarm-path (acts: sets an alarm's state) sets the --alarm alarm to ALARM and waits for its history to show the
           SNS action executed ("Failed to execute action" fails). Needs alarmEmail. Exit 1 on a failure.

updates    (offline, no AWS access) what deploying HEAD over BASE (two cloud assemblies) does, one line per
           finding: FAILS (CloudFormation or the service refuses; exit 1), LOSES DATA, REPLACES, INTERRUPTS.

cost       (offline) the monthly estimate of a synthesized configuration, item by item, from its templates;
           with --base, both totals and the items that changed.

All but updates and cost read cdk.json and the CDK CLI arguments in --cdk-args (default: $CDK_ARGS), e.g. "-c namePrefix=alice
--profile lab", so they check the configuration and account that make deploy / make destroy use.

Flags:
`

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	code := run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}

func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("labcheck", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() { fmt.Fprint(fs.Output(), usage); fs.PrintDefaults() }
	cdkArgs := fs.String("cdk-args", os.Getenv("CDK_ARGS"), "CDK CLI arguments: -c key=value overrides and --profile")
	cdkJSON := fs.String("cdk-json", "cdk.json", "the app's cdk.json")
	region := fs.String("region", "", "AWS region (default: AWS_REGION or the profile's region)")
	profile := fs.String("profile", "", "AWS shared-config profile (default: --profile in --cdk-args, AWS_PROFILE or default)")
	since := fs.Duration("since", time.Hour, "queries: count the events of the hours since this long ago")
	expectEvents := fs.Int("expect-events", 0, "queries: the distinct events Athena must count (0: no check)")
	alarmID := fs.String("alarm", "DeliveryFailed", "alarm-path: the alarm to set, by the id its name ends with")
	cdkOut := fs.String("cdk-out", "cdk.out", "preflight: the cloud assembly cdk deploy would deploy, compared with the deployed template")
	alarmWait := fs.Duration("alarm-wait", 3*time.Minute, "alarm-path: how long to wait for the action in the alarm's history")
	if len(args) > 0 && args[0] == "updates" {
		return runUpdates(args[1:], stdout, stderr)
	}
	if len(args) > 0 && args[0] == "cost" {
		return runCost(args[1:], stdout, stderr)
	}
	if len(args) == 0 || !slices.Contains([]string{"preflight", "leftovers", "queries", "alarm-path"}, args[0]) {
		if len(args) > 0 && (args[0] == "-h" || args[0] == "--help" || args[0] == "help") {
			fs.SetOutput(stdout)
			fs.Usage()
			return exitOK
		}
		fmt.Fprintln(stderr, "labcheck: name a mode: preflight, leftovers, queries or alarm-path")
		fs.Usage()
		return exitUsage
	}
	mode := args[0]
	if err := fs.Parse(args[1:]); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return exitOK
		}
		return exitUsage
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(stderr, "labcheck: unexpected argument %q\n", fs.Arg(0))
		fs.Usage()
		return exitUsage
	}
	parsed, err := parseCDKArgs(*cdkArgs)
	if err != nil {
		fmt.Fprintf(stderr, "labcheck: %v\n", err)
		return exitUsage
	}
	cfg, err := loadConfig(*cdkJSON, parsed.context)
	if err != nil {
		fmt.Fprintf(stderr, "labcheck %s: %v\n", mode, err)
		return exitFound
	}

	if *profile == "" {
		*profile = parsed.profile
	}
	setupCtx, cancel := context.WithTimeout(ctx, setupBudget)
	awsCfg, err := awsclient.Load(setupCtx, awsclient.Options{Region: *region, Profile: *profile})
	cancel()
	if err != nil {
		fmt.Fprintf(stderr, "labcheck %s: %v\n", mode, err)
		return exitFound
	}
	a := newAccount(awsCfg)

	switch mode {
	case "queries":
		if err := runQueries(ctx, a, cfg, *since, *expectEvents, stdout); err != nil {
			fmt.Fprintf(stderr, "labcheck queries: %v\n", err)
			return exitFound
		}
		return exitOK
	case "alarm-path":
		if err := proveAlarmPath(ctx, a, cfg, *alarmID, *alarmWait, stdout); err != nil {
			fmt.Fprintf(stderr, "labcheck alarm-path: %v\n", err)
			return exitFound
		}
		return exitOK
	}

	if mode == "preflight" {
		f, err := preflight(ctx, a, cfg, *cdkOut)
		if err != nil {
			fmt.Fprintf(stderr, "labcheck preflight: %v\n", err)
			return exitFound
		}
		fmt.Fprintln(stdout, strings.Join(f.lines, "\n"))
		if f.blockers > 0 {
			fmt.Fprintf(stdout, "preflight: %d blocker(s): cdk deploy of %s to %s would fail (SKIP_PREFLIGHT=1 deploys anyway)\n", f.blockers, cfg.StackName(), a.region)
			return exitFound
		}
		fmt.Fprintf(stdout, "preflight: nothing blocks cdk deploy of %s to %s\n", cfg.StackName(), a.region)
		return exitOK
	}

	left, err := leftovers(ctx, a, cfg)
	if err != nil {
		fmt.Fprintf(stderr, "labcheck leftovers: %v\n", err)
		return exitFound
	}
	for _, l := range left {
		fmt.Fprintln(stdout, "left     "+l)
	}
	if len(left) > 0 {
		fmt.Fprintf(stdout, "leftovers: %d of %s's resources still exist in %s\n", len(left), cfg.StackName(), a.region)
		return exitFound
	}
	fmt.Fprintf(stdout, "leftovers: nothing of %s is left in %s\n", cfg.StackName(), a.region)
	return exitOK
}
