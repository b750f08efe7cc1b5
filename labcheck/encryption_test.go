package main

import (
	"strings"
	"testing"
)

// TestPreflightSaysWhichKeyAnImportedBucketNeeds: an imported bucket that defaults to SSE-KMS with a customer key
// blocks the default configuration, naming the key and the keys to pass; SSE-S3, aws/s3 or the given key pass.
func TestPreflightSaysWhichKeyAnImportedBucketNeeds(t *testing.T) {
	const key = "arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab"
	kmsRule := `<Rule><ApplyServerSideEncryptionByDefault><SSEAlgorithm>aws:kms</SSEAlgorithm><KMSMasterKeyID>` + key + `</KMSMasterKeyID></ApplyServerSideEncryptionByDefault><BucketKeyEnabled>true</BucketKeyEnabled></Rule>`
	for _, tc := range []struct {
		name, rules, cdkArgs string
		code                 int
		want                 string
	}{
		{"no configuration", "", "", 0, "ok       bucket my-lab-bucket defaults to SSE-S3: delivery needs no key"},
		{"SSE-S3", `<Rule><ApplyServerSideEncryptionByDefault><SSEAlgorithm>AES256</SSEAlgorithm></ApplyServerSideEncryptionByDefault></Rule>`, "", 0, "defaults to SSE-S3"},
		{"aws/s3", `<Rule><ApplyServerSideEncryptionByDefault><SSEAlgorithm>aws:kms</SSEAlgorithm></ApplyServerSideEncryptionByDefault></Rule>`, "", 0, "with the AWS managed key aws/s3: delivery can use it"},
		{"customer key, default config", kmsRule, "", 1, "BLOCKER  bucket my-lab-bucket defaults to aws:kms with the customer-managed key " + key + ", which the delivery role may not use: every delivery would fail; deploy with -c encryption=kms -c kmsKeyArn="},
		{"customer key, given", kmsRule, " -c encryption=kms -c kmsKeyArn=" + key, 0, "ok       bucket my-lab-bucket defaults to aws:kms with " + key + ": delivery can use it"},
		{"customer key, the stack's key", kmsRule, " -c encryption=kms", 0, "but the delivery stream encrypts every object with the stack's key"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := newFakeAccount(t)
			f.state.stacks["CDKToolkit"] = "CREATE_COMPLETE"
			f.s3.CreateBucket(t, "my-lab-bucket")
			if tc.rules != "" {
				f.s3.SetEncryption("my-lab-bucket", tc.rules)
			}
			code, stdout, _ := runLabcheck(t, "preflight", "--cdk-args", "-c namePrefix=carol -c bucketName=my-lab-bucket"+tc.cdkArgs)
			if code != tc.code || !strings.Contains(stdout, tc.want) {
				t.Errorf("exit %d (want %d), output lacks %q:\n%s", code, tc.code, tc.want, stdout)
			}
		})
	}
}
