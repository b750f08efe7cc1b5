// Command labcheck looks at a real AWS account, read-only, for the lab's configuration (cdk.json plus the
// CDK_ARGS overrides `make deploy` passes on):
//
//	labcheck preflight   what would make `cdk deploy` fail, before CloudFormation finds out minutes in
//	labcheck leftovers   what of the deployment still exists after `cdk destroy`
//
// Exit status: 0 when nothing blocks (preflight) or nothing is left (leftovers); 1 when something does or is, or
// the account cannot be read (no credentials, no region: one sentence); 2 for usage errors.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
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

const usage = `Usage: labcheck preflight|leftovers [flags]

preflight  lists what would make cdk deploy fail in this account and region: names that already exist (stream,
           Firehose stream, its log group, alarms, dashboard, Glue database, workgroup; and a namePrefix that
           avoids them), a region without the CDK bootstrap stack, a Lambda concurrency quota too
           small for the configuration, missing credentials or region. Exit 1 on a blocker.
leftovers  lists what of the deployment still exists after cdk destroy: the stack, stream, Firehose stream,
           buckets, log groups (also /aws/lambda/... of the stack's functions), alarms, dashboard, Glue database,
           Athena workgroup, topic, KMS keys not pending deletion. Exit 1 if anything remains.

Both read cdk.json and the CDK CLI arguments in --cdk-args (default: $CDK_ARGS), e.g. "-c namePrefix=alice
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
	if len(args) == 0 || (args[0] != "preflight" && args[0] != "leftovers") {
		if len(args) > 0 && (args[0] == "-h" || args[0] == "--help" || args[0] == "help") {
			fs.SetOutput(stdout)
			fs.Usage()
			return exitOK
		}
		fmt.Fprintln(stderr, "labcheck: name a mode: preflight or leftovers")
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

	if mode == "preflight" {
		f, err := preflight(ctx, a, cfg)
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
