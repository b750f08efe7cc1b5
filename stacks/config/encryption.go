package config

import "regexp"

// Encryptions of the data at rest (encryption).
const (
	// EncryptionAWSManaged is the services' own keys: alias/aws/kinesis for the stream, SSE-S3 for the buckets.
	EncryptionAWSManaged = "aws-managed"
	// EncryptionKMS is one customer-managed KMS key for the stream, the delivered objects and the query results.
	EncryptionKMS = "kms"
)

// Encryptions lists the allowed values of encryption.
var Encryptions = []string{EncryptionAWSManaged, EncryptionKMS}

// kmsKeyArnRe is a KMS key ARN, not an alias ARN: IAM matches a policy's Resource against the key's ARN, so a
// grant on an alias would let no role use the key ("You cannot specify an alias ARN in the Resource element",
// https://docs.aws.amazon.com/kms/latest/developerguide/cmks-in-iam-policies.html). Key ids are UUIDs, or
// mrk-<32 hex> for multi-Region keys.
var kmsKeyArnRe = regexp.MustCompile(`^arn:aws[-a-z]*:kms:[a-z]{2}(-[a-z]+)+-[0-9]:[0-9]{12}:key/([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}|mrk-[0-9a-f]{32})$`)

const kmsKeyArnAllowed = "a KMS key ARN (not an alias), arn:aws[-a-z]*:kms:<region>:<account>:key/<key id>, e.g. arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab"

var kmsKeyArnRule = text{allowed: kmsKeyArnAllowed, problem: func(c Config) string {
	if c.KmsKeyArn != "" && !kmsKeyArnRe.MatchString(c.KmsKeyArn) {
		return "must be " + kmsKeyArnAllowed
	}
	return ""
}}

// CustomerKey reports whether the data is encrypted with a customer-managed key (created, or kmsKeyArn).
func (c Config) CustomerKey() bool { return c.Encryption == EncryptionKMS }

// encryptionRules adds the rules between encryption and kmsKeyArn to p.
func (c Config) encryptionRules(p *problems) {
	if c.KmsKeyArn != "" && c.Encryption != EncryptionKMS {
		p.invalid("kmsKeyArn", c.KmsKeyArn, "needs encryption="+EncryptionKMS+" (encryption="+c.Encryption+" uses the services' own keys); set encryption="+EncryptionKMS+" or leave kmsKeyArn unset")
	}
}
