package main

import (
	"context"
	"flag"
	"fmt"

	"github.com/tenant-metrics-lab/tenant-metrics-lab/internal/cfnspec"
	"github.com/tenant-metrics-lab/tenant-metrics-lab/internal/cli"
	"github.com/tenant-metrics-lab/tenant-metrics-lab/labcheck/cost"
	"github.com/tenant-metrics-lab/tenant-metrics-lab/labcheck/updates"
	"github.com/tenant-metrics-lab/tenant-metrics-lab/producer/traffic"
)

func updatesCommand() *cli.Command {
	return &cli.Command{
		Name:     "updates",
		Synopsis: "[--spec FILE] BASE_CDK_OUT HEAD_CDK_OUT",
		Summary:  "offline: what deploying one synthesized cloud assembly over another does",
		Details: `(Offline, no AWS access.) What deploying HEAD over BASE (two folders written by cdk synth -o) does, one
line per finding: FAILS (CloudFormation or the service refuses; exit 1), LOSES DATA, REPLACES, INTERRUPTS.
`,
		MinArgs: 2, MaxArgs: 2,
		Setup: func(fs *flag.FlagSet) cli.Action {
			specFile := fs.String("spec", "", "the AWS service specification (default: the CDK CLI's, "+cfnspec.Path+" in the repository, which npm ci installs)")
			return func(_ context.Context, c *cli.Call) int { return runUpdates(c, *specFile) }
		},
	}
}

// runUpdates prints what deploying the stacks of the assembly c.Args[1] over those of c.Args[0] does.
func runUpdates(c *cli.Call, specFile string) int {
	spec, err := loadSpec(specFile)
	if err != nil {
		return c.Fail(err)
	}
	findings, err := updates.CompareAssemblies(c.Args[0], c.Args[1], spec)
	if err != nil {
		return c.Usagef("%v", err)
	}
	var left *cost.Estimate // the base assembly's estimate, read once for the stacks it leaves running
	for _, f := range findings {
		if f.LogicalID == "(stack)" {
			if left == nil {
				left, _ = cost.FromAssembly(c.Args[0], traffic.Measure())
			}
			if left != nil {
				// A stack left beside the new one goes on billing: say how much.
				f.Reason += fmt.Sprintf(", about $%.2f a month at list prices (labcheck cost)", left.Total())
			}
		}
		fmt.Fprintln(c.Stdout, f)
	}
	if updates.Failed(findings) {
		fmt.Fprintf(c.Stdout, "updates: this deploy would fail: CloudFormation would roll back (%d finding(s))\n", len(findings))
		return cli.ExitFinding
	}
	fmt.Fprintf(c.Stdout, "updates: nothing fails (%d finding(s))\n", len(findings))
	return cli.ExitOK
}

// loadSpec reads the specification at path, or with no path the one npm installed in this repository.
func loadSpec(path string) (*cfnspec.Spec, error) {
	if path != "" {
		return cfnspec.Load(path)
	}
	return cfnspec.Installed(repoRoot())
}
