package stacks

import (
	"strconv"
	"time"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsevents"
	"github.com/aws/aws-cdk-go/awscdk/v2/awseventstargets"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsiam"
	"github.com/aws/aws-cdk-go/awscdk/v2/awskinesis"
	"github.com/aws/aws-cdk-go/awscdk/v2/awskms"
	"github.com/aws/aws-cdk-go/awscdk/v2/awslambda"
	"github.com/aws/aws-cdk-go/awscdk/v2/awslogs"
	"github.com/aws/jsii-runtime-go"

	"github.com/tenant-metrics-lab/tenant-metrics-lab/internal/lab"
	"github.com/tenant-metrics-lab/tenant-metrics-lab/stacks/config"
)

// Producer function settings; the timing (schedule, timeout, event age) is internal/lab's, which the handler reads too.
const (
	producerMemoryMiB = 128
	producerPackage   = "producer"
)

// ProducerFunction is the scheduled producer and what operators need to find it.
type ProducerFunction struct {
	Function awslambda.Function
	Schedule awsevents.Rule
	Logs     awslogs.LogGroup
}

// newProducer bundles the Go producer as a Lambda function that a one-minute schedule invokes, so data flows
// into stream right after `cdk deploy` and stops with `cdk destroy`.
func newProducer(stack awscdk.Stack, cfg config.Config, pl plan, stream awskinesis.IStream, key, logsKey awskms.IKey) *ProducerFunction {
	put := []awsiam.PolicyStatement{awsiam.NewPolicyStatement(&awsiam.PolicyStatementProps{
		Sid:       jsii.String("PutToTheLabStream"),
		Actions:   jsii.Strings("kinesis:ListShards", "kinesis:PutRecords"),
		Resources: &[]*string{stream.StreamArn()},
	})}
	if key != nil {
		put = append(put, kinesisKeyStatement(key, stream))
	}
	fn, logs := newGoFunction(stack, cfg, pl, goFunction{
		id:              "Producer",
		pkg:             producerPackage,
		description:     "Sends tenant telemetry events to " + cfg.KinesisStreamName() + " at a steady rate",
		roleDescription: "Lets the producer function put records to the lab's stream and write its own logs",
		statements:      put,
		memoryMiB:       producerMemoryMiB,
		logsKey:         logsKey,
		// Below the schedule period: an invocation ends before the next can start, so runs never overlap without
		// reserved concurrency (lab.TestInvocationsNeverOverlap proves the arithmetic for every rate).
		timeout: seconds(lab.FunctionTimeout),
		// Opt-in only: a new account's concurrency quota is 10 and Lambda keeps at least that much unreserved, so any
		// reservation there rolls the stack back.
		// https://docs.aws.amazon.com/lambda/latest/dg/configuration-concurrency.html
		reserved: reservedConcurrency(cfg.ProducerReservedConcurrency),
		environment: &map[string]*string{
			lab.EnvStream:       stream.StreamName(),
			lab.EnvRate:         jsii.String(strconv.Itoa(cfg.ProducerRate)),
			lab.EnvPartitionKey: jsii.String(lab.KeyTenant),
			lab.EnvAggregate:    jsii.String(strconv.FormatBool(cfg.ProducerAggregate)),
		},
	})
	// EventBridge invokes asynchronously; by default Lambda retries a failed or throttled event for up to 6 hours.
	// No retries and an event age of one period make a missed minute really skipped.
	// https://docs.aws.amazon.com/lambda/latest/dg/invocation-async-error-handling.html
	fn.ConfigureAsyncInvoke(&awslambda.EventInvokeConfigOptions{
		RetryAttempts: jsii.Number(0),
		MaxEventAge:   seconds(lab.MaxEventAge),
	})
	schedule := awsevents.NewRule(stack, jsii.String("ProducerSchedule"), &awsevents.RuleProps{
		Description: jsii.String("Invokes the producer every minute; disable this rule to pause the flow"),
		Schedule:    awsevents.Schedule_Rate(seconds(lab.SchedulePeriod)),
		Targets: &[]awsevents.IRuleTarget{awseventstargets.NewLambdaFunction(fn, &awseventstargets.LambdaFunctionProps{
			// EventBridge's own retries cover failures to reach Lambda; the next tick comes a minute later anyway.
			RetryAttempts: jsii.Number(0),
		})},
	})

	name := *fn.FunctionName()
	out := func(id, value, description string) { addOutput(stack, id, value, description) }
	out("ProducerFunctionName", name, "Lambda function that sends telemetry events every minute")
	out("ProducerLogsCommand", "aws logs tail "+*logs.LogGroupName()+" --follow", "Follow the producer's logs")
	out("ProducerPauseCommand", "aws events disable-rule --name "+*schedule.RuleName(), "Pause the flow of events")
	out("ProducerResumeCommand", "aws events enable-rule --name "+*schedule.RuleName(), "Resume the flow of events")
	return &ProducerFunction{Function: fn, Schedule: schedule, Logs: logs}
}

// seconds converts a Go duration into a CDK one.
func seconds(d time.Duration) awscdk.Duration {
	return awscdk.Duration_Seconds(jsii.Number(d.Seconds()))
}

// reservedConcurrency is nil (no reservation) for 0.
func reservedConcurrency(n int) *float64 {
	if n == 0 {
		return nil
	}
	return jsii.Number(float64(n))
}
