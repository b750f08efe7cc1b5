package stacks

import (
	"strings"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsiam"
	"github.com/aws/aws-cdk-go/awscdk/v2/awslambda"
	"github.com/aws/aws-cdk-go/awscdk/v2/awslogs"
	"github.com/aws/jsii-runtime-go"

	"github.com/tenant-metrics-lab/tenant-metrics-lab/stacks/config"
)

// ownAutoDeleteLogs gives every Lambda function that has no log group of its own (in practice aws-cdk-lib's
// auto-delete provider, a CfnResource we cannot configure) the log group Lambda would create for it, so that it
// has a finite retention and goes with the stack. Lambda creates /aws/lambda/<function name> on the first
// invocation, outside CloudFormation, and it survives `cdk destroy` otherwise (aws-cdk issue 26553).
// https://docs.aws.amazon.com/lambda/latest/dg/monitoring-cloudwatchlogs-loggroups.html
// Every custom resource depends on these groups, so they exist before the provider's first invocation (at create
// time) and are deleted only after its last one (the delete that empties the buckets).
func ownAutoDeleteLogs(stack awscdk.Stack, cfg config.Config, pl plan) {
	var groups []awscdk.CfnResource
	var customs []awscdk.CfnResource
	for _, res := range cfnResources(stack) {
		typ := *res.CfnResourceType()
		switch {
		case strings.HasPrefix(typ, "Custom::") || typ == "AWS::CloudFormation::CustomResource":
			customs = append(customs, res)
		case typ == "AWS::Lambda::Function":
			if fn, ok := res.(awslambda.CfnFunction); ok && fn.LoggingConfig() != nil {
				continue // the function names its own log group (the producer does)
			}
			// Named after the construct that owns the function, e.g. CustomS3AutoDeleteObjectsCustomResourceProviderLogs.
			id := strings.ReplaceAll(*res.Node().Scope().Node().Id(), ":", "") + "Logs"
			lg := awslogs.NewLogGroup(stack, jsii.String(id), &awslogs.LogGroupProps{
				LogGroupName:  jsii.String("/aws/lambda/" + *res.Ref()),
				Retention:     retentionDays(cfg.LogRetentionDays),
				RemovalPolicy: pl.removal,
			})
			groups = append(groups, lg.Node().DefaultChild().(awscdk.CfnResource))
			denyUnownedLogGroups(res)
		}
	}
	for _, cr := range customs {
		for _, g := range groups {
			cr.AddResourceDependency(g, jsii.String("the provider writes its logs there from its first invocation"))
		}
	}
}

// noUnownedLogGroups is the statement every function role of the stack carries. Lambda delivers a function's log
// lines up to minutes after the invocation ("It may take 5 to 10 minutes for logs to show up",
// https://docs.aws.amazon.com/lambda/latest/dg/monitoring-cloudwatchlogs.html) and creates the group if the role
// allows logs:CreateLogGroup. A late line after `cdk destroy` deleted the stack's group would recreate it,
// unowned and without expiry; with this Deny Lambda can only write to the groups the stack owns.
func noUnownedLogGroups() awsiam.PolicyStatement {
	return awsiam.NewPolicyStatement(&awsiam.PolicyStatementProps{
		Sid:       jsii.String("NoUnownedLogGroups"),
		Effect:    awsiam.Effect_DENY,
		Actions:   jsii.Strings("logs:CreateLogGroup"),
		Resources: jsii.Strings("*"),
	})
}

// denyUnownedLogGroups adds noUnownedLogGroups to the role of a function aws-cdk-lib declares as a raw
// CfnResource (the auto-delete provider: its role has AWSLambdaBasicExecutionRole, logs:CreateLogGroup on *).
func denyUnownedLogGroups(fn awscdk.CfnResource) {
	role, ok := fn.Node().Scope().Node().TryFindChild(jsii.String("Role")).(awscdk.CfnResource)
	if !ok {
		panic("stacks: no Role beside function " + *fn.Node().Path() + ": cannot deny it unowned log groups")
	}
	role.AddPropertyOverride(jsii.String("Policies"), []any{map[string]any{
		"PolicyName": "NoUnownedLogGroups",
		"PolicyDocument": map[string]any{
			"Version":   "2012-10-17",
			"Statement": []any{noUnownedLogGroups().ToStatementJson()},
		},
	}})
}
