package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"time"

	"github.com/tenant-metrics-lab/tenant-metrics-lab/internal/awsclient"
	"github.com/tenant-metrics-lab/tenant-metrics-lab/internal/cli"
	"github.com/tenant-metrics-lab/tenant-metrics-lab/internal/lab"
	"github.com/tenant-metrics-lab/tenant-metrics-lab/producer/verify"
)

const verifyDetails = `Reads every object under the prefix (GZIP or plain; NDJSON or concatenated JSON), validates each event
against the producer's schema, and reports objects, bytes, events, invalid events (with object key and
line/offset), duplicate event ids, events per tenant and per metric, delivery delay (object LastModified minus
event timestamp: p50, p95, max) and the newest object's age.

It also reads the objects under the error prefix, where Firehose writes the records it could not convert,
partition, process or deliver (one JSON document per record: errorCode, errorMessage, base64 rawData, ...),
within the same --since window, and counts their records by error type: the key's folder after the error
prefix (processing-failed, format-conversion-failed, partitioning-failed, ...), else the records' errorCode,
else unknown. An unreadable error object or line counts as an unknown record and is reported against its key.

The bucket is --bucket, or the BucketName output of the deployed stack named by --stack; with --stack the
prefix defaults to the stack's DataPrefix output (the literal part of its configured prefix) and the error
prefix to its ErrorPrefix output (errors/ for a stack deployed before that output existed).

Exit status: 0 when objects were found, no event is invalid, Firehose diverted no record to the error prefix
and --expect (if given) holds; 1 otherwise, with one line saying why (naming the error types and their record
counts when records were diverted); 2 for usage errors.
`

func verifyCommand() *cli.Command {
	return &cli.Command{
		Name:     "verify",
		Synopsis: "(--bucket NAME | --stack NAME) [flags]",
		Summary:  "check what Firehose delivered to S3 and give a verdict",
		Details:  verifyDetails,
		Setup: func(fs *flag.FlagSet) cli.Action {
			var o verifyFlags
			fs.StringVar(&o.bucket, "bucket", "", "bucket the delivery stream writes to")
			fs.StringVar(&o.stack, "stack", "", "read the bucket from this deployed stack's BucketName output, e.g. TenantMetricsLab")
			fs.StringVar(&o.prefix, "prefix", "", "key prefix of delivered objects (default: the stack's DataPrefix output with --stack, else "+lab.DefaultPrefix+")")
			fs.StringVar(&o.errorPrefix, "error-prefix", "", "key prefix of the records Firehose could not convert, partition, process or deliver (default: the stack's ErrorPrefix output with --stack, else "+verify.DefaultErrorPrefix+")")
			fs.DurationVar(&o.since, "since", 0, "only objects modified this recently, e.g. 15m (0: all)")
			fs.IntVar(&o.expect, "expect", 0, "require at least this many distinct events (0: no check)")
			fs.BoolVar(&o.json, "json", false, "print the report as JSON")
			registerAWSFlags(fs, &o.aws, "S3 endpoint, e.g. http://127.0.0.1:9000 for a local S3 (path-style)")
			return func(ctx context.Context, c *cli.Call) int { return runVerify(ctx, c, o) }
		},
	}
}

// verifyFlags are verify's flags.
type verifyFlags struct {
	bucket, stack, prefix, errorPrefix string
	since                              time.Duration
	expect                             int
	json                               bool
	aws                                awsclient.Options
}

func runVerify(ctx context.Context, c *cli.Call, o verifyFlags) int {
	switch {
	case (o.bucket == "") == (o.stack == ""):
		return c.Usagef("give exactly one of --bucket and --stack")
	case o.since < 0 || o.expect < 0:
		return c.Usagef("--since and --expect must not be negative")
	}
	// One configuration (and one credentials check) serves both the stack lookup and S3.
	cfg, err := awsclient.Load(ctx, o.aws)
	if err != nil {
		return c.Fail(err)
	}
	if o.stack != "" {
		outputs, err := awsclient.StackOutputs(ctx, cfg, o.stack, "BucketName")
		if err != nil {
			return c.Fail(err)
		}
		o.bucket = outputs["BucketName"]
		if o.prefix == "" {
			// A stack deployed before the DataPrefix output existed has none: verify.Run then takes the default
			// prefix, which is where such a stack wrote.
			o.prefix = outputs["DataPrefix"]
		}
		if o.errorPrefix == "" {
			// Likewise for ErrorPrefix: such a stack wrote its failed records under verify.DefaultErrorPrefix.
			o.errorPrefix = outputs["ErrorPrefix"]
		}
	}
	client := awsclient.S3(cfg, o.aws)
	start := time.Now()
	report, err := verify.Run(ctx, client, verify.Options{Bucket: o.bucket, Prefix: o.prefix, ErrorPrefix: o.errorPrefix, Since: o.since, Expect: o.expect})
	if err != nil {
		return c.Fail(err)
	}
	if o.json {
		enc := json.NewEncoder(c.Stdout)
		enc.SetIndent("", "  ")
		_ = enc.Encode(report)
	} else {
		fmt.Fprint(c.Stdout, report.Text())
		fmt.Fprintf(c.Stderr, "%s: read in %.1fs\n", c.Name(), time.Since(start).Seconds())
	}
	if !report.OK {
		return c.Fail(fmt.Errorf("FAILED: %s", report.Reason))
	}
	return cli.ExitOK
}
