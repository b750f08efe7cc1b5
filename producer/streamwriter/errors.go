package streamwriter

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	sdkretry "github.com/aws/aws-sdk-go-v2/aws/retry"
	"github.com/aws/aws-sdk-go-v2/service/kinesis/types"
	"github.com/aws/smithy-go"
)

// ErrNoAnswer reports that the endpoint did not answer the first request within SetupTimeout.
var ErrNoAnswer = errors.New("no answer")

// verdict is what to do after a failed attempt.
type verdict int

const (
	retry    verdict = iota // transient: 5xx, network, internal failure
	throttle                // over the throughput limit: back off and retry
	abandon                 // the writer is closing or failed elsewhere: stop, count as failed
	fatal                   // retrying cannot help: stream missing, access denied, invalid request
)

// isRetryable is the SDK's own judgement of transient errors: connection errors, 5xx, throttling codes.
var isRetryable = sdkretry.IsErrorRetryables(sdkretry.DefaultRetryables)

// classify judges a whole-request error. Unknown errors are fatal so that a misconfiguration stops the run
// with its message instead of retrying forever.
func classify(err error) verdict {
	var pte *types.ProvisionedThroughputExceededException
	var kmsThrottle *types.KMSThrottlingException
	var limit *types.LimitExceededException
	switch {
	case errors.Is(err, context.Canceled), errors.Is(err, context.DeadlineExceeded):
		return abandon
	case errors.As(err, &pte), errors.As(err, &kmsThrottle), errors.As(err, &limit):
		return throttle
	case sdkretry.IsErrorThrottles(sdkretry.DefaultThrottles).IsErrorThrottle(err) == aws.TrueTernary:
		return throttle
	case isRetryable.IsErrorRetryable(err) == aws.TrueTernary:
		return retry
	}
	// Server-side faults reported by code rather than by HTTP status.
	var apiErr smithy.APIError
	if errors.As(err, &apiErr) && (apiErr.ErrorFault() == smithy.FaultServer ||
		apiErr.ErrorCode() == "InternalFailure" || apiErr.ErrorCode() == "ServiceUnavailable") {
		return retry
	}
	return fatal
}

// classifyCode judges a per-record ErrorCode of a PutRecords response. Kinesis documents throughput and
// internal failures as the transient ones; the KMS key problems need a person. Unknown codes are retried, since
// a record must never be given up on a guess.
func classifyCode(code string) verdict {
	switch code {
	case "ProvisionedThroughputExceededException", "KMSThrottlingException":
		return throttle
	case "KMSDisabledException", "KMSInvalidStateException", "KMSAccessDeniedException", "KMSNotFoundException",
		"KMSOptInRequired", "AccessDeniedException", "ResourceNotFoundException":
		return fatal
	}
	return retry
}

// describeSetupError turns the first call's errors into the sentence a person needs.
func describeSetupError(stream string, err error) error {
	var notFound *types.ResourceNotFoundException
	var apiErr smithy.APIError
	switch {
	case errors.As(err, &notFound):
		return fmt.Errorf("stream %s not found: check the name, the region and the account (%s)", stream, aws.ToString(notFound.Message))
	case errors.As(err, &apiErr) && strings.Contains(apiErr.ErrorCode(), "AccessDenied"):
		return fmt.Errorf("not allowed to read the shards of stream %s (kinesis:ListShards): %s", stream, apiErr.ErrorMessage())
	}
	return fmt.Errorf("list shards of stream %s: %w", stream, err)
}
