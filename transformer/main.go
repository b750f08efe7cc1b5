// Command transformer is the lab's Firehose record transformation (transform=redact), run as an AWS Lambda
// function that Firehose invokes synchronously with each buffered batch: see package redact for what it does to
// a record. It has no command line: outside Lambda it exits with a usage error.
package main

import (
	"fmt"
	"os"

	"github.com/aws/aws-lambda-go/lambda"

	"github.com/tenant-metrics-lab/tenant-metrics-lab/internal/lab"
	"github.com/tenant-metrics-lab/tenant-metrics-lab/transformer/redact"
)

// exitUsage is the exit status of a run outside Lambda, the usage-error status of the other commands.
const exitUsage = 2

func main() {
	if os.Getenv(lab.RuntimeAPIEnv) == "" {
		fmt.Fprintln(os.Stderr, "transformer: a Lambda function for Firehose's record transformation; it runs only inside AWS Lambda ("+lab.RuntimeAPIEnv+" is not set)")
		os.Exit(exitUsage)
	}
	lambda.Start(redact.Handle)
}
