package main

import (
	"errors"
	"flag"
	"fmt"
	"time"

	"github.com/tenant-metrics-lab/tenant-metrics-lab/internal/awsclient"
	"github.com/tenant-metrics-lab/tenant-metrics-lab/producer/telemetry"
)

// generatorFlags are the event-content flags shared by send and print.
type generatorFlags struct {
	seed      uint64
	startDate string
	days      int
	runID     string
}

func (g *generatorFlags) register(fs *flag.FlagSet) {
	fs.Uint64Var(&g.seed, "seed", 0, "make the sequence of events reproducible (event ids stay unique per run unless --run-id is fixed)")
	fs.StringVar(&g.startDate, "start-date", "", "backfill: first day (YYYY-MM-DD, UTC) of random timestamps, like the original generator")
	fs.IntVar(&g.days, "days", 0, "backfill: number of days from --start-date to spread timestamps over (default 1 with --start-date)")
	fs.StringVar(&g.runID, "run-id", "", "prefix of every event id (default: random per run)")
}

// options turns the flags into generator options; seedSet says whether --seed was given (0 is a seed too).
func (g *generatorFlags) options(seedSet bool) (telemetry.Options, error) {
	o := telemetry.Options{RunID: g.runID}
	if seedSet {
		o.Seed, o.HasSeed = g.seed, true
	}
	if g.days < 0 {
		return o, fmt.Errorf("--days %d: must be 1 or more", g.days)
	}
	if g.days > 0 && g.startDate == "" {
		return o, errors.New("--days needs --start-date")
	}
	if g.startDate != "" {
		start, err := time.Parse(time.DateOnly, g.startDate)
		if err != nil {
			return o, fmt.Errorf("--start-date %q: want YYYY-MM-DD", g.startDate)
		}
		o.Backfill = telemetry.Backfill{Start: start, Days: max(g.days, 1)}
	}
	return o, nil
}

// registerAWSFlags adds the account, region and endpoint flags every AWS-facing command takes.
func registerAWSFlags(fs *flag.FlagSet, o *awsclient.Options, endpointDoc string) {
	fs.StringVar(&o.Region, "region", "", "AWS region (default: AWS_REGION or the profile's region)")
	fs.StringVar(&o.Profile, "profile", "", "AWS shared-config profile (default: AWS_PROFILE or default)")
	fs.StringVar(&o.EndpointURL, "endpoint-url", "", endpointDoc)
}
