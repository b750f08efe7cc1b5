package config

import (
	"strconv"

	"github.com/tenant-metrics-lab/tenant-metrics-lab/internal/firehoseprefix"
)

// The data bucket's lifecycle: how long delivered objects, failed records and the source-record backup are kept,
// and when delivered objects move to a cheaper storage class.

const (
	// MaxDataRetentionDays bounds dataRetentionDays and archiveAfterDays: ten years, a typo guard (S3 sets none).
	MaxDataRetentionDays = 3653
	// MinArchiveAfterDays is S3's minimum age for a lifecycle transition to Standard-IA ("objects must be stored at
	// least 30 days in the current storage class before you can transition them to S3 Standard-IA"), also that
	// class's minimum storage duration. https://docs.aws.amazon.com/AmazonS3/latest/userguide/lifecycle-transition-general-considerations.html
	MinArchiveAfterDays = 30
	// MinErrorRetentionDays is the least time failed records are kept once the data expires: a month to notice the
	// alarm and read the records before they go.
	MinErrorRetentionDays = 30
	// ArchiveStorageClassName is the storage class archiveAfterDays moves objects to, as the docs name it.
	ArchiveStorageClassName = "S3 Standard-IA"
)

// ErrorRetentionDays is when the objects under the error prefix expire: never when the data is kept, else no
// sooner than the data and not within MinErrorRetentionDays.
func (c Config) ErrorRetentionDays() int {
	if c.DataRetentionDays == 0 {
		return 0
	}
	return max(c.DataRetentionDays, MinErrorRetentionDays)
}

// lifecycleRules adds the rules between the lifecycle keys and the others to p.
func (c Config) lifecycleRules(p *problems) {
	bad := func(key string, value any, why string) { p.invalid(key, value, why) }
	if c.BucketName != "" {
		for _, k := range []struct {
			key string
			v   int
		}{{"dataRetentionDays", c.DataRetentionDays}, {"archiveAfterDays", c.ArchiveAfterDays}} {
			if key, v := k.key, k.v; v != 0 {
				bad(key, v, "bucketName="+c.BucketName+" is a bucket the stack does not own and adds no lifecycle rules to; leave "+key+" unset (default 0) and manage that bucket's lifecycle where it is owned (labcheck preflight reports it)")
			}
		}
	}
	if c.ArchiveAfterDays != 0 && c.ArchiveAfterDays < MinArchiveAfterDays {
		bad("archiveAfterDays", c.ArchiveAfterDays, "must be 0 (never) or at least "+strconv.Itoa(MinArchiveAfterDays)+": S3 moves objects to "+ArchiveStorageClassName+" no sooner than "+strconv.Itoa(MinArchiveAfterDays)+" days after creation")
	}
	if c.DataRetentionDays > 0 && c.ArchiveAfterDays >= c.DataRetentionDays {
		bad("archiveAfterDays", c.ArchiveAfterDays, "must be less than dataRetentionDays="+strconv.Itoa(c.DataRetentionDays)+" (objects expire before they would move), or 0")
	}
	if (c.DataRetentionDays != 0 || c.ArchiveAfterDays != 0) && firehoseprefix.Literal(c.Prefix) == "" {
		key, v := "dataRetentionDays", c.DataRetentionDays
		if v == 0 {
			key, v = "archiveAfterDays", c.ArchiveAfterDays
		}
		bad(key, v, "needs a prefix that starts with literal text before any !{...} expression: the lifecycle rule filters on it, and an empty filter would reach every object in the bucket")
	}
}
