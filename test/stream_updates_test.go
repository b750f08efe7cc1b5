package test

import (
	"strings"
	"testing"

	"github.com/tenant-metrics-lab/tenant-metrics-lab/labcheck/updates"
)

// TestSwitchingToAnExistingStream: the stack-created stream leaves the template, so CloudFormation deletes it with
// its records; the delivery stream's source ARN changes, which replaces it, and under its custom name that FAILS
// unless it is renamed in the same change.
func TestSwitchingToAnExistingStream(t *testing.T) {
	existing := variants["existing-stream"]
	lines := updateFindings(t, labDefaults, existing)
	if !has(lines, updates.LosesData, "Stream790BDEE4", "AWS::Kinesis::Stream", "(resource)", "the records it retains", "DeletionPolicy Delete") {
		t.Errorf("the created stream is deleted with its records:\n%s", strings.Join(lines, "\n"))
	}
	if !has(lines, updates.Fails, "AWS::KinesisFirehose::DeliveryStream", "KinesisStreamSourceConfiguration", "way out: rename the delivery stream") {
		t.Errorf("the delivery stream's source changes under its custom name:\n%s", strings.Join(lines, "\n"))
	}
	renamed := map[string]string{"streamArn": existing["streamArn"], "deliveryStreamName": "team_firehose"}
	lines = updateFindings(t, labDefaults, renamed)
	if countWord(lines, updates.Fails) != 0 || !has(lines, updates.LosesData, "AWS::Kinesis::Stream", "(resource)") {
		t.Errorf("renamed delivery stream:\n%s", strings.Join(lines, "\n"))
	}
	// retain=true keeps the stream: CloudFormation lets go of it without deleting it.
	lines = updateFindings(t, map[string]string{"retain": "true"}, map[string]string{"retain": "true", "streamArn": existing["streamArn"], "deliveryStreamName": "team_firehose"})
	if has(lines, updates.LosesData, "AWS::Kinesis::Stream") {
		t.Errorf("retain=true keeps the stream:\n%s", strings.Join(lines, "\n"))
	}
}

// TestSwitchingTheStreamMode: Kinesis switches the capacity mode in place, at most twice in 24 hours; nothing is
// replaced or lost either way.
func TestSwitchingTheStreamMode(t *testing.T) {
	onDemand := variants["on-demand"]
	for _, pair := range [][2]map[string]string{{labDefaults, onDemand}, {onDemand, labDefaults}} {
		lines := updateFindings(t, pair[0], pair[1])
		if countWord(lines, updates.Fails) != 0 || countWord(lines, updates.LosesData) != 0 || countWord(lines, updates.Replaces) != 0 ||
			!has(lines, updates.Interrupts, "AWS::Kinesis::Stream", "StreamModeDetails", "in place", "at most 2 times in a rolling 24 hours", "switchingmodes") {
			t.Errorf("%v -> %v:\n%s", pair[0], pair[1], strings.Join(lines, "\n"))
		}
	}
}
