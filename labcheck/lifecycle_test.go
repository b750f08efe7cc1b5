package main

import (
	"strings"
	"testing"
)

// TestPreflightReportsAnImportedBucketsLifecycle: with bucketName the stack adds no lifecycle rule, so the
// preflight says what the bucket's own rules do to the delivered objects: nothing, an expiry of the data prefix,
// or a rule elsewhere that leaves it kept.
func TestPreflightReportsAnImportedBucketsLifecycle(t *testing.T) {
	f := newFakeAccount(t)
	f.state.stacks["CDKToolkit"] = "CREATE_COMPLETE"
	f.s3.CreateBucket(t, "my-lab-bucket")
	args := []string{"preflight", "--cdk-args", "-c namePrefix=carol -c bucketName=my-lab-bucket"}

	code, stdout, _ := runLabcheck(t, args...)
	if code != 0 || !strings.Contains(stdout, "note     bucket my-lab-bucket has no lifecycle rules: objects are kept until deleted") {
		t.Errorf("no lifecycle: exit %d\n%s", code, stdout)
	}

	f.s3.SetLifecycle("my-lab-bucket", `<Rule><ID>old-logs</ID><Filter><Prefix>logs/</Prefix></Filter><Status>Enabled</Status><Expiration><Days>3</Days></Expiration></Rule>`+
		`<Rule><ID>off</ID><Filter><Prefix>stream/</Prefix></Filter><Status>Disabled</Status><Expiration><Days>1</Days></Expiration></Rule>`)
	code, stdout, _ = runLabcheck(t, args...)
	if code != 0 || !strings.Contains(stdout, "no enabled lifecycle rule expires objects under stream/: delivered objects are kept until deleted") || strings.Contains(stdout, "old-logs") {
		t.Errorf("rules elsewhere: exit %d\n%s", code, stdout)
	}

	f.s3.SetLifecycle("my-lab-bucket", `<Rule><ID>thirty</ID><Filter><Prefix>stream/</Prefix></Filter><Status>Enabled</Status><Expiration><Days>30</Days></Expiration>`+
		`<Transition><Days>30</Days><StorageClass>STANDARD_IA</StorageClass></Transition></Rule>`+
		`<Rule><ID>all</ID><Filter><And><Prefix></Prefix><Tag><Key>k</Key><Value>v</Value></Tag></And></Filter><Status>Enabled</Status><Expiration><Days>400</Days></Expiration></Rule>`)
	code, stdout, _ = runLabcheck(t, args...)
	for _, want := range []string{
		"note     bucket my-lab-bucket: lifecycle rule thirty expires objects under stream/ after 30 days: delivered objects (stream/) are deleted then",
		"note     bucket my-lab-bucket: lifecycle rule thirty moves objects under stream/ to STANDARD_IA after 30 days",
		"note     bucket my-lab-bucket: lifecycle rule all expires some objects anywhere in the bucket (tag or size filter) after 400 days",
	} {
		if code != 0 || !strings.Contains(stdout, want) {
			t.Errorf("exit %d, output lacks %q:\n%s", code, want, stdout)
		}
	}
}
