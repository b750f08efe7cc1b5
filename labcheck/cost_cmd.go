package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"math"

	"github.com/tenant-metrics-lab/tenant-metrics-lab/labcheck/cost"
	"github.com/tenant-metrics-lab/tenant-metrics-lab/producer/traffic"
)

// runCost is `labcheck cost [--base BASE_CDK_OUT] CDK_OUT`: offline, the monthly estimate of a synthesized
// configuration, or of two and what changed between them.
func runCost(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("labcheck cost", flag.ContinueOnError)
	fs.SetOutput(stderr)
	base := fs.String("base", "", "a second cloud assembly to compare with: both totals and the items that changed")
	short := fs.Bool("short", false, "print only the total line")
	fs.Usage = func() {
		fmt.Fprintln(fs.Output(), "Usage: labcheck cost [--base BASE_CDK_OUT] [--short] CDK_OUT   (folders written by cdk synth -o)")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return exitOK
		}
		return exitUsage
	}
	if fs.NArg() != 1 {
		fmt.Fprintf(stderr, "labcheck cost: want one CDK_OUT, got %d argument(s)\n", fs.NArg())
		fs.Usage()
		return exitUsage
	}
	head, err := cost.FromAssembly(fs.Arg(0), traffic.Measure())
	if err != nil {
		fmt.Fprintf(stderr, "labcheck cost: %v\n", err)
		return exitFound
	}
	if *base == "" {
		if *short {
			fmt.Fprintf(stdout, "total: $%.2f per month (%s)\n", head.Total(), cost.Header())
			return exitOK
		}
		head.Write(stdout)
		return exitOK
	}
	was, err := cost.FromAssembly(*base, traffic.Measure())
	if err != nil {
		fmt.Fprintf(stderr, "labcheck cost: base: %v\n", err)
		return exitFound
	}
	fmt.Fprintln(stdout, cost.Header())
	for _, c := range cost.Changes(was, head) {
		fmt.Fprintln(stdout, c)
	}
	delta := head.Total() - was.Total()
	sign := "+"
	if delta < 0 {
		sign = "-"
	}
	fmt.Fprintf(stdout, "base: $%.2f per month\ntotal: $%.2f per month (%s$%.2f)\n", was.Total(), head.Total(), sign, math.Abs(delta))
	return exitOK
}
