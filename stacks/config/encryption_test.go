package config

import (
	"strings"
	"testing"
)

// TestEncryptionValues: bad values of encryption and kmsKeyArn fail naming the key, the value and what is allowed;
// kmsKeyArn needs encryption=kms.
func TestEncryptionValues(t *testing.T) {
	const key = "arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab"
	for _, tc := range []struct {
		raw  map[string]any
		want []string // "" means valid
	}{
		{map[string]any{"encryption": "kms"}, nil},
		{map[string]any{"encryption": "kms", "kmsKeyArn": key}, nil},
		{map[string]any{"encryption": "kms", "kmsKeyArn": "arn:aws:kms:us-east-1:111122223333:key/mrk-1234abcd12ab34cd56ef1234567890ab"}, nil},
		{map[string]any{"encryption": "sse-kms"}, []string{`encryption="sse-kms"`, "aws-managed", "kms"}},
		{map[string]any{"encryption": "kms", "kmsKeyArn": "arn:aws:kms:us-east-1:111122223333:alias/lab"}, []string{`kmsKeyArn="arn:aws:kms:us-east-1:111122223333:alias/lab"`, "not an alias"}},
		{map[string]any{"encryption": "kms", "kmsKeyArn": "1234abcd-12ab-34cd-56ef-1234567890ab"}, []string{"kmsKeyArn=", "KMS key ARN"}},
		{map[string]any{"kmsKeyArn": key}, []string{"kmsKeyArn=", "needs encryption=kms"}},
	} {
		_, err := FromContext(tc.raw)
		if tc.want == nil {
			if err != nil {
				t.Errorf("%v: %v", tc.raw, err)
			}
			continue
		}
		if err == nil {
			t.Errorf("%v accepted", tc.raw)
			continue
		}
		for _, w := range tc.want {
			if !strings.Contains(err.Error(), w) {
				t.Errorf("%v: error %q lacks %q", tc.raw, err, w)
			}
		}
	}
}
