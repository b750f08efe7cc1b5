package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"time"

	"github.com/tenant-metrics-lab/tenant-metrics-lab/internal/awsclient"
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

func runVerify(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := newFlagSet("verify", "producer verify (--bucket NAME | --stack NAME) [flags]", verifyDetails, stderr)
	bucket := fs.String("bucket", "", "bucket the delivery stream writes to")
	stack := fs.String("stack", "", "read the bucket from this deployed stack's BucketName output, e.g. TenantMetricsLab")
	prefix := fs.String("prefix", "", "key prefix of delivered objects (default: the stack's DataPrefix output with --stack, else "+lab.DefaultPrefix+")")
	errorPrefix := fs.String("error-prefix", "", "key prefix of the records Firehose could not convert, partition, process or deliver (default: the stack's ErrorPrefix output with --stack, else "+verify.DefaultErrorPrefix+")")
	since := fs.Duration("since", 0, "only objects modified this recently, e.g. 15m (0: all)")
	expect := fs.Int("expect", 0, "require at least this many distinct events (0: no check)")
	asJSON := fs.Bool("json", false, "print the report as JSON")
	var aws awsclient.Options
	registerAWSFlags(fs, &aws, "S3 endpoint, e.g. http://127.0.0.1:9000 for a local S3 (path-style)")
	if code, ok := parseFlags(fs, func() error { return fs.Parse(args) }); !ok {
		return code
	}
	switch {
	case fs.NArg() > 0:
		return usageError(fs, fmt.Sprintf("unexpected argument %q", fs.Arg(0)))
	case (*bucket == "") == (*stack == ""):
		return usageError(fs, "give exactly one of --bucket and --stack")
	case *since < 0 || *expect < 0:
		return usageError(fs, "--since and --expect must not be negative")
	}
	// One configuration (and one credentials check) serves both the stack lookup and S3.
	cfg, err := awsclient.Load(ctx, aws)
	if err != nil {
		fmt.Fprintf(stderr, "producer verify: %v\n", err)
		return exitFailure
	}
	if *stack != "" {
		outputs, err := awsclient.StackOutputs(ctx, cfg, *stack, "BucketName")
		if err != nil {
			fmt.Fprintf(stderr, "producer verify: %v\n", err)
			return exitFailure
		}
		*bucket = outputs["BucketName"]
		if *prefix == "" {
			// A stack deployed before the DataPrefix output existed has none: verify.Run then takes the default
			// prefix, which is where such a stack wrote.
			*prefix = outputs["DataPrefix"]
		}
		if *errorPrefix == "" {
			// Likewise for ErrorPrefix: such a stack wrote its failed records under verify.DefaultErrorPrefix.
			*errorPrefix = outputs["ErrorPrefix"]
		}
	}
	client := awsclient.S3(cfg, aws)
	start := time.Now()
	report, err := verify.Run(ctx, client, verify.Options{Bucket: *bucket, Prefix: *prefix, ErrorPrefix: *errorPrefix, Since: *since, Expect: *expect})
	if err != nil {
		fmt.Fprintf(stderr, "producer verify: %v\n", err)
		return exitFailure
	}
	if *asJSON {
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		_ = enc.Encode(report)
	} else {
		fmt.Fprint(stdout, report.Text())
		fmt.Fprintf(stderr, "producer verify: read in %.1fs\n", time.Since(start).Seconds())
	}
	if !report.OK {
		fmt.Fprintf(stderr, "producer verify: FAILED: %s\n", report.Reason)
		return exitFailure
	}
	return exitOK
}
