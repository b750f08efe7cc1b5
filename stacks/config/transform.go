package config

import (
	"strings"

	"github.com/tenant-metrics-lab/tenant-metrics-lab/internal/firehoseprefix"
)

// Record transformation (transform) and source-record backup (backup): the values, the Lambda processor's
// buffering hints, the backup prefix, and the rules between them and the other keys.

// Values of transform.
const (
	TransformNone   = "none"   // Firehose delivers records as the stream holds them
	TransformRedact = "redact" // a Lambda function drops metadata.user and fails records that do not match the schema
)

// Transforms lists the allowed values of transform.
var Transforms = []string{TransformNone, TransformRedact}

// BackupPrefix is the key prefix, in the data bucket, under which backup=true keeps the untransformed source
// records. It is literal: Firehose appends its yyyy/MM/dd/HH/ folders.
const BackupPrefix = "backup/"

// The backup's buffering hints: Firehose's S3 defaults, written explicitly; a backup allows no zero buffering.
// https://docs.aws.amazon.com/firehose/latest/dev/create-configure-backup.html
const (
	BackupBufferMiB             = 5
	BackupBufferIntervalSeconds = 300
)

// The Lambda processor's buffering hints and retries, written explicitly so that a template pins them. Firehose
// allows 0.2 to 3 MB and 0 to 900 s, and retries an invocation 3 times by default; its defaults are 1 MB and 60 s.
// https://docs.aws.amazon.com/firehose/latest/dev/data-transformation.html
// https://docs.aws.amazon.com/firehose/latest/APIReference/API_ProcessorParameter.html
const (
	TransformBufferMiB             = 1
	TransformBufferIntervalSeconds = 60
	TransformRetries               = 3
)

// Transforming reports whether Firehose invokes the transformation function.
func (c Config) Transforming() bool { return c.Transform != TransformNone }

// transformRules adds the rules of transform and backup to p.
func (c Config) transformRules(p *problems) {
	if !c.Backup {
		return
	}
	// Source record backup to S3 exists only with a Lambda transformation or record format conversion ("You can
	// specify the S3 backup settings ... If you set Amazon S3 as the destination ... and you choose to specify an
	// AWS Lambda function to transform data records or if you choose to convert data record formats").
	// https://docs.aws.amazon.com/firehose/latest/dev/create-configure-backup.html
	if !c.Transforming() && c.Format != FormatParquet {
		p.invalid("backup", c.Backup, "backup=true needs transform="+TransformRedact+" or format="+FormatParquet+": Firehose backs up source records only when it transforms or converts them (with neither, the delivered objects are the source records)")
	}
	for _, k := range []struct{ key, prefix string }{{"prefix", c.Prefix}, {"errorPrefix", c.ErrorPrefix}} {
		lit := firehoseprefix.Literal(k.prefix)
		if strings.HasPrefix(lit, BackupPrefix) || strings.HasPrefix(BackupPrefix, lit) {
			p.invalid(k.key, k.prefix, "backup=true writes source records under "+BackupPrefix+": "+k.key+" must not overlap it, or backups would mix with delivered or failed records")
		}
	}
}
