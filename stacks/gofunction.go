package stacks

import (
	"fmt"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsiam"
	"github.com/aws/aws-cdk-go/awscdk/v2/awskms"
	"github.com/aws/aws-cdk-go/awscdk/v2/awslambda"
	"github.com/aws/aws-cdk-go/awscdk/v2/awslogs"
	"github.com/aws/jsii-runtime-go"

	"github.com/tenant-metrics-lab/tenant-metrics-lab/internal/modroot"
	"github.com/tenant-metrics-lab/tenant-metrics-lab/stacks/config"
)

// goFunction describes one of the repository's Go commands deployed as a Lambda function (the producer, the
// transformer): what differs between them; newGoFunction adds what they share.
type goFunction struct {
	id              string // construct id of the function; its log group, role and policy are <id>Logs, <id>Role, <id>RolePolicy
	pkg             string // the command's package directory under the module root
	description     string
	roleDescription string
	statements      []awsiam.PolicyStatement // what the role may do beyond writing the function's own logs
	memoryMiB       int
	timeout         awscdk.Duration
	reserved        *float64            // reserved concurrency; nil reserves none
	environment     *map[string]*string // nil: none
	logsKey         awskms.IKey         // encrypts the log group (the stack's own key with encryption=kms); nil: CloudWatch Logs' own
}

// newGoFunction bundles f's command as an arm64 function with its own log group at the stack's retention and a
// role that may write those logs and do f.statements, nothing else. The function depends on the role's policy, so
// it never runs before it may write its logs.
func newGoFunction(stack awscdk.Stack, cfg config.Config, pl plan, f goFunction) (awslambda.Function, awslogs.LogGroup) {
	root, err := modroot.Find()
	if err != nil {
		panic(fmt.Sprintf("stacks: locate the %s source: %v", f.pkg, err))
	}
	logs := awslogs.NewLogGroup(stack, jsii.String(f.id+"Logs"), &awslogs.LogGroupProps{
		Retention:     retentionDays(cfg.LogRetentionDays),
		RemovalPolicy: pl.removal,
		EncryptionKey: f.logsKey,
	})
	role := awsiam.NewRole(stack, jsii.String(f.id+"Role"), &awsiam.RoleProps{
		Description: jsii.String(f.roleDescription),
		AssumedBy:   awsiam.NewServicePrincipal(jsii.String("lambda.amazonaws.com"), nil),
	})
	statements := append(f.statements,
		awsiam.NewPolicyStatement(&awsiam.PolicyStatementProps{
			Sid:       jsii.String("OwnLogs"),
			Actions:   jsii.Strings("logs:CreateLogStream", "logs:PutLogEvents"),
			Resources: &[]*string{logs.LogGroupArn()},
		}),
		noUnownedLogGroups(),
	)
	policy := awsiam.NewPolicy(stack, jsii.String(f.id+"RolePolicy"), &awsiam.PolicyProps{
		Roles:      &[]awsiam.IRole{role},
		Statements: &statements,
	})
	fn := awslambda.NewFunction(stack, jsii.String(f.id), &awslambda.FunctionProps{
		Description:                  jsii.String(f.description),
		Runtime:                      awslambda.Runtime_PROVIDED_AL2023(),
		Architecture:                 awslambda.Architecture_ARM_64(),
		Handler:                      jsii.String("bootstrap"),
		Code:                         goLambdaCode(root, f.pkg),
		MemorySize:                   jsii.Number(float64(f.memoryMiB)),
		Timeout:                      f.timeout,
		ReservedConcurrentExecutions: f.reserved,
		Role:                         role,
		LogGroup:                     logs,
		Environment:                  f.environment,
	})
	fn.Node().AddDependency(policy)
	return fn, logs
}
