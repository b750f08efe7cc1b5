package stacks

import (
	"fmt"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awscloudwatch"
	"github.com/aws/aws-cdk-go/awscdk/v2/awscloudwatchactions"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsiam"
	"github.com/aws/aws-cdk-go/awscdk/v2/awskinesis"
	"github.com/aws/aws-cdk-go/awscdk/v2/awskinesisfirehose"
	"github.com/aws/aws-cdk-go/awscdk/v2/awskms"
	"github.com/aws/aws-cdk-go/awscdk/v2/awss3"
	"github.com/aws/aws-cdk-go/awscdk/v2/awssns"
	"github.com/aws/aws-cdk-go/awscdk/v2/awssnssubscriptions"
	"github.com/aws/aws-cdk-go/awscdk/v2/interfaces/interfacesawscloudwatch"
	"github.com/aws/jsii-runtime-go"

	"github.com/tenant-metrics-lab/tenant-metrics-lab/internal/firehoseprefix"
	"github.com/tenant-metrics-lab/tenant-metrics-lab/stacks/config"
)

// alarmPeriod is the period of every alarm: long enough that a lab's trickle of data gives stable statistics.
// A function, not a package variable: a jsii call at package initialization would run before main can recover a
// jsii panic.
func alarmPeriod() awscdk.Duration { return awscdk.Duration_Minutes(jsii.Number(5)) }

// Monitoring is the pipeline's alarms, their optional topic and its dashboard.
type Monitoring struct {
	Alarms    []awscloudwatch.Alarm
	Topic     awssns.Topic // nil without alarmEmail
	Dashboard awscloudwatch.Dashboard
}

// alarmSpec is one alarm: what it watches, when it fires, and why that threshold.
type alarmSpec struct {
	id, why    string
	metric     awscloudwatch.IMetric
	threshold  float64
	comparison awscloudwatch.ComparisonOperator
	periods    float64
}

// FreshnessThresholdSeconds is when delivered data counts as stale: five buffer intervals, and never below
// five minutes, so one slow flush is not an alarm.
func FreshnessThresholdSeconds(bufferIntervalSeconds int) int {
	return max(5*bufferIntervalSeconds, 300)
}

// monitoringInputs are what the alarms and the dashboard watch.
type monitoringInputs struct {
	stream   awskinesis.IStream
	delivery awskinesisfirehose.DeliveryStream
	bucket   awss3.IBucket
	producer *ProducerFunction // nil without the producer function
	// transformer is the function Firehose invokes on each batch; nil with transform=none.
	transformer *TransformFunction
}

// newMonitoring declares the alarms, the optional e-mail topic and the dashboard.
func newMonitoring(stack awscdk.Stack, cfg config.Config, pl plan, in monitoringInputs) *Monitoring {
	firehose := func(name, statistic string) awscloudwatch.Metric {
		return awscloudwatch.NewMetric(&awscloudwatch.MetricProps{
			Namespace:     jsii.String("AWS/Firehose"),
			MetricName:    jsii.String(name),
			DimensionsMap: &map[string]*string{"DeliveryStreamName": in.delivery.DeliveryStreamName()},
			Statistic:     jsii.String(statistic),
			Period:        alarmPeriod(),
		})
	}
	opts := func(statistic string) *awscloudwatch.MetricOptions {
		return &awscloudwatch.MetricOptions{Statistic: jsii.String(statistic), Period: alarmPeriod()}
	}
	freshness := FreshnessThresholdSeconds(cfg.BufferIntervalSeconds)
	specs := []alarmSpec{
		{"StreamWriteThrottled", throttledWhy(cfg, pl),
			in.stream.MetricWriteProvisionedThroughputExceeded(opts("Sum")), 0, awscloudwatch.ComparisonOperator_GREATER_THAN_THRESHOLD, 1},
		{"DeliveryFallingBehind",
			"Firehose is more than 5 minutes behind the stream for 10 minutes: it cannot keep up or cannot read. Records older than the stream's retention are lost.",
			in.stream.MetricGetRecordsIteratorAgeMilliseconds(opts("Maximum")), 5 * 60 * 1000, awscloudwatch.ComparisonOperator_GREATER_THAN_THRESHOLD, 2},
		{"DeliveryStale",
			fmt.Sprintf("The oldest record not yet in S3 is older than %d s (5 buffer intervals, at least 5 minutes): deliveries to S3 are stuck.", freshness),
			firehose("DeliveryToS3.DataFreshness", "Maximum"), float64(freshness), awscloudwatch.ComparisonOperator_GREATER_THAN_THRESHOLD, 1},
		// "Firehose keeps retrying for up to 24 hours ... If data delivery fails for more than 24 hours, your data
		// is lost." https://docs.aws.amazon.com/firehose/latest/dev/retry.html
		{"DeliveryFailed",
			"Some deliveries to S3 failed (DeliveryToS3.Success below 1): bucket policy, permissions, encryption key or the bucket itself. Firehose retries for up to 24 hours, then discards the records: fix it within a day or they are lost.",
			firehose("DeliveryToS3.Success", "Minimum"), 1, awscloudwatch.ComparisonOperator_LESS_THAN_THRESHOLD, 1},
	}
	specs = append(specs, diversionAlarms(cfg, pl, in.bucket, firehose)...)
	if in.transformer != nil {
		specs = append(specs, transformAlarms(in.transformer, firehose, opts)...)
	}
	if in.producer != nil {
		specs = append(specs, alarmSpec{"ProducerErrors",
			"A producer invocation failed: it could not deliver every event (it fails on any undelivered one) or it crashed. See its log group.",
			in.producer.Function.MetricErrors(opts("Sum")), 0, awscloudwatch.ComparisonOperator_GREATER_THAN_THRESHOLD, 1})
	}

	m := &Monitoring{}
	for _, s := range specs {
		m.Alarms = append(m.Alarms, awscloudwatch.NewAlarm(stack, jsii.String(s.id+"Alarm"), &awscloudwatch.AlarmProps{
			AlarmName:          jsii.String(cfg.AlarmName(s.id)),
			AlarmDescription:   jsii.String(s.why),
			Metric:             s.metric,
			Threshold:          jsii.Number(s.threshold),
			ComparisonOperator: s.comparison,
			EvaluationPeriods:  jsii.Number(s.periods),
			// An idle lab publishes no data points; that is not an outage.
			TreatMissingData: awscloudwatch.TreatMissingData_NOT_BREACHING,
		}))
	}
	if cfg.AlarmEmail != "" {
		m.Topic = alarmTopic(stack, cfg, m.Alarms)
		action := awscloudwatchactions.NewSnsAction(m.Topic)
		for _, a := range m.Alarms {
			a.AddAlarmAction(action)
			a.AddOkAction(action)
		}
	}
	m.Dashboard = dashboard(stack, cfg, in, m, firehose)
	return m
}

// throttledWhy explains the throttling alarm for the stream's capacity mode. Kinesis throttles writes beyond a
// shard's 1 MB/s or 1,000 records/s in both modes (https://docs.aws.amazon.com/streams/latest/dev/working-with-streams.html);
// an on-demand stream starts at 4 MB/s or 4,000 records/s and accommodates up to twice its previous peak
// (https://docs.aws.amazon.com/streams/latest/dev/how-do-i-size-a-stream.html#ondemandmode).
func throttledWhy(cfg config.Config, pl plan) string {
	const retries = " The producer retries, so nothing is lost"
	switch {
	case cfg.StreamArn != "":
		return "Writes to the referenced stream " + cfg.KinesisStreamName() + " were throttled: its shards or its on-demand capacity are used up, by this producer or the stream's other writers." + retries + ", but the stream is at capacity: the stack does not size a stream it references, so ask its owner to add capacity, or lower producerRate."
	case pl.onDemand:
		return "Writes to the on-demand stream were throttled: traffic grew past twice its previous peak (a new stream takes 4 MB/s or 4,000 records/s) faster than Kinesis added shards, or one partition key went beyond a shard's 1 MiB/s or 1,000 records/s." + retries + "; if it persists, spread the partition keys or ramp the rate up more slowly."
	}
	return "Writes to the stream were throttled: producers reached the shard limits (1,000 records/s, 1 MiB/s per shard)." + retries + ", but the stream is at capacity: add shards or lower the rate."
}

// diversionAlarms watch every path by which Firehose writes records under the error prefix instead of the data
// prefix, for the features that are on: no record is diverted in silence. Firehose's metrics are emitted only
// while their feature is on, and it has none for records Lambda processing or partition-key extraction failed
// (https://docs.aws.amazon.com/firehose/latest/dev/monitoring-with-cloudwatch-metrics.html): the request metrics
// of the error prefix in the stack's own bucket catch those, and any other type.
func diversionAlarms(cfg config.Config, pl plan, bucket awss3.IBucket, firehose func(name, statistic string) awscloudwatch.Metric) []alarmSpec {
	var specs []alarmSpec
	if pl.conversion {
		specs = append(specs, alarmSpec{"ConversionFailed",
			"Firehose could not convert records to Parquet (FailedConversion.Records above 0): they are under the error prefix, in format-conversion-failed/, not in the table. Usually an event that does not match the Glue table's schema.",
			firehose("FailedConversion.Records", "Sum"), 0, awscloudwatch.ComparisonOperator_GREATER_THAN_THRESHOLD, 1})
	}
	if pl.layout.Tenant {
		specs = append(specs, alarmSpec{"PartitionLimitExceeded",
			"More tenant partitions were active than Firehose allows (PartitionCountExceeded): records beyond the limit go under the error prefix. https://docs.aws.amazon.com/firehose/latest/dev/dynamic-partitioning.html",
			firehose("PartitionCountExceeded", "Maximum"), 0, awscloudwatch.ComparisonOperator_GREATER_THAN_THRESHOLD, 1})
	}
	if pl.errorPrefixMetrics {
		specs = append(specs, alarmSpec{"RecordsDiverted",
			fmt.Sprintf("Firehose wrote objects under the error prefix %s (PUT requests there above 0): records it could not convert, partition, process or deliver. `producer verify --stack %s` counts them by error type.", firehoseprefix.Literal(cfg.ErrorPrefix), cfg.StackName()),
			awscloudwatch.NewMetric(&awscloudwatch.MetricProps{
				Namespace:  jsii.String("AWS/S3"),
				MetricName: jsii.String("PutRequests"),
				// https://docs.aws.amazon.com/AmazonS3/latest/userguide/metrics-dimensions.html
				DimensionsMap: &map[string]*string{"BucketName": bucket.BucketName(), "FilterId": jsii.String(ErrorPrefixMetricsID)},
				Statistic:     jsii.String("Sum"),
				Period:        alarmPeriod(),
			}), 0, awscloudwatch.ComparisonOperator_GREATER_THAN_THRESHOLD, 1})
	}
	return specs
}

// keyPendingWindow is how long a deleted alarm-topic key waits before it is gone: KMS's minimum, 7 days (the
// default is 30), so a destroyed lab stops being listed, and billed, soonest.
// https://docs.aws.amazon.com/kms/latest/developerguide/deleting-keys.html
const keyPendingWindowDays = 7

// alarmTopic is an SNS topic encrypted with a customer-managed key: CloudWatch cannot publish to a topic under
// the AWS-managed SNS key, whose policy cannot be extended.
// https://docs.aws.amazon.com/sns/latest/dg/sns-key-management.html#compatibility-with-aws-services
func alarmTopic(stack awscdk.Stack, cfg config.Config, alarms []awscloudwatch.Alarm) awssns.Topic {
	key := awskms.NewKey(stack, jsii.String("AlarmTopicKey"), &awskms.KeyProps{
		Description:       jsii.String("Encrypts the lab's alarm topic"),
		EnableKeyRotation: jsii.Bool(true),
		RemovalPolicy:     awscdk.RemovalPolicy_DESTROY,
		PendingWindow:     awscdk.Duration_Days(jsii.Number(keyPendingWindowDays)),
	})
	// Both grants to CloudWatch carry the same confused-deputy conditions: this account's alarms of this stack.
	fromTheseAlarms := cloudWatchAlarmConditions(stack, alarms)
	key.AddToResourcePolicy(awsiam.NewPolicyStatement(&awsiam.PolicyStatementProps{
		Sid:        jsii.String("CloudWatchAlarmsPublish"),
		Principals: &[]awsiam.IPrincipal{awsiam.NewServicePrincipal(jsii.String("cloudwatch.amazonaws.com"), nil)},
		Actions:    jsii.Strings("kms:Decrypt", "kms:GenerateDataKey"),
		Resources:  jsii.Strings("*"), // in a key policy "*" means this key
		Conditions: &fromTheseAlarms,
	}), nil)
	topic := awssns.NewTopic(stack, jsii.String("AlarmTopic"), &awssns.TopicProps{
		DisplayName: jsii.String("tenant-metrics-lab alarms"),
		MasterKey:   key,
		EnforceSSL:  jsii.Bool(true),
	})
	// enforceSSL gives the topic a policy of its own, which replaces SNS's default policy: without this Allow
	// nothing lets CloudWatch publish, and every alarm action fails.
	topic.AddToResourcePolicy(awsiam.NewPolicyStatement(&awsiam.PolicyStatementProps{
		Sid:        jsii.String("CloudWatchAlarmsPublish"),
		Principals: &[]awsiam.IPrincipal{awsiam.NewServicePrincipal(jsii.String("cloudwatch.amazonaws.com"), nil)},
		Actions:    jsii.Strings("sns:Publish"),
		Resources:  &[]*string{topic.TopicArn()},
		Conditions: &fromTheseAlarms,
	}))
	topic.AddSubscription(awssnssubscriptions.NewEmailSubscription(jsii.String(cfg.AlarmEmail), nil))
	return topic
}

// cloudWatchAlarmConditions limit a grant to CloudWatch acting for this account's alarms of this stack. The ARNs
// are built from the alarms' names, not read from the alarms: the key policy referencing the alarms would close a
// dependency cycle (alarm -> topic -> key -> alarm).
func cloudWatchAlarmConditions(stack awscdk.Stack, alarms []awscloudwatch.Alarm) map[string]any {
	arns := make([]*string, len(alarms))
	for i, a := range alarms {
		arns[i] = stack.FormatArn(&awscdk.ArnComponents{
			Service:      jsii.String("cloudwatch"),
			Resource:     jsii.String("alarm"),
			ArnFormat:    awscdk.ArnFormat_COLON_RESOURCE_NAME,
			ResourceName: a.Node().DefaultChild().(awscloudwatch.CfnAlarm).AlarmName(),
		})
	}
	return map[string]any{
		"StringEquals": map[string]any{"aws:SourceAccount": awscdk.Aws_ACCOUNT_ID()},
		"ArnLike":      map[string]any{"aws:SourceArn": arns},
	}
}

// dashboard shows the pipeline end to end: what comes in, how far behind delivery is, what lands in S3, and
// the producer.
func dashboard(stack awscdk.Stack, cfg config.Config, in monitoringInputs, m *Monitoring, firehose func(name, statistic string) awscloudwatch.Metric) awscloudwatch.Dashboard {
	graph := func(title string, metrics ...awscloudwatch.IMetric) awscloudwatch.IWidget {
		return awscloudwatch.NewGraphWidget(&awscloudwatch.GraphWidgetProps{Title: jsii.String(title), Left: &metrics, Width: jsii.Number(8)})
	}
	sum := &awscloudwatch.MetricOptions{Statistic: jsii.String("Sum"), Period: alarmPeriod()}
	rows := [][]awscloudwatch.IWidget{
		{
			graph("Stream: incoming records", in.stream.MetricIncomingRecords(sum)),
			graph("Stream: incoming bytes", in.stream.MetricIncomingBytes(sum)),
			graph("Stream: throttled writes", in.stream.MetricWriteProvisionedThroughputExceeded(sum)),
		},
		{
			graph("Firehose: iterator age (ms)", in.stream.MetricGetRecordsIteratorAgeMilliseconds(&awscloudwatch.MetricOptions{Statistic: jsii.String("Maximum"), Period: alarmPeriod()})),
			graph("Firehose: records and bytes to S3", firehose("DeliveryToS3.Records", "Sum"), firehose("DeliveryToS3.Bytes", "Sum")),
			graph("Firehose: freshness (s) and success", firehose("DeliveryToS3.DataFreshness", "Maximum"), firehose("DeliveryToS3.Success", "Minimum")),
		},
	}
	if fn := in.producer; fn != nil {
		rows = append(rows, []awscloudwatch.IWidget{
			graph("Producer: invocations and errors", fn.Function.MetricInvocations(sum), fn.Function.MetricErrors(sum)),
			graph("Producer: duration (ms)", fn.Function.MetricDuration(&awscloudwatch.MetricOptions{Statistic: jsii.String("Maximum"), Period: alarmPeriod()})),
		})
	}
	if fn := in.transformer; fn != nil {
		rows = append(rows, []awscloudwatch.IWidget{
			graph("Transformer: invocations and errors", fn.Function.MetricInvocations(sum), fn.Function.MetricErrors(sum)),
			graph("Firehose: transformation success and records", firehose("ExecuteProcessing.Success", "Minimum"), firehose("SucceedProcessing.Records", "Sum")),
		})
	}
	alarms := make([]interfacesawscloudwatch.IAlarmRef, len(m.Alarms))
	for i, a := range m.Alarms {
		alarms[i] = a
	}
	rows = append(rows, []awscloudwatch.IWidget{awscloudwatch.NewAlarmStatusWidget(&awscloudwatch.AlarmStatusWidgetProps{
		Title: jsii.String("Alarms"), Alarms: &alarms, Width: jsii.Number(24),
	})})
	name := cfg.DashboardName()
	widgets := make([]*[]awscloudwatch.IWidget, len(rows))
	for i := range rows {
		widgets[i] = &rows[i]
	}
	d := awscloudwatch.NewDashboard(stack, jsii.String("Dashboard"), &awscloudwatch.DashboardProps{
		DashboardName: jsii.String(name),
		Widgets:       &widgets,
	})
	region := *awscdk.Aws_REGION()
	addOutput(stack, "DashboardUrl",
		fmt.Sprintf("https://%s.console.aws.amazon.com/cloudwatch/home?region=%s#dashboards:name=%s", region, region, name),
		"CloudWatch dashboard of the pipeline")
	return d
}
