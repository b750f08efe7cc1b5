// Command labcheck looks at a real AWS account for the lab's configuration (cdk.json plus the CDK_ARGS overrides
// `make deploy` passes on), or offline at synthesized cloud assemblies:
//
//	labcheck preflight    read-only: what would make `cdk deploy` fail, before CloudFormation finds out minutes in
//	labcheck leftovers    read-only: what of the deployment still exists after `cdk destroy`
//	labcheck queries      the account run: every saved Athena query succeeds, and Athena counts the events verify read
//	labcheck alarm-path   the account run: an alarm set to ALARM reaches its SNS topic
//	labcheck updates      offline: what deploying one synthesized cloud assembly over another does
//	labcheck cost         offline: what a synthesized configuration costs, month by month for a year
//
// Exit status: 0 when nothing blocks (preflight), nothing is left (leftovers) or the proof holds; 1 when something
// does, is, or does not, or the account cannot be read (no credentials, no region: one sentence); 2 for usage errors.
package main

import (
	"context"
	"io"
	"os"
	"os/signal"

	"github.com/tenant-metrics-lab/tenant-metrics-lab/internal/cli"
)

const footer = `preflight, leftovers, queries and alarm-path read cdk.json and the CDK CLI arguments in --cdk-args (default:
$CDK_ARGS), e.g. "-c namePrefix=alice --profile lab", so they check the configuration and account that make deploy
and make destroy use.

Exit status: 0 when nothing blocks, nothing is left or the proof holds; 1 when something blocks, is left or fails,
or the account cannot be read; 2 for usage errors.`

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	code := run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}

func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	p := &cli.Program{
		Name:   "labcheck",
		Noun:   "mode",
		Header: "labcheck checks an AWS account for the lab's configuration, or synthesized cloud assemblies offline.",
		Footer: footer,
		Commands: []*cli.Command{
			preflightCommand(), leftoversCommand(), queriesCommand(), alarmPathCommand(), updatesCommand(), costCommand(),
		},
	}
	return p.Run(ctx, args, stdout, stderr)
}
