// Package awsenv makes a test's AWS environment hermetic: static credentials, no shared config files, no EC2
// metadata endpoint and no endpoint overrides from the developer's shell, so a test never reaches beyond loopback.
package awsenv

import (
	"path/filepath"
	"testing"
)

// Hermetic sets the AWS environment for the rest of the test: static credentials, region, empty shared config,
// no profile and no endpoint overrides. Tests then point single services at their stand-ins with
// AWS_ENDPOINT_URL_<SERVICE>. It also clears AWS_CA_BUNDLE, which makes the SDK's default client fail on loopback.
func Hermetic(t testing.TB, region string) {
	t.Helper()
	dir := t.TempDir()
	for k, v := range map[string]string{
		"AWS_CONFIG_FILE":             filepath.Join(dir, "config"),
		"AWS_SHARED_CREDENTIALS_FILE": filepath.Join(dir, "credentials"),
		"AWS_EC2_METADATA_DISABLED":   "true",
		"AWS_PROFILE":                 "",
		"AWS_REGION":                  region,
		"AWS_DEFAULT_REGION":          "",
		"AWS_ACCESS_KEY_ID":           "000000000000",
		"AWS_SECRET_ACCESS_KEY":       "test",
		"AWS_SESSION_TOKEN":           "",
		"AWS_ENDPOINT_URL":            "",
		"AWS_ENDPOINT_URL_KINESIS":    "",
		"AWS_ENDPOINT_URL_S3":         "",
		"AWS_CA_BUNDLE":               "",
	} {
		t.Setenv(k, v)
	}
}
