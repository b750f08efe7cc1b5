package main

import (
	"context"
	"flag"
	"fmt"

	"github.com/tenant-metrics-lab/tenant-metrics-lab/internal/cli"
	"github.com/tenant-metrics-lab/tenant-metrics-lab/internal/event"
	"github.com/tenant-metrics-lab/tenant-metrics-lab/producer/telemetry"
)

func printCommand() *cli.Command {
	return &cli.Command{
		Name:     "print",
		Synopsis: "[--count N] [--seed N] [--start-date YYYY-MM-DD --days N]",
		Summary:  "write events to stdout as NDJSON (no AWS needed)",
		Details:  "Writes telemetry events to stdout, one JSON object per line, without any AWS access.\n",
		Setup: func(fs *flag.FlagSet) cli.Action {
			count := fs.Int64("count", 10, "number of events to print")
			var g generatorFlags
			g.register(fs)
			return func(_ context.Context, c *cli.Call) int { return runPrint(c, *count, &g) }
		},
	}
}

func runPrint(c *cli.Call, count int64, g *generatorFlags) int {
	if count < 0 {
		return c.Usagef("--count %d: must be 0 or more", count)
	}
	opts, err := g.options(c.Set("seed"))
	if err != nil {
		return c.Usagef("%v", err)
	}
	gen, err := telemetry.NewGenerator(opts)
	if err != nil {
		return c.Usagef("%v", err)
	}
	var e event.Event
	buf := make([]byte, 0, 64<<10)
	for i := int64(0); i < count; i++ {
		gen.Next(&e)
		buf = event.AppendNDJSON(buf, &e)
		if len(buf) > 60<<10 || i == count-1 {
			if _, err := c.Stdout.Write(buf); err != nil {
				return c.Fail(fmt.Errorf("write: %w", err))
			}
			buf = buf[:0]
		}
	}
	return cli.ExitOK
}
