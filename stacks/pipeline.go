// Package stacks declares the lab's CloudFormation stack: the Kinesis stream, the Firehose delivery stream, the
// data bucket and everything they need to be secure and removable. Each part of the pipeline has its own file and
// constructor, with what it needs as arguments and what it gives as its result: stream.go, storage.go,
// delivery.go (with format.go and pins.go), query.go, producer.go and monitoring.go. NewPipelineStack wires them,
// once, in dependency order; plan.go derives what the configuration implies for all of them.
package stacks

import (
	"fmt"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awskinesis"
	"github.com/aws/aws-cdk-go/awscdk/v2/awskms"
	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"

	"github.com/tenant-metrics-lab/tenant-metrics-lab/internal/firehoseprefix"
	"github.com/tenant-metrics-lab/tenant-metrics-lab/stacks/config"
)

// Pipeline is the lab's stack and its parts.
type Pipeline struct {
	Key        awskms.IKey // the customer-managed key of encryption=kms; nil with aws-managed keys
	Stack      awscdk.Stack
	Config     config.Config
	Stream     awskinesis.IStream // the stack's stream, or with streamArn the referenced one
	Storage    *Storage
	Delivery   *Delivery
	Producer   *ProducerFunction // nil with -c producer=false
	Monitoring *Monitoring       // nil with -c monitoring=false
	Query      *Query            // nil with -c query=false

	Transform *TransformFunction // nil with transform=none
}

// PipelineStackProps are a stack's usual properties (env, tags, termination protection...) plus the lab's
// configuration, which must already be valid.
type PipelineStackProps struct {
	awscdk.StackProps
	Config config.Config
}

// StackProps returns the stack properties the app uses for cfg: its name, description and tags.
func StackProps(cfg config.Config) awscdk.StackProps {
	tags := map[string]*string{}
	for k, v := range cfg.Tags() {
		tags[k] = jsii.String(v)
	}
	return awscdk.StackProps{
		StackName:   jsii.String(cfg.StackName()),
		Description: jsii.String("tenant-metrics-lab: Kinesis data stream -> Amazon Data Firehose -> S3 telemetry pipeline"),
		Tags:        &tags,
	}
}

// NewPipelineStack declares the whole ingestion pipeline in a new stack. The parts are declared in the order the
// templates list their resources, which is also an order in which every part finds what it reads already declared.
func NewPipelineStack(scope constructs.Construct, id string, props *PipelineStackProps) *Pipeline {
	cfg := props.Config
	pl := newPlan(cfg)
	stackProps := props.StackProps
	stack := awscdk.NewStack(scope, jsii.String(id), &stackProps)
	p := &Pipeline{Stack: stack, Config: cfg}

	p.Key = newKey(stack, cfg, pl)
	p.Stream = newStream(stack, cfg, pl, p.Key)
	p.Storage = newStorage(stack, cfg, pl, p.Key)
	logsKey := logGroupKey(cfg, p.Key)
	access := newDeliveryAccess(stack, cfg, pl, logsKey)
	if pl.transform {
		p.Transform = newTransformer(stack, cfg, pl, logsKey)
	}
	var catalog *Catalog
	if pl.conversion {
		catalog = newCatalog(stack, cfg, pl, p.Storage.Data) // Firehose converts records with the table's schema
	}
	p.Delivery = newDelivery(stack, cfg, pl, deliveryInputs{access: access, source: p.Stream, bucket: p.Storage.Data, schema: catalog, transformer: p.Transform, key: p.Key})
	addPipelineOutputs(stack, cfg, p)
	if cfg.Producer {
		p.Producer = newProducer(stack, cfg, pl, p.Stream, p.Key, logsKey)
	}
	if cfg.Monitoring {
		p.Monitoring = newMonitoring(stack, cfg, pl, monitoringInputs{
			stream: p.Stream, delivery: p.Delivery.Stream, bucket: p.Storage.Data, producer: p.Producer,
			transformer: p.Transform,
		})
	}
	if cfg.Query {
		if catalog == nil {
			catalog = newCatalog(stack, cfg, pl, p.Storage.Data)
		}
		results := newQueryResultsBucket(stack, pl, p.Storage.AccessLogs, p.Key)
		p.Query = newQuery(stack, cfg, pl, queryInputs{catalog: catalog, results: results, key: p.Key})
	}

	// What the parts and the libraries they use declared, finished for destroy, cfn-lint and checkov.
	ownAutoDeleteLogs(stack, cfg, pl)
	cleanForLint(stack)
	skipCheckov(stack, pl.accessLogs)
	return p
}

// addOutput declares one stack output; every part of the stack adds its outputs through it.
func addOutput(stack awscdk.Stack, id, value, description string) {
	awscdk.NewCfnOutput(stack, jsii.String(id), &awscdk.CfnOutputProps{
		Value:       jsii.String(value),
		Description: jsii.String(description),
	})
}

// addPipelineOutputs declares the outputs that find the data path: the stream, the delivery stream, the bucket and
// its prefixes, and the command that sends to the stream.
func addPipelineOutputs(stack awscdk.Stack, cfg config.Config, p *Pipeline) {
	out := func(id, value, description string) { addOutput(stack, id, value, description) }
	region := *awscdk.Aws_REGION()
	bucket := p.Storage.Data
	out("StreamName", *p.Stream.StreamName(), "Kinesis data stream the producer writes to")
	out("StreamArn", *p.Stream.StreamArn(), "ARN of the Kinesis data stream")
	out("DeliveryStreamName", *p.Delivery.Stream.DeliveryStreamName(), "Firehose delivery stream reading the data stream")
	out("BucketName", *bucket.BucketName(), "S3 bucket the delivery stream writes to")
	dataPrefix := firehoseprefix.Literal(cfg.Prefix)
	out("DataPrefix", dataPrefix, "Key prefix under which every delivered object lands (producer verify --stack reads it)")
	out("ErrorPrefix", firehoseprefix.Literal(cfg.ErrorPrefix), "Key prefix under which Firehose writes the records it could not convert, partition, process or deliver (producer verify --stack reads it)")
	out("DeliveredObjectsConsoleUrl",
		fmt.Sprintf("https://%s.console.aws.amazon.com/s3/buckets/%s?region=%s&prefix=%s", region, *bucket.BucketName(), region, dataPrefix),
		"S3 console page of the delivered objects")
	out("ProducerCommand",
		fmt.Sprintf("go run ./producer send --region %s %s", region, *p.Stream.StreamName()),
		"Run from a checkout of this repository to send telemetry events to the stream")
}
