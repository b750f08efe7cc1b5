package test

import (
	"encoding/json"
	"strings"
	"testing"
)

// TestCustomerManagedKey pins encryption=kms: one key with rotation on encrypts the stream, the data and results
// buckets (with S3 Bucket Keys), the delivered objects and the query results; every KMS grant names that key, no
// role has kms:* or a key statement on *, and every grant is through its service (kms:ViaService); with kmsKeyArn the stack creates no key and uses the given one.
func TestCustomerManagedKey(t *testing.T) {
	const given = "arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab"
	for _, name := range []string{"kms", "kms-existing-key"} {
		t.Run(name, func(t *testing.T) {
			s := synth(t, variants[name])
			keys := s.resources("AWS::KMS::Key")
			var keyRef string
			switch name {
			case "kms":
				if len(keys) != 1 {
					t.Fatalf("%d keys, want 1", len(keys))
				}
				for id, k := range keys {
					if k["Properties"].(map[string]any)["EnableKeyRotation"] != true {
						t.Errorf("key %s: rotation off", id)
					}
					b, _ := json.Marshal(map[string]any{"Fn::GetAtt": []any{id, "Arn"}})
					keyRef = string(b)
				}
			default:
				if len(keys) != 0 {
					t.Fatalf("kmsKeyArn: the stack creates %d keys", len(keys))
				}
				b, _ := json.Marshal(given)
				keyRef = string(b)
			}
			uses := func(what string, v any) {
				t.Helper()
				if b, _ := json.Marshal(v); !strings.Contains(string(b), keyRef) {
					t.Errorf("%s does not use the key %s: %s", what, keyRef, b)
				}
			}
			for _, st := range s.resources("AWS::Kinesis::Stream") {
				enc := st["Properties"].(map[string]any)["StreamEncryption"].(map[string]any)
				if enc["EncryptionType"] != "KMS" {
					t.Errorf("stream encryption %v", enc)
				}
				uses("the stream", enc["KeyId"])
			}
			for id, b := range s.resources("AWS::S3::Bucket") {
				if strings.HasPrefix(id, "AccessLogs") {
					continue // S3 server access logging delivers only to SSE-S3 buckets
				}
				rule := b["Properties"].(map[string]any)["BucketEncryption"].(map[string]any)["ServerSideEncryptionConfiguration"].([]any)[0].(map[string]any)
				if rule["BucketKeyEnabled"] != true {
					t.Errorf("bucket %s: no S3 Bucket Key", id)
				}
				uses("bucket "+id, rule["ServerSideEncryptionByDefault"])
			}
			for _, d := range s.resources("AWS::KinesisFirehose::DeliveryStream") {
				dest := d["Properties"].(map[string]any)["ExtendedS3DestinationConfiguration"].(map[string]any)
				uses("the delivery stream", dest["EncryptionConfiguration"].(map[string]any)["KMSEncryptionConfig"])
			}
			for _, w := range s.resources("AWS::Athena::WorkGroup") {
				enc := w["Properties"].(map[string]any)["WorkGroupConfiguration"].(map[string]any)["ResultConfiguration"].(map[string]any)["EncryptionConfiguration"].(map[string]any)
				if enc["EncryptionOption"] != "SSE_KMS" {
					t.Errorf("query results %v", enc)
				}
				uses("the query results", enc["KmsKey"])
			}
			grants := 0
			for id, p := range s.resources("AWS::IAM::Policy") {
				for _, raw := range p["Properties"].(map[string]any)["PolicyDocument"].(map[string]any)["Statement"].([]any) {
					st := raw.(map[string]any)
					b, _ := json.Marshal(st["Action"])
					if !strings.Contains(string(b), "kms:") {
						continue
					}
					if strings.Contains(string(b), "kms:*") {
						t.Errorf("%s grants kms:*", id)
					}
					if st["Resource"] == "*" {
						t.Errorf("%s grants %s on every key", id, b)
					}
					if c, _ := json.Marshal(st["Condition"]); !strings.Contains(string(c), "kms:ViaService") {
						t.Errorf("%s grants %s without the kms:ViaService condition AWS documents: %s", id, b, c)
					}
					grants++
					uses(id+" "+string(b), st["Resource"])
				}
			}
			// The producer (GenerateDataKey), the Firehose source role (Decrypt) and the delivery role (S3).
			if grants < 3 {
				t.Errorf("%d KMS grants, want the producer's, the source role's and the delivery role's", grants)
			}
		})
	}
}

// TestAWSManagedKeysWriteNoEncryption: without a customer key the delivery stream writes NoEncryption, so a stream
// switched back from encryption=kms does not keep encrypting with the old key (Firehose keeps what a template
// leaves out), and no KMS key or grant exists.
func TestAWSManagedKeysWriteNoEncryption(t *testing.T) {
	s := synth(t, labDefaults)
	for _, d := range s.resources("AWS::KinesisFirehose::DeliveryStream") {
		enc := d["Properties"].(map[string]any)["ExtendedS3DestinationConfiguration"].(map[string]any)["EncryptionConfiguration"]
		if b, _ := json.Marshal(enc); string(b) != `{"NoEncryptionConfig":"NoEncryption"}` {
			t.Errorf("EncryptionConfiguration %s", b)
		}
	}
	if n := len(s.resources("AWS::KMS::Key")); n != 0 {
		t.Errorf("%d keys in the lab configuration", n)
	}
}
