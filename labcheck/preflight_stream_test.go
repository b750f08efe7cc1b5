package main

import (
	"strings"
	"testing"

	"github.com/tenant-metrics-lab/tenant-metrics-lab/internal/testing/awsfake"
)

const teamStream = "arn:aws:kinesis:us-east-1:111122223333:stream/team-telemetry"

// existingStream is what the fake account says of the stream streamArn references and of the Firehose streams
// that read it.
type existingStream struct {
	status, encryption, keyID, keyManager, mode string
	shards                                      int
	readers                                     []string // Firehose streams with the stream as their source
}

// withExistingStream answers Kinesis, Firehose and KMS from s through awsfake.
func withExistingStream(t *testing.T, f *fakeAccount, s *existingStream) {
	t.Setenv("AWS_ENDPOINT_URL_KINESIS", f.aws.URL)
	f.state.stacks["CDKToolkit"] = "CREATE_COMPLETE"
	f.aws.Handle("DescribeStreamSummary", func(r awsfake.Request) awsfake.Response {
		if r.Input["StreamARN"] != teamStream {
			return awsfake.Response{Error: "ResourceNotFoundException", Body: "Stream not found"}
		}
		if s.status == "" {
			return awsfake.Response{Error: "ResourceNotFoundException", Body: "Stream team-telemetry under account 111122223333 not found."}
		}
		summary := map[string]any{
			"StreamName": "team-telemetry", "StreamARN": teamStream, "StreamStatus": s.status, "RetentionPeriodHours": 24,
			"EncryptionType": s.encryption, "OpenShardCount": s.shards, "ConsumerCount": 0,
			"StreamModeDetails": map[string]any{"StreamMode": s.mode}, "EnhancedMonitoring": []any{},
		}
		if s.keyID != "" {
			summary["KeyId"] = s.keyID
		}
		return awsfake.Response{Body: map[string]any{"StreamDescriptionSummary": summary}}
	})
	f.aws.Handle("DescribeKey", func(r awsfake.Request) awsfake.Response {
		if r.Input["KeyId"] != s.keyID {
			t.Errorf("DescribeKey of %v, want the stream's key %s", r.Input["KeyId"], s.keyID)
		}
		arn := "arn:aws:kms:us-east-1:111122223333:key/1234abcd"
		if strings.Contains(s.keyID, ":key/") {
			arn = s.keyID // KMS answers with the key's ARN
		}
		return awsfake.Response{Body: map[string]any{"KeyMetadata": map[string]any{
			"KeyId": arn[strings.LastIndex(arn, "/")+1:], "Arn": arn, "KeyManager": s.keyManager, "KeyState": "Enabled",
		}}}
	})
	all := append([]string{"unrelated_firehose"}, s.readers...)
	f.aws.Handle("ListDeliveryStreams", func(r awsfake.Request) awsfake.Response {
		if r.Input["DeliveryStreamType"] != "KinesisStreamAsSource" {
			t.Errorf("ListDeliveryStreams without the Kinesis source filter: %v", r.Input)
		}
		// Two pages, to prove the pagination.
		names := all[:1]
		more := true
		if r.Input["ExclusiveStartDeliveryStreamName"] != nil {
			names, more = all[1:], false
		}
		list := make([]any, len(names))
		for i, n := range names {
			list[i] = n
		}
		return awsfake.Response{Body: map[string]any{"DeliveryStreamNames": list, "HasMoreDeliveryStreams": more}}
	})
	f.aws.Handle("DescribeDeliveryStream", func(r awsfake.Request) awsfake.Response {
		name := r.Input["DeliveryStreamName"].(string)
		source := "arn:aws:kinesis:us-east-1:111122223333:stream/other"
		found := name == "unrelated_firehose"
		for _, reader := range s.readers {
			if reader == name {
				source, found = teamStream, true
			}
		}
		if !found {
			return awsfake.Response{Error: "ResourceNotFoundException"}
		}
		return awsfake.Response{Body: map[string]any{"DeliveryStreamDescription": map[string]any{
			"DeliveryStreamName": name, "DeliveryStreamARN": "arn:aws:firehose:us-east-1:111122223333:deliverystream/" + name,
			"DeliveryStreamStatus": "ACTIVE", "DeliveryStreamType": "KinesisStreamAsSource", "VersionId": "1",
			"Destinations": []any{}, "HasMoreDestinations": false,
			"Source": map[string]any{"KinesisStreamSourceDescription": map[string]any{"KinesisStreamARN": source}},
		}}}
	})
}

func TestPreflightChecksTheReferencedStream(t *testing.T) {
	args := "-c streamArn=" + teamStream
	for _, tc := range []struct {
		name   string
		stream existingStream
		args   string
		code   int
		want   []string
	}{
		{"ready, AWS managed key", existingStream{status: "ACTIVE", encryption: "KMS", keyID: "alias/aws/kinesis", mode: "PROVISIONED", shards: 2, readers: []string{"team_archive"}}, args, 0, []string{
			"ok       stream " + teamStream + " (streamArn) is ACTIVE",
			"encrypted with the AWS managed key alias/aws/kinesis",
			"has 2 open shard(s) for the producer's 10 events/s",
			"1 other Firehose reader(s); with the stack's, 2 of the 5 GetRecords calls",
			"preflight: nothing blocks",
		}},
		{"missing", existingStream{}, args, 1, []string{"BLOCKER  stream " + teamStream + " (streamArn) does not exist"}},
		{"being created", existingStream{status: "CREATING", encryption: "NONE", mode: "PROVISIONED", shards: 1}, args, 1, []string{"BLOCKER  stream " + teamStream + " (streamArn) is CREATING: the producer and Firehose need it ACTIVE"}},
		{"updating, unencrypted, on demand", existingStream{status: "UPDATING", encryption: "NONE", mode: "ON_DEMAND"}, args, 0, []string{
			"note     stream " + teamStream + " (streamArn) is UPDATING: reads and writes go on",
			"WARNING  stream " + teamStream + " (streamArn) is not encrypted at rest",
			"is on-demand: it takes 4000 records/s new",
		}},
		{"customer managed key", existingStream{status: "ACTIVE", encryption: "KMS", keyID: "1234abcd", keyManager: "CUSTOMER", mode: "PROVISIONED", shards: 1}, args, 1, []string{
			"BLOCKER  stream " + teamStream + " is encrypted with the customer managed key arn:aws:kms:us-east-1:111122223333:key/1234abcd",
			"kmsKeyArn=arn:aws:kms:us-east-1:111122223333:key/1234abcd", "permissions-user-key-KMS.html",
		}},
		{"customer managed key, passed as kmsKeyArn", existingStream{status: "ACTIVE", encryption: "KMS", keyID: "arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab", keyManager: "CUSTOMER", mode: "PROVISIONED", shards: 1},
			args + " -c encryption=kms -c kmsKeyArn=arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab", 0, []string{
				"ok       stream " + teamStream + " is encrypted with arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab, the key kmsKeyArn names",
			}},
		{"key by ARN, AWS managed", existingStream{status: "ACTIVE", encryption: "KMS", keyID: "arn:aws:kms:us-east-1:111122223333:key/aws-kinesis", keyManager: "AWS", mode: "PROVISIONED", shards: 1}, args, 0, []string{
			"encrypted with an AWS managed key",
		}},
		{"five readers already", existingStream{status: "ACTIVE", encryption: "KMS", keyID: "alias/aws/kinesis", mode: "PROVISIONED", shards: 1, readers: []string{"a", "b", "c", "d", "e"}}, args, 1, []string{
			"BLOCKER  stream " + teamStream + " already has 5 Firehose readers (a, b, c, d, e): with the stack's that is 6",
		}},
		// The stack's own delivery stream (here a leftover of that name, which blocks on its own) is not counted twice.
		{"the stack's own reader is not counted twice", existingStream{status: "ACTIVE", encryption: "KMS", keyID: "alias/aws/kinesis", mode: "PROVISIONED", shards: 1, readers: []string{"a", "b", "c", "d", "tenant_metrics_firehose"}}, args, 1, []string{
			"ok       stream " + teamStream + ": 4 other Firehose reader(s); with the stack's, 5 of the 5", "preflight: 1 blocker(s)",
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := newFakeAccount(t)
			withExistingStream(t, f, &tc.stream)
			code, stdout, stderr := runLabcheck(t, "preflight", "--cdk-args", tc.args)
			if code != tc.code {
				t.Errorf("exit %d, want %d\n%s%s", code, tc.code, stdout, stderr)
			}
			for _, w := range tc.want {
				if !strings.Contains(stdout, w) {
					t.Errorf("output lacks %q:\n%s", w, stdout)
				}
			}
			if strings.Contains(stdout, "Kinesis stream team-telemetry already exists") {
				t.Errorf("the referenced stream is no name conflict:\n%s", stdout)
			}
		})
	}
}

// TestPreflightRefusesARateTheStreamCannotTake: config allows one shard's rate with streamArn; a stream whose
// open shards take less is a blocker. (producerRate above 1000 is refused by the configuration itself.)
func TestPreflightRefusesARateTheStreamCannotTake(t *testing.T) {
	f := newFakeAccount(t)
	withExistingStream(t, f, &existingStream{status: "ACTIVE", encryption: "KMS", keyID: "alias/aws/kinesis", mode: "PROVISIONED", shards: 0})
	code, stdout, _ := runLabcheck(t, "preflight", "--cdk-args", "-c streamArn="+teamStream)
	if code != 1 || !strings.Contains(stdout, "BLOCKER  producerRate=10: stream "+teamStream+" has 0 open shard(s), 0 records/s") {
		t.Errorf("exit %d\n%s", code, stdout)
	}
}
