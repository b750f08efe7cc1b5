package config

import "github.com/tenant-metrics-lab/tenant-metrics-lab/internal/lab"

// StackBaseName is the CloudFormation stack name before any namePrefix.
const StackBaseName = lab.StackBaseName

// TenantLayoutSuffix ends the Firehose stream's name under partitioning=tenant (see FirehoseStreamName).
const TenantLayoutSuffix = "_by_tenant"

// Tag keys every resource of a deployment carries (as the stack's tags, which CloudFormation propagates), so
// that `labcheck leftovers` and cost reports can find them.
const (
	TagProject    = "project"
	TagNamePrefix = "namePrefix"
	// ProjectTagValue is the value of TagProject.
	ProjectTagValue = "tenant-metrics-lab"
)

// ResourceName applies NamePrefix to a physical resource name.
func (c Config) ResourceName(base string) string {
	if c.NamePrefix == "" {
		return base
	}
	return c.NamePrefix + "-" + base
}

// Tags are the stack's tags. namePrefix is left out when empty: CloudFormation tag values may not be empty.
func (c Config) Tags() map[string]string {
	tags := map[string]string{TagProject: ProjectTagValue}
	if c.NamePrefix != "" {
		tags[TagNamePrefix] = c.NamePrefix
	}
	return tags
}

// DeliveryLogGroupName is the Firehose error-log group: the name the console would choose, so people following
// the lab find the errors where they expect.
func (c Config) DeliveryLogGroupName() string {
	return "/aws/kinesisfirehose/" + c.FirehoseStreamName()
}

// StackName is the CloudFormation stack name, which namePrefix also separates per person.
func (c Config) StackName() string {
	return c.ResourceName(StackBaseName)
}

// KinesisStreamName is the data stream's physical name: streamName with namePrefix, or the name in streamArn.
func (c Config) KinesisStreamName() string {
	if s, ok := c.ExistingStream(); ok {
		return s.Name
	}
	return c.ResourceName(c.StreamName)
}

// FirehoseStreamName is the delivery stream's physical name: deliveryStreamName with namePrefix, and with
// TenantLayoutSuffix under partitioning=tenant. Firehose can enable dynamic partitioning only when a stream is
// created, and never disable it (https://docs.aws.amazon.com/firehose/latest/dev/dynamic-partitioning-enable.html),
// while CloudFormation would update the property in place and roll back. A name per layout makes the switch a
// replacement, which CloudFormation can carry out only for a custom-named resource whose name changes.
func (c Config) FirehoseStreamName() string {
	if c.Partitioning == PartitioningTenant {
		return c.ResourceName(c.DeliveryStreamName + TenantLayoutSuffix)
	}
	return c.ResourceName(c.DeliveryStreamName)
}

// AlarmNamePrefix starts every alarm name of the deployment: named after the stack, two labs in one account keep
// their alarms apart.
func (c Config) AlarmNamePrefix() string { return c.StackName() + "-" }

// AlarmName is the name of the deployment's alarm with the given id (e.g. IteratorAge).
func (c Config) AlarmName(id string) string { return c.AlarmNamePrefix() + id }

// DashboardName is the deployment's CloudWatch dashboard.
func (c Config) DashboardName() string { return c.StackName() }
