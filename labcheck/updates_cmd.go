package main

import (
	"errors"
	"flag"
	"fmt"
	"io"

	"github.com/tenant-metrics-lab/tenant-metrics-lab/internal/cfnspec"
	"github.com/tenant-metrics-lab/tenant-metrics-lab/labcheck/cost"
	"github.com/tenant-metrics-lab/tenant-metrics-lab/labcheck/updates"
	"github.com/tenant-metrics-lab/tenant-metrics-lab/producer/traffic"
)

// runUpdates is `labcheck updates BASE HEAD`: offline, it prints what deploying HEAD's stacks over BASE's does.
func runUpdates(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("labcheck updates", flag.ContinueOnError)
	fs.SetOutput(stderr)
	specFile := fs.String("spec", specPath(), "the AWS service specification the CDK CLI ships (npm ci installs it)")
	fs.Usage = func() {
		fmt.Fprintln(fs.Output(), "Usage: labcheck updates [--spec FILE] BASE_CDK_OUT HEAD_CDK_OUT   (two folders written by cdk synth -o)")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return exitOK
		}
		return exitUsage
	}
	if fs.NArg() != 2 {
		fmt.Fprintf(stderr, "labcheck updates: want BASE_CDK_OUT HEAD_CDK_OUT, got %d argument(s)\n", fs.NArg())
		fs.Usage()
		return exitUsage
	}
	spec, err := cfnspec.Load(*specFile)
	if err != nil {
		fmt.Fprintf(stderr, "labcheck updates: %v\n", err)
		return exitFound
	}
	findings, err := updates.CompareAssemblies(fs.Arg(0), fs.Arg(1), spec)
	if err != nil {
		fmt.Fprintf(stderr, "labcheck updates: %v\n", err)
		return exitUsage
	}
	var left *cost.Estimate // the base assembly's estimate, read once for the stacks it leaves running
	for _, f := range findings {
		if f.LogicalID == "(stack)" {
			if left == nil {
				left, _ = cost.FromAssembly(fs.Arg(0), traffic.Measure())
			}
			if left != nil {
				// A stack left beside the new one goes on billing: say how much.
				f.Reason += fmt.Sprintf(", about $%.2f a month at list prices (labcheck cost)", left.Total())
			}
		}
		fmt.Fprintln(stdout, f)
	}
	if updates.Failed(findings) {
		fmt.Fprintf(stdout, "updates: this deploy would fail: CloudFormation would roll back (%d finding(s))\n", len(findings))
		return exitFound
	}
	fmt.Fprintf(stdout, "updates: nothing fails (%d finding(s))\n", len(findings))
	return exitOK
}
