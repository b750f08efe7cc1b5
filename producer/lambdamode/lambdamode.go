// Package lambdamode runs the producer as an AWS Lambda function. Each invocation sends events at the configured
// rate for a window that ends safely before the function's deadline, waits for everything in flight, and returns
// a summary; an invocation that could not deliver every event fails, so it shows in the function's Errors metric.
// The sending itself is send.Run, the same code as the CLI's `send`.
package lambdamode

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"strconv"
	"time"

	"github.com/aws/aws-lambda-go/lambda"

	"github.com/tenant-metrics-lab/tenant-metrics-lab/internal/awsclient"
	"github.com/tenant-metrics-lab/tenant-metrics-lab/internal/lab"
	"github.com/tenant-metrics-lab/tenant-metrics-lab/producer/send"
	"github.com/tenant-metrics-lab/tenant-metrics-lab/producer/streamwriter"
)

// Config is the function's configuration, read from its environment.
type Config struct {
	Stream       string
	Rate         float64
	PartitionKey string
	Aggregate    bool
}

// ConfigFromEnv reads and validates the configuration.
func ConfigFromEnv(getenv func(string) string) (Config, error) {
	c := Config{Stream: getenv(lab.EnvStream), PartitionKey: getenv(lab.EnvPartitionKey)}
	if c.PartitionKey == "" {
		c.PartitionKey = lab.KeyTenant
	}
	rate, err := strconv.ParseFloat(getenv(lab.EnvRate), 64)
	if err != nil || rate <= 0 {
		return c, fmt.Errorf("%s=%q: must be a number of events per second above 0", lab.EnvRate, getenv(lab.EnvRate))
	}
	c.Rate = rate
	switch v := getenv(lab.EnvAggregate); v {
	case "", "false":
	case "true":
		c.Aggregate = true
	default:
		return c, fmt.Errorf("%s=%q: must be true or false", lab.EnvAggregate, v)
	}
	if c.Stream == "" {
		return c, fmt.Errorf("%s is not set", lab.EnvStream)
	}
	return c, nil
}

// Result is what an invocation returns.
type Result struct {
	Stream      string  `json:"stream"`
	Generated   int64   `json:"generated"`
	Accepted    int64   `json:"accepted"`
	Undelivered int64   `json:"undelivered"`
	Retried     int64   `json:"retried"`
	Throttled   int64   `json:"throttled"`
	Seconds     float64 `json:"seconds"`
}

// Handler sends one window of events per invocation.
type Handler struct {
	API    streamwriter.API
	Config Config
}

// Handle runs one invocation; ctx must carry the invocation's deadline.
func (h Handler) Handle(ctx context.Context) (Result, error) {
	deadline, ok := ctx.Deadline()
	if !ok {
		return Result{}, errors.New("invocation has no deadline")
	}
	remaining := time.Until(deadline)
	window, flush := lab.Plan(remaining)
	if window <= 0 {
		return Result{}, fmt.Errorf("only %v left before the deadline", remaining)
	}
	sum, err := send.Run(ctx, h.API, send.Options{
		Stream:       h.Config.Stream,
		Rate:         h.Config.Rate,
		Duration:     window,
		PartitionKey: h.Config.PartitionKey,
		FlushTimeout: flush,
		Writer:       streamwriter.Options{Aggregate: h.Config.Aggregate},
	})
	res := Result{
		Stream: h.Config.Stream, Generated: sum.Generated, Accepted: sum.Accepted, Undelivered: sum.Undelivered(),
		Retried: sum.Retried, Throttled: sum.Throttled, Seconds: sum.Elapsed.Seconds(),
	}
	slog.InfoContext(ctx, "invocation finished", "result", res, "error", err)
	return res, err
}

// Start serves invocations until the runtime stops the process; it is main's entry point in handler mode.
func Start() {
	slog.SetDefault(slog.New(slog.NewJSONHandler(os.Stdout, nil)))
	cfg, err := ConfigFromEnv(os.Getenv)
	if err != nil {
		slog.Error("bad function configuration", "error", err)
		os.Exit(1)
	}
	client, err := awsclient.Kinesis(context.Background(), awsclient.Options{})
	if err != nil {
		slog.Error("AWS client", "error", err)
		os.Exit(1)
	}
	lambda.Start(Handler{API: client, Config: cfg}.Handle)
}
