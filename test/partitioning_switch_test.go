package test

import (
	"testing"
)

// TestPartitioningSwitchIsAReplacement: Firehose enables dynamic partitioning only on a new stream and never
// disables it ("You can enable dynamic partitioning only when you create a new Firehose stream",
// https://docs.aws.amazon.com/firehose/latest/dev/dynamic-partitioning-enable.html), but CloudFormation lists
// DynamicPartitioningConfiguration as "Update requires: No interruption" and would update it in place, which
// Firehose refuses. Each layout therefore names its delivery stream differently: CloudFormation replaces a
// custom-named resource only when its name changes, and then creates the new one before deleting the old.
func TestPartitioningSwitchIsAReplacement(t *testing.T) {
	timeLayout := synth(t, labDefaults)
	tenantLayout := synth(t, variants["tenant-partitioning"])
	firehose := func(s *synthesized) (string, map[string]any) {
		id, r := s.only(t, "AWS::KinesisFirehose::DeliveryStream")
		return id, props(r)
	}
	timeID, timeProps := firehose(timeLayout)
	tenantID, tenantProps := firehose(tenantLayout)
	if timeID != tenantID {
		t.Fatalf("the delivery stream's logical id changes with the layout (%s, %s): the diff would show a delete and a create", timeID, tenantID)
	}
	dynamic := func(p map[string]any) any {
		return p["ExtendedS3DestinationConfiguration"].(map[string]any)["DynamicPartitioningConfiguration"]
	}
	if jsonOf(dynamic(timeProps)) == jsonOf(dynamic(tenantProps)) {
		t.Fatalf("the layouts do not differ in dynamic partitioning: %s", jsonOf(dynamic(timeProps)))
	}
	if timeProps["DeliveryStreamName"] != "tenant_metrics_firehose" || tenantProps["DeliveryStreamName"] != "tenant_metrics_firehose_by_tenant" {
		t.Errorf("delivery stream names %v and %v: the switch must change the name, or CloudFormation cannot replace it",
			timeProps["DeliveryStreamName"], tenantProps["DeliveryStreamName"])
	}
	// The error-log group is named after the stream, so it is replaced alongside, under a new name too.
	groups := func(s *synthesized) map[string]bool {
		names := map[string]bool{}
		for _, g := range s.resources("AWS::Logs::LogGroup") {
			if n, ok := props(g)["LogGroupName"].(string); ok {
				names[n] = true
			}
		}
		return names
	}
	if !groups(timeLayout)["/aws/kinesisfirehose/tenant_metrics_firehose"] || !groups(tenantLayout)["/aws/kinesisfirehose/tenant_metrics_firehose_by_tenant"] {
		t.Errorf("log groups %v and %v", groups(timeLayout), groups(tenantLayout))
	}
}
