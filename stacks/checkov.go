package stacks

import (
	"strings"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/jsii-runtime-go"
)

// checkovSkip is one checkov check that does not fit a resource of this stack, with the reason. checkov reads
// skips from a resource's Metadata (checkov: skip: [{id, comment}]), so each applies to that resource only.
type checkovSkip struct {
	id, comment string
}

// Reasons shared by several resources.
const (
	logsKMSReason = "CloudWatch Logs encrypts every log group at rest by default; a customer-managed key would add " +
		"$1/month and a key policy for logs.<region>.amazonaws.com to hold synthetic telemetry and delivery errors"
	noVPCReason = "calls only public AWS API endpoints over TLS; a VPC would need NAT or interface endpoints " +
		"(about $7/month each) and would protect nothing, since the function has no inbound path"
	unloggedReason = "lab mode (retain=false) writes no access logs: S3 delivers them best-effort, after cdk destroy " +
		"would have emptied the log bucket, which then fails to delete (aws-cdk#21776); see stacks.logsAccess"
)

// checkovSkips lists, by resource type and the construct id the resource sits under, the checks skipped there.
// Everything not listed here is fixed or passes; `make test` runs checkov on every golden template and fails on
// any finding without a skip.
var checkovSkips = []struct {
	typ, construct string
	skips          []checkovSkip
}{
	{"AWS::Lambda::Function", "Producer", []checkovSkip{
		{"CKV_AWS_115", "reserved concurrency is opt-in (producerReservedConcurrency): new accounts cannot reserve any, and the 50 s timeout under a 60 s schedule already rules out overlapping runs"},
		{"CKV_AWS_116", "invoked by EventBridge with 0 retries and a 60 s maximum event age by design: a missed minute is skipped, not replayed, and a failure shows in the Errors metric and the ProducerErrors alarm"},
		{"CKV_AWS_117", "the producer " + noVPCReason},
		{"CKV_AWS_173", "the environment holds only the stream name, rate, partition key and aggregation switch, no secret; Lambda encrypts it at rest with an AWS managed key"},
	}},
	{"AWS::Lambda::Function", "Custom::S3AutoDeleteObjectsCustomResourceProvider", []checkovSkip{
		{"CKV_AWS_115", "aws-cdk-lib's auto-delete provider runs once per bucket on stack deletion; a concurrency limit could only fail the destroy"},
		{"CKV_AWS_116", "aws-cdk-lib's auto-delete provider is invoked synchronously by CloudFormation, which reports its failure; a DLQ receives only asynchronous invocations"},
		{"CKV_AWS_117", "aws-cdk-lib's auto-delete provider " + noVPCReason},
	}},
	{"AWS::Logs::LogGroup", "", []checkovSkip{{"CKV_AWS_158", logsKMSReason}}},
	{"AWS::S3::Bucket", "AccessLogsBucket", []checkovSkip{
		{"CKV_AWS_18", "this is the access-log bucket: logging it into itself would log every log delivery, without end"},
		{"CKV_AWS_21", "S3 writes each access-log object once under a new key; versions would only keep what lifecycle or destroy deletes"},
	}},
	{"AWS::S3::Bucket", "DataBucket", []checkovSkip{
		{"CKV_AWS_18", unloggedReason},
		{"CKV_AWS_21", "Firehose writes every object once under a unique key and never overwrites; versions would only keep deleted data against the lab's destroy-leaves-nothing promise (retain=true keeps the bucket instead)"},
	}},
	{"AWS::S3::Bucket", "QueryResultsBucket", []checkovSkip{
		{"CKV_AWS_18", unloggedReason},
		{"CKV_AWS_21", "Athena writes each result once under a new key and results expire after 7 days by design; versions would keep them longer"},
	}},
	{"AWS::Lambda::Function", "Transformer", []checkovSkip{
		{"CKV_AWS_115", "Firehose invokes the transformer at most once per shard at a time with 1 MiB batches; a reservation would take concurrency a new account cannot grant, and a throttled batch is retried by Firehose (3 times) and then lands under processing-failed"},
		{"CKV_AWS_116", "Firehose invokes the transformer synchronously and handles its failures itself (retries, then the error prefix); a DLQ receives only asynchronous invocations"},
		{"CKV_AWS_117", "the transformer " + noVPCReason},
	}},
}

// skipCheckov records the checkov skips on the resources they belong to; logged tells whether the buckets write
// server access logs.
func skipCheckov(stack awscdk.Stack, logged bool) {
	for _, res := range cfnResources(stack) {
		var skips []map[string]string
		for _, s := range checkovSkips {
			if *res.CfnResourceType() != s.typ || !underConstruct(res, s.construct) {
				continue
			}
			for _, k := range s.skips {
				if k.comment == unloggedReason && logged { // that reason holds in lab mode only
					continue
				}
				skips = append(skips, map[string]string{"id": k.id, "comment": k.comment})
			}
		}
		if len(skips) > 0 {
			res.AddMetadata(jsii.String("checkov"), map[string]any{"skip": skips})
		}
	}
}

// underConstruct reports whether res sits under a construct with the given id ("" matches every resource).
func underConstruct(res awscdk.CfnResource, id string) bool {
	if id == "" {
		return true
	}
	for _, part := range strings.Split(*res.Node().Path(), "/") {
		if part == id {
			return true
		}
	}
	return false
}
