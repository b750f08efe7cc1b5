package main

import (
	"context"
	"flag"
	"fmt"
	"math"

	"github.com/tenant-metrics-lab/tenant-metrics-lab/internal/cli"
	"github.com/tenant-metrics-lab/tenant-metrics-lab/labcheck/cost"
	"github.com/tenant-metrics-lab/tenant-metrics-lab/producer/traffic"
)

func costCommand() *cli.Command {
	return &cli.Command{
		Name:     "cost",
		Synopsis: "[--base BASE_CDK_OUT] [--short] CDK_OUT",
		Summary:  "offline: what a synthesized configuration costs a month",
		Details: `(Offline.) The monthly estimate of a synthesized configuration (a folder written by cdk synth -o), item by
item, from its templates; with --base, both totals and the items that changed.
`,
		MinArgs: 1, MaxArgs: 1,
		Setup: func(fs *flag.FlagSet) cli.Action {
			base := fs.String("base", "", "a second cloud assembly to compare with: both totals and the items that changed")
			short := fs.Bool("short", false, "print only the total line")
			return func(_ context.Context, c *cli.Call) int { return runCost(c, *base, *short) }
		},
	}
}

// runCost prints the monthly estimate of the assembly c.Args[0], or with base what changed from base's.
func runCost(c *cli.Call, base string, short bool) int {
	stdout := c.Stdout
	head, err := cost.FromAssembly(c.Args[0], traffic.Measure())
	if err != nil {
		return c.Fail(err)
	}
	if base == "" {
		if short {
			fmt.Fprintf(stdout, "total: $%.2f per month (%s)\n", head.Total(), cost.Header())
			return cli.ExitOK
		}
		head.Write(stdout)
		return cli.ExitOK
	}
	was, err := cost.FromAssembly(base, traffic.Measure())
	if err != nil {
		return c.Fail(fmt.Errorf("base: %w", err))
	}
	fmt.Fprintln(stdout, cost.Header())
	for _, ch := range cost.Changes(was, head) {
		fmt.Fprintln(stdout, ch)
	}
	delta := head.Total() - was.Total()
	sign := "+"
	if delta < 0 {
		sign = "-"
	}
	fmt.Fprintf(stdout, "base: $%.2f per month\ntotal: $%.2f per month (%s$%.2f)\n", was.Total(), head.Total(), sign, math.Abs(delta))
	return cli.ExitOK
}
