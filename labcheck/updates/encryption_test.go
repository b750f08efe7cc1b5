package updates

import (
	"testing"

	"github.com/tenant-metrics-lab/tenant-metrics-lab/internal/assembly"
)

// TestEncryptionConfigurationIsReplacedWhole: a head that writes NoEncryptionConfig over a deployed
// KMSEncryptionConfig (or the reverse) changes the encryption; nothing of the other member is kept.
func TestEncryptionConfigurationIsReplacedWhole(t *testing.T) {
	kms := map[string]any{"KMSEncryptionConfig": map[string]any{"AWSKMSKeyARN": "arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab"}}
	none := map[string]any{"NoEncryptionConfig": "NoEncryption"}
	stream := func(enc map[string]any) assembly.Resource {
		return assembly.Resource{Type: deliveryStreamType, Properties: map[string]any{
			"ExtendedS3DestinationConfiguration": map[string]any{"EncryptionConfiguration": enc},
		}}
	}
	for _, tc := range []struct{ base, head map[string]any }{{kms, none}, {none, kms}} {
		c := &comparison{stack: "S", replaced: map[string]change{}}
		c.kept("DS", stream(tc.base), stream(tc.head))
		if len(c.out) != 0 {
			t.Errorf("%v -> %v: %+v", tc.base, tc.head, c.out)
		}
	}
	// Left out altogether, the deployed encryption is kept: still a finding.
	c := &comparison{stack: "S", replaced: map[string]change{}}
	c.kept("DS", stream(kms), assembly.Resource{Type: deliveryStreamType, Properties: map[string]any{"ExtendedS3DestinationConfiguration": map[string]any{}}})
	if len(c.out) != 1 || c.out[0].Word != Fails {
		t.Errorf("an omitted EncryptionConfiguration: %+v", c.out)
	}
}
