package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"time"

	"github.com/tenant-metrics-lab/tenant-metrics-lab/internal/awsclient"
	"github.com/tenant-metrics-lab/tenant-metrics-lab/internal/cli"
	"github.com/tenant-metrics-lab/tenant-metrics-lab/stacks/config"
)

// setupBudget bounds the search for credentials: those not found within it are reported as missing.
const setupBudget = 15 * time.Second

// accountFlags are the flags of every mode that reads the configuration and the account.
type accountFlags struct {
	cdkArgs, cdkJSON, region, profile string
}

func (f *accountFlags) register(fs *flag.FlagSet) {
	fs.StringVar(&f.cdkArgs, "cdk-args", os.Getenv("CDK_ARGS"), "CDK CLI arguments: -c key=value overrides and --profile")
	fs.StringVar(&f.cdkJSON, "cdk-json", "cdk.json", "the app's cdk.json")
	fs.StringVar(&f.region, "region", "", "AWS region (default: AWS_REGION or the profile's region)")
	fs.StringVar(&f.profile, "profile", "", "AWS shared-config profile (default: --profile in --cdk-args, AWS_PROFILE or default)")
}

// accountMode is a mode that checks cfg's deployment in the account: the shared flags, then the mode's own, which
// setup registers; its action runs once the configuration and the account's clients are ready.
func accountMode(cmd cli.Command, setup func(fs *flag.FlagSet) func(ctx context.Context, c *cli.Call, a *account, cfg config.Config) int) *cli.Command {
	cmd.Setup = func(fs *flag.FlagSet) cli.Action {
		var f accountFlags
		f.register(fs)
		action := setup(fs)
		return func(ctx context.Context, c *cli.Call) int {
			parsed, err := parseCDKArgs(f.cdkArgs)
			if err != nil {
				return c.Usagef("%v", err)
			}
			cfg, err := loadConfig(f.cdkJSON, parsed.context)
			if err != nil {
				return c.Fail(err)
			}
			profile := f.profile
			if profile == "" {
				profile = parsed.profile
			}
			setupCtx, cancel := context.WithTimeout(ctx, setupBudget)
			awsCfg, err := awsclient.Load(setupCtx, awsclient.Options{Region: f.region, Profile: profile})
			cancel()
			if err != nil {
				return c.Fail(err)
			}
			return action(ctx, c, newAccount(awsCfg), cfg)
		}
	}
	return &cmd
}

func preflightCommand() *cli.Command {
	return accountMode(cli.Command{
		Name:    "preflight",
		Summary: "read-only: what would make cdk deploy fail in this account and region",
		Details: `Lists what would make cdk deploy fail in this account and region: names that already exist (stream,
Firehose stream, its log group, alarms, dashboard, Glue database, workgroup; and a namePrefix that avoids them), a
region without the CDK bootstrap stack, a Lambda concurrency quota too small for the configuration, missing
credentials or region; and for a deployed stack, the update from its template to the one in --cdk-out (what fails
blocks, what loses data warns), and log groups the new template declares that exist outside the stack.
Exit 1 on a blocker. make preflight synthesizes into cdk.out first.
`,
	}, func(fs *flag.FlagSet) func(context.Context, *cli.Call, *account, config.Config) int {
		cdkOut := fs.String("cdk-out", "cdk.out", "the cloud assembly cdk deploy would deploy, compared with the deployed template")
		return func(ctx context.Context, c *cli.Call, a *account, cfg config.Config) int {
			f, err := preflight(ctx, a, cfg, *cdkOut)
			if err != nil {
				return c.Fail(err)
			}
			for _, l := range f.lines {
				fmt.Fprintln(c.Stdout, l)
			}
			if f.blockers > 0 {
				fmt.Fprintf(c.Stdout, "preflight: %d blocker(s): cdk deploy of %s to %s would fail (SKIP_PREFLIGHT=1 deploys anyway)\n", f.blockers, cfg.StackName(), a.region)
				return cli.ExitFinding
			}
			fmt.Fprintf(c.Stdout, "preflight: nothing blocks cdk deploy of %s to %s\n", cfg.StackName(), a.region)
			return cli.ExitOK
		}
	})
}

func leftoversCommand() *cli.Command {
	return accountMode(cli.Command{
		Name:    "leftovers",
		Summary: "read-only: what of the deployment still exists after cdk destroy",
		Details: `Lists what of the deployment still exists after cdk destroy: the stack, stream, Firehose stream, buckets,
log groups (also /aws/lambda/... of the stack's functions), alarms, dashboard, Glue database, Athena workgroup,
topic, KMS keys not pending deletion. Exit 1 if anything remains.
`,
	}, func(*flag.FlagSet) func(context.Context, *cli.Call, *account, config.Config) int {
		return func(ctx context.Context, c *cli.Call, a *account, cfg config.Config) int {
			left, err := leftovers(ctx, a, cfg)
			if err != nil {
				return c.Fail(err)
			}
			for _, l := range left {
				fmt.Fprintln(c.Stdout, "left     "+l)
			}
			if len(left) > 0 {
				fmt.Fprintf(c.Stdout, "leftovers: %d of %s's resources still exist in %s\n", len(left), cfg.StackName(), a.region)
				return cli.ExitFinding
			}
			fmt.Fprintf(c.Stdout, "leftovers: nothing of %s is left in %s\n", cfg.StackName(), a.region)
			return cli.ExitOK
		}
	})
}

func queriesCommand() *cli.Command {
	return accountMode(cli.Command{
		Name:    "queries",
		Summary: "acts: every saved Athena query succeeds, and Athena counts the events verify read",
		Details: `(Acts: runs queries, billed per data scanned.) Runs every saved query of the deployment's Athena workgroup
and fails on any error; then counts the distinct events of the last --since hours, which must equal
--expect-events when given (what producer verify --json read). Exit 1 on a failure.
`,
	}, func(fs *flag.FlagSet) func(context.Context, *cli.Call, *account, config.Config) int {
		since := fs.Duration("since", time.Hour, "count the events of the hours since this long ago")
		expectEvents := fs.Int("expect-events", 0, "the distinct events Athena must count (0: no check)")
		return func(ctx context.Context, c *cli.Call, a *account, cfg config.Config) int {
			if err := runQueries(ctx, a, cfg, *since, *expectEvents, c.Stdout); err != nil {
				return c.Fail(err)
			}
			return cli.ExitOK
		}
	})
}

func alarmPathCommand() *cli.Command {
	return accountMode(cli.Command{
		Name:    "alarm-path",
		Summary: "acts: an alarm set to ALARM reaches its SNS topic",
		Details: `(Acts: sets an alarm's state.) Sets the --alarm alarm to ALARM and waits for its history to show the SNS
action executed ("Failed to execute action" fails). Needs alarmEmail. Exit 1 on a failure.
`,
	}, func(fs *flag.FlagSet) func(context.Context, *cli.Call, *account, config.Config) int {
		alarmID := fs.String("alarm", "DeliveryFailed", "the alarm to set, by the id its name ends with")
		alarmWait := fs.Duration("alarm-wait", 3*time.Minute, "how long to wait for the action in the alarm's history")
		return func(ctx context.Context, c *cli.Call, a *account, cfg config.Config) int {
			if err := proveAlarmPath(ctx, a, cfg, *alarmID, *alarmWait, c.Stdout); err != nil {
				return c.Fail(err)
			}
			return cli.ExitOK
		}
	})
}
