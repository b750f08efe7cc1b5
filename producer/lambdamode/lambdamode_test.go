package lambdamode

import (
	"context"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/tenant-metrics-lab/tenant-metrics-lab/internal/lab"
	"github.com/tenant-metrics-lab/tenant-metrics-lab/internal/testing/kinesisemu"
)

func TestMain(m *testing.M) { os.Exit(kinesisemu.RunTests(m)) }

// TestHandlerStopsBeforeTheDeadlineWithExactCounts invokes the handler in-process against the Kinesis emulator,
// with a deadline as the Lambda runtime would set it.
func TestHandlerStopsBeforeTheDeadlineWithExactCounts(t *testing.T) {
	emu := kinesisemu.Require(t)
	stream := emu.NewStream(t, 1)
	h := Handler{API: emu.Client(), Config: Config{Stream: stream, Rate: 200, PartitionKey: "tenant"}}
	ctx, cancel := context.WithTimeout(t.Context(), 4*time.Second)
	defer cancel()
	deadline, _ := ctx.Deadline()

	res, err := h.Handle(ctx)
	if err != nil {
		t.Fatalf("handle: %v (%+v)", err, res)
	}
	if left := time.Until(deadline); left <= 0 {
		t.Fatalf("handler returned %v after its deadline", -left)
	}
	// A 4 s invocation sends for about 2.7 s at 200 events/s.
	if res.Generated < 400 || res.Generated > 600 || res.Accepted != res.Generated || res.Undelivered != 0 {
		t.Fatalf("result %+v", res)
	}
	if got := len(emu.ReadAll(t, stream)); int64(got) != res.Accepted {
		t.Fatalf("stream holds %d records, handler reported %d accepted", got, res.Accepted)
	}
}

func TestHandlerFailsTheInvocationWhenEventsAreUndelivered(t *testing.T) {
	emu := kinesisemu.Require(t)
	h := Handler{API: emu.Client(), Config: Config{Stream: "no-such-stream", Rate: 10, PartitionKey: "tenant"}}
	ctx, cancel := context.WithTimeout(t.Context(), 3*time.Second)
	defer cancel()
	if _, err := h.Handle(ctx); err == nil {
		t.Fatal("an invocation that delivered nothing succeeded")
	}
	if _, err := h.Handle(t.Context()); err == nil || !strings.Contains(err.Error(), "deadline") {
		t.Fatalf("no deadline: %v", err)
	}
}

func TestConfigFromEnv(t *testing.T) {
	env := func(m map[string]string) func(string) string { return func(k string) string { return m[k] } }
	const EnvStream, EnvRate = lab.EnvStream, lab.EnvRate
	c, err := ConfigFromEnv(env(map[string]string{EnvStream: "s", EnvRate: "10"}))
	if err != nil || c.Stream != "s" || c.Rate != 10 || c.PartitionKey != "tenant" {
		t.Fatalf("%+v %v", c, err)
	}
	c, err = ConfigFromEnv(env(map[string]string{EnvStream: "s", EnvRate: "10", lab.EnvAggregate: "true"}))
	if err != nil || !c.Aggregate {
		t.Fatalf("AGGREGATE=true: %+v %v", c, err)
	}
	for _, bad := range []map[string]string{
		{EnvRate: "10"}, {EnvStream: "s"}, {EnvStream: "s", EnvRate: "0"}, {EnvStream: "s", EnvRate: "fast"},
		{EnvStream: "s", EnvRate: "10", lab.EnvAggregate: "yes"},
	} {
		if _, err := ConfigFromEnv(env(bad)); err == nil {
			t.Errorf("%v accepted", bad)
		}
	}
}
