package main

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/athena"
	"github.com/aws/aws-sdk-go-v2/service/cloudformation"
	cfntypes "github.com/aws/aws-sdk-go-v2/service/cloudformation/types"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatch"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs"
	"github.com/aws/aws-sdk-go-v2/service/firehose"
	"github.com/aws/aws-sdk-go-v2/service/glue"
	"github.com/aws/aws-sdk-go-v2/service/kinesis"
	"github.com/aws/aws-sdk-go-v2/service/kms"
	"github.com/aws/aws-sdk-go-v2/service/lambda"
	"github.com/aws/aws-sdk-go-v2/service/resourcegroupstaggingapi"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/smithy-go"
)

// account is the AWS API clients labcheck reads with: read-only calls, one client per service.
type account struct {
	region   string
	cfn      *cloudformation.Client
	kinesis  *kinesis.Client
	firehose *firehose.Client
	logs     *cloudwatchlogs.Client
	cw       *cloudwatch.Client
	lambda   *lambda.Client
	s3       *s3.Client
	tagging  *resourcegroupstaggingapi.Client
	kms      *kms.Client
	athena   *athena.Client
	glue     *glue.Client
}

func newAccount(cfg aws.Config) *account {
	return &account{
		region:   cfg.Region,
		cfn:      cloudformation.NewFromConfig(cfg),
		kinesis:  kinesis.NewFromConfig(cfg),
		firehose: firehose.NewFromConfig(cfg),
		logs:     cloudwatchlogs.NewFromConfig(cfg),
		cw:       cloudwatch.NewFromConfig(cfg),
		lambda:   lambda.NewFromConfig(cfg),
		// A custom endpoint (AWS_ENDPOINT_URL_S3, a local S3) is addressed path-style; AWS itself virtual-hosted.
		s3:      s3.NewFromConfig(cfg, func(o *s3.Options) { o.UsePathStyle = o.BaseEndpoint != nil }),
		tagging: resourcegroupstaggingapi.NewFromConfig(cfg),
		kms:     kms.NewFromConfig(cfg),
		athena:  athena.NewFromConfig(cfg),
		glue:    glue.NewFromConfig(cfg),
	}
}

// hasErrorCode reports whether err is a service's answer with that error code.
func hasErrorCode(err error, code string) bool {
	var api smithy.APIError
	return errors.As(err, &api) && api.ErrorCode() == code
}

// notFound reports whether err is a service's "no such resource" answer.
func notFound(err error) bool {
	var api smithy.APIError
	if !errors.As(err, &api) {
		return false
	}
	switch api.ErrorCode() {
	case "ResourceNotFoundException", "NotFound", "NoSuchBucket", "NotFoundException", "EntityNotFoundException":
		return true
	case "ValidationError": // CloudFormation's answer for a stack that does not exist
		return strings.Contains(api.ErrorMessage(), "does not exist")
	case "InvalidRequestException":
		// Athena answers a missing workgroup with InvalidRequestException "WorkGroup <name> is not found." (its
		// API reference lists no not-found error for GetWorkGroup; the message is what the service returns, e.g.
		// uber/athenadriver pull request 70).
		return strings.Contains(api.ErrorMessage(), "not found")
	}
	return false
}

// stack returns a CloudFormation stack's status, or "" when it does not exist (deleted stacks are not listed by name).
func (a *account) stack(ctx context.Context, name string) (cfntypes.StackStatus, error) {
	out, err := a.cfn.DescribeStacks(ctx, &cloudformation.DescribeStacksInput{StackName: aws.String(name)})
	if notFound(err) {
		return "", nil
	}
	if err != nil {
		return "", fmt.Errorf("describe stack %s: %w", name, err)
	}
	for _, s := range out.Stacks {
		if s.StackStatus != cfntypes.StackStatusDeleteComplete {
			return s.StackStatus, nil
		}
	}
	return "", nil
}

// stackPhysicalIDs returns the physical ids of a stack's resources: names it already owns are no conflict.
// stackResources maps the logical ids of a deployed stack's resources to their physical ids.
func (a *account) stackResources(ctx context.Context, name string) (map[string]string, error) {
	ids := map[string]string{}
	p := cloudformation.NewListStackResourcesPaginator(a.cfn, &cloudformation.ListStackResourcesInput{StackName: aws.String(name)})
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			return nil, fmt.Errorf("list resources of stack %s: %w", name, err)
		}
		for _, r := range page.StackResourceSummaries {
			ids[aws.ToString(r.LogicalResourceId)] = aws.ToString(r.PhysicalResourceId)
		}
	}
	return ids, nil
}

// deployedTemplate is the template a stack was last deployed with (GetTemplate, read-only).
func (a *account) deployedTemplate(ctx context.Context, name string) ([]byte, error) {
	out, err := a.cfn.GetTemplate(ctx, &cloudformation.GetTemplateInput{StackName: aws.String(name), TemplateStage: cfntypes.TemplateStageOriginal})
	if err != nil {
		return nil, fmt.Errorf("read the deployed template of stack %s: %w", name, err)
	}
	return []byte(aws.ToString(out.TemplateBody)), nil
}

func (a *account) streamExists(ctx context.Context, name string) (bool, error) {
	_, err := a.kinesis.DescribeStreamSummary(ctx, &kinesis.DescribeStreamSummaryInput{StreamName: aws.String(name)})
	return exists("Kinesis stream", name, err)
}

func (a *account) deliveryStreamExists(ctx context.Context, name string) (bool, error) {
	_, err := a.firehose.DescribeDeliveryStream(ctx, &firehose.DescribeDeliveryStreamInput{DeliveryStreamName: aws.String(name)})
	return exists("Firehose stream", name, err)
}

func (a *account) bucketExists(ctx context.Context, name string) (bool, error) {
	_, err := a.s3.HeadBucket(ctx, &s3.HeadBucketInput{Bucket: aws.String(name)})
	return exists("S3 bucket", name, err)
}

func (a *account) workGroupExists(ctx context.Context, name string) (bool, error) {
	_, err := a.athena.GetWorkGroup(ctx, &athena.GetWorkGroupInput{WorkGroup: aws.String(name)})
	return exists("Athena workgroup", name, err)
}

func (a *account) glueDatabaseExists(ctx context.Context, name string) (bool, error) {
	_, err := a.glue.GetDatabase(ctx, &glue.GetDatabaseInput{Name: aws.String(name)})
	return exists("Glue database", name, err)
}

// exists turns a describe call's error into an answer: found, not found, or a failure to look.
func exists(kind, name string, err error) (bool, error) {
	switch {
	case err == nil:
		return true, nil
	case notFound(err):
		return false, nil
	}
	return false, fmt.Errorf("look up %s %s: %w", kind, name, err)
}

// logGroups returns the names of the log groups starting with prefix.
func (a *account) logGroups(ctx context.Context, prefix string) ([]string, error) {
	var names []string
	p := cloudwatchlogs.NewDescribeLogGroupsPaginator(a.logs, &cloudwatchlogs.DescribeLogGroupsInput{LogGroupNamePrefix: aws.String(prefix)})
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			return nil, fmt.Errorf("list log groups %s*: %w", prefix, err)
		}
		for _, g := range page.LogGroups {
			names = append(names, aws.ToString(g.LogGroupName))
		}
	}
	return names, nil
}

// alarms returns the names of the metric alarms starting with prefix.
func (a *account) alarms(ctx context.Context, prefix string) ([]string, error) {
	var names []string
	p := cloudwatch.NewDescribeAlarmsPaginator(a.cw, &cloudwatch.DescribeAlarmsInput{AlarmNamePrefix: aws.String(prefix)})
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			return nil, fmt.Errorf("list alarms %s*: %w", prefix, err)
		}
		for _, al := range page.MetricAlarms {
			names = append(names, aws.ToString(al.AlarmName))
		}
	}
	return names, nil
}

func (a *account) dashboardExists(ctx context.Context, name string) (bool, error) {
	p := cloudwatch.NewListDashboardsPaginator(a.cw, &cloudwatch.ListDashboardsInput{DashboardNamePrefix: aws.String(name)})
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			return false, fmt.Errorf("list dashboards %s: %w", name, err)
		}
		for _, d := range page.DashboardEntries {
			if aws.ToString(d.DashboardName) == name {
				return true, nil
			}
		}
	}
	return false, nil
}
