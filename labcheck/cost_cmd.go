package main

import (
	"context"
	"flag"
	"fmt"

	"github.com/tenant-metrics-lab/tenant-metrics-lab/internal/cli"
	"github.com/tenant-metrics-lab/tenant-metrics-lab/labcheck/cost"
	"github.com/tenant-metrics-lab/tenant-metrics-lab/producer/traffic"
)

func costCommand() *cli.Command {
	return &cli.Command{
		Name:     "cost",
		Synopsis: "[--base BASE_CDK_OUT [--markdown]] [--short] CDK_OUT",
		Summary:  "offline: what a synthesized configuration costs, month by month for a year",
		Details: `(Offline.) The estimate of a synthesized configuration (a folder written by cdk synth -o), item by item,
from its templates: month 1 and month 12, fixed and traffic, the always-free tier, the assumptions and the
source of every price. With --base, both totals and the items that changed; --markdown writes that as the
pull-request comment's table and chart.
`,
		MinArgs: 1, MaxArgs: 1,
		Setup: func(fs *flag.FlagSet) cli.Action {
			base := fs.String("base", "", "a second cloud assembly to compare with: both totals and the items that changed")
			short := fs.Bool("short", false, "print only the total line")
			markdown := fs.Bool("markdown", false, "with --base: a Markdown table of the changes and a Mermaid chart of the twelve months")
			return func(_ context.Context, c *cli.Call) int {
				if *markdown && *base == "" {
					return c.Usagef("--markdown compares two estimates: it needs --base")
				}
				return runCost(c, *base, *short, *markdown)
			}
		},
	}
}

// runCost prints the monthly estimate of the assembly c.Args[0], or with base what changed from base's.
func runCost(c *cli.Call, base string, short, markdown bool) int {
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
	if markdown {
		fmt.Fprintln(stdout)
		cost.Markdown(stdout, was, head)
		fmt.Fprint(stdout, "\n<details><summary>Assumptions of this change's estimate</summary>\n\n")
		for _, a := range head.Assumptions {
			fmt.Fprintf(stdout, "- %s\n", a)
		}
		fmt.Fprintln(stdout, "\n</details>")
		return cli.ExitOK
	}
	for _, ch := range cost.Changes(was, head) {
		fmt.Fprintln(stdout, ch)
	}
	m := cost.Months
	fmt.Fprintf(stdout, "month %d: $%.2f -> $%.2f (%s)\n", m, was.TotalIn(m), head.TotalIn(m), cost.Difference(was.TotalIn(m), head.TotalIn(m)))
	fmt.Fprintf(stdout, "base: $%.2f per month\ntotal: $%.2f per month (%s)\n", was.Total(), head.Total(), cost.Difference(was.Total(), head.Total()))
	return cli.ExitOK
}
