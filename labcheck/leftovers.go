package main

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/aws/arn"
	"github.com/aws/aws-sdk-go-v2/service/kms"
	kmstypes "github.com/aws/aws-sdk-go-v2/service/kms/types"
	"github.com/aws/aws-sdk-go-v2/service/resourcegroupstaggingapi"
	taggingtypes "github.com/aws/aws-sdk-go-v2/service/resourcegroupstaggingapi/types"

	"github.com/tenant-metrics-lab/tenant-metrics-lab/stacks/config"
)

// leftovers lists what of cfg's deployment still exists: the stack, the named resources (stream, Firehose stream,
// alarms, dashboard, Glue database, Athena workgroup), the log groups (including those Lambda creates outside
// CloudFormation), and, through the stack's tags, buckets, topics and KMS keys not pending deletion.
func leftovers(ctx context.Context, a *account, cfg config.Config) ([]string, error) {
	var left []string
	stackName := cfg.StackName()
	status, err := a.stack(ctx, stackName)
	if err != nil {
		return nil, err
	}
	if status != "" {
		left = append(left, fmt.Sprintf("stack %s (%s)", stackName, status))
	}
	named, err := takenNames(ctx, a, cfg, nil, true)
	if err != nil {
		return nil, err
	}
	left = append(left, named...)
	// CloudFormation names the groups it creates <stack>-<logical id>-<suffix>, and Lambda names a function's
	// default group /aws/lambda/<function name>, where CloudFormation's function names start with the stack name.
	for _, prefix := range []string{stackName + "-", "/aws/lambda/" + stackName + "-"} {
		groups, err := a.logGroups(ctx, prefix)
		if err != nil {
			return nil, err
		}
		for _, g := range groups {
			left = append(left, "log group "+g)
		}
	}
	tagged, err := taggedLeftovers(ctx, a, cfg)
	if err != nil {
		return nil, err
	}
	return append(left, tagged...), nil
}

// taggedLeftovers finds, by the stack's tags, the resources whose names CloudFormation generates: buckets, the
// alarm topic and its KMS key. A key pending deletion is gone for every purpose but billing's last days.
func taggedLeftovers(ctx context.Context, a *account, cfg config.Config) ([]string, error) {
	var left []string
	p := resourcegroupstaggingapi.NewGetResourcesPaginator(a.tagging, &resourcegroupstaggingapi.GetResourcesInput{
		TagFilters:          []taggingtypes.TagFilter{{Key: aws.String(config.TagProject), Values: []string{config.ProjectTagValue}}},
		ResourceTypeFilters: []string{"s3", "sns", "kms"},
	})
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			return nil, fmt.Errorf("list tagged resources: %w", err)
		}
		for _, r := range page.ResourceTagMappingList {
			if tagValue(r.Tags, config.TagNamePrefix) != cfg.NamePrefix {
				continue // another copy of the lab (the default copy has no namePrefix tag)
			}
			id := aws.ToString(r.ResourceARN)
			parsed, err := arn.Parse(id)
			if err != nil {
				return nil, fmt.Errorf("tagged resource %q: %w", id, err)
			}
			switch parsed.Service {
			case "s3":
				// The tagging index can lag behind a delete; ask S3 itself.
				found, err := a.bucketExists(ctx, parsed.Resource)
				if err != nil {
					return nil, err
				}
				if found {
					left = append(left, "S3 bucket "+parsed.Resource)
				}
			case "kms":
				out, err := a.kms.DescribeKey(ctx, &kms.DescribeKeyInput{KeyId: aws.String(id)})
				if notFound(err) {
					continue
				}
				if err != nil {
					return nil, fmt.Errorf("describe KMS key %s: %w", id, err)
				}
				if st := out.KeyMetadata.KeyState; !slices.Contains([]kmstypes.KeyState{kmstypes.KeyStatePendingDeletion, kmstypes.KeyStatePendingReplicaDeletion}, st) {
					left = append(left, fmt.Sprintf("KMS key %s (%s)", id, st))
				}
			default:
				left = append(left, strings.ToUpper(parsed.Service)+" "+parsed.Resource)
			}
		}
	}
	return left, nil
}

func tagValue(tags []taggingtypes.Tag, key string) string {
	for _, t := range tags {
		if aws.ToString(t.Key) == key {
			return aws.ToString(t.Value)
		}
	}
	return ""
}
