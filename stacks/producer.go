package stacks

import (
	"fmt"
	"strconv"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsevents"
	"github.com/aws/aws-cdk-go/awscdk/v2/awseventstargets"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsiam"
	"github.com/aws/aws-cdk-go/awscdk/v2/awslambda"
	"github.com/aws/aws-cdk-go/awscdk/v2/awslogs"
	"github.com/aws/jsii-runtime-go"

	"github.com/tenant-metrics-lab/tenant-metrics-lab/internal/modroot"
	"github.com/tenant-metrics-lab/tenant-metrics-lab/producer/lambdamode"
	"github.com/tenant-metrics-lab/tenant-metrics-lab/producer/send"
)

// Producer function settings. The timeout is the schedule's period, so with reserved concurrency 1 one
// invocation sends for most of each minute and the next starts as it ends.
const (
	producerMemoryMiB = 128
	producerTimeout   = 60 // seconds
	producerPackage   = "producer"
)

// ProducerFunction is the scheduled producer and what operators need to find it.
type ProducerFunction struct {
	Function awslambda.Function
	Schedule awsevents.Rule
	Logs     awslogs.LogGroup
}

// addProducer bundles the Go producer as a Lambda function that a one-minute schedule invokes, so data flows
// into the stream right after `cdk deploy` and stops with `cdk destroy`.
func addProducer(p *Pipeline, removal awscdk.RemovalPolicy) *ProducerFunction {
	stack, cfg := p.Stack, p.Config
	root, err := modroot.Find()
	if err != nil {
		panic(fmt.Sprintf("stacks: locate the producer source: %v", err))
	}
	logs := awslogs.NewLogGroup(stack, jsii.String("ProducerLogs"), &awslogs.LogGroupProps{
		Retention:     retentionDays(cfg.LogRetentionDays),
		RemovalPolicy: removal,
	})
	role := awsiam.NewRole(stack, jsii.String("ProducerRole"), &awsiam.RoleProps{
		Description: jsii.String("Lets the producer function put records to the lab's stream and write its own logs"),
		AssumedBy:   awsiam.NewServicePrincipal(jsii.String("lambda.amazonaws.com"), nil),
	})
	policy := awsiam.NewPolicy(stack, jsii.String("ProducerRolePolicy"), &awsiam.PolicyProps{
		Roles: &[]awsiam.IRole{role},
		Statements: &[]awsiam.PolicyStatement{
			awsiam.NewPolicyStatement(&awsiam.PolicyStatementProps{
				Sid:       jsii.String("PutToTheLabStream"),
				Actions:   jsii.Strings("kinesis:ListShards", "kinesis:PutRecords"),
				Resources: &[]*string{p.Stream.StreamArn()},
			}),
			awsiam.NewPolicyStatement(&awsiam.PolicyStatementProps{
				Sid:       jsii.String("OwnLogs"),
				Actions:   jsii.Strings("logs:CreateLogStream", "logs:PutLogEvents"),
				Resources: &[]*string{logs.LogGroupArn()},
			}),
		},
	})
	fn := awslambda.NewFunction(stack, jsii.String("Producer"), &awslambda.FunctionProps{
		Description:  jsii.String("Sends tenant telemetry events to " + cfg.ResourceName(cfg.StreamName) + " at a steady rate"),
		Runtime:      awslambda.Runtime_PROVIDED_AL2023(),
		Architecture: awslambda.Architecture_ARM_64(),
		Handler:      jsii.String("bootstrap"),
		Code:         goLambdaCode(root, producerPackage),
		MemorySize:   jsii.Number(producerMemoryMiB),
		Timeout:      awscdk.Duration_Seconds(jsii.Number(producerTimeout)),
		// One at a time: a slow run never overlaps the next one and doubles the rate.
		ReservedConcurrentExecutions: jsii.Number(1),
		Role:                         role,
		LogGroup:                     logs,
		Environment: &map[string]*string{
			lambdamode.EnvStream:       p.Stream.StreamName(),
			lambdamode.EnvRate:         jsii.String(strconv.Itoa(cfg.ProducerRate)),
			lambdamode.EnvPartitionKey: jsii.String(send.KeyTenant),
		},
	})
	// The function must not start before it may write its logs and put records.
	fn.Node().AddDependency(policy)
	schedule := awsevents.NewRule(stack, jsii.String("ProducerSchedule"), &awsevents.RuleProps{
		Description: jsii.String("Invokes the producer every minute; disable this rule to pause the flow"),
		Schedule:    awsevents.Schedule_Rate(awscdk.Duration_Minutes(jsii.Number(1))),
		Targets: &[]awsevents.IRuleTarget{awseventstargets.NewLambdaFunction(fn, &awseventstargets.LambdaFunctionProps{
			// A missed minute is simply skipped: the next invocation comes a minute later anyway.
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
