// Package redact is transform=redact, Firehose's data transformation contract applied to the lab's events: each
// record of a batch comes back with its recordId, a result (Ok, Dropped or ProcessingFailed) and its base64 data
// (https://docs.aws.amazon.com/firehose/latest/dev/data-transformation-status-model.html). An event that matches
// the schema (internal/event's Check) comes back Ok without metadata.user, the personal data the lake must not
// hold; anything else comes back ProcessingFailed, so Firehose writes it under the error prefix as
// processing-failed (https://docs.aws.amazon.com/firehose/latest/dev/data-transformation-failure-handling.html).
//
// With KPL aggregation the function sees user records, not aggregates: Firehose de-aggregates the records of a
// Kinesis source ("Firehose de-aggregates the records before it delivers them to the destination",
// https://docs.aws.amazon.com/streams/latest/dev/kpl-with-firehose.html), and each record of the event carries its
// subsequenceNumber in kinesisRecordMetadata
// (https://docs.aws.amazon.com/lambda/latest/dg/services-kinesisfirehose.html). A record that still held an
// aggregate would fail the schema check and land, visibly, under processing-failed.
package redact

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"

	"github.com/aws/aws-lambda-go/events"

	"github.com/tenant-metrics-lab/tenant-metrics-lab/internal/event"
)

// Record transforms one record's data: the redacted event as one NDJSON line and Ok, or the data unchanged and
// ProcessingFailed with why. Nothing is Dropped: a record the lab cannot use is kept, under the error prefix.
func Record(data []byte) (out []byte, result string, why error) {
	e, err := decode(data)
	if err != nil {
		return data, events.KinesisFirehoseTransformedStateProcessingFailed, err
	}
	return event.AppendRedactedNDJSON(nil, e), events.KinesisFirehoseTransformedStateOk, nil
}

// decode reads exactly one event, with no field the schema does not have, and checks it.
func decode(data []byte) (*event.Event, error) {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	var e event.Event
	if err := dec.Decode(&e); err != nil {
		return nil, fmt.Errorf("not a JSON event: %w", err)
	}
	if dec.More() {
		return nil, errors.New("more than one JSON value in the record")
	}
	if err := event.Check(&e); err != nil {
		return nil, fmt.Errorf("event %q does not match the schema: %w", e.Metadata.EventID, err)
	}
	return &e, nil
}

// Handle answers one Firehose invocation: every record, in order, with its own recordId. It fails only on a
// batch it cannot answer at all (none is: each record is judged alone), so Firehose's invocation retries are
// left for Lambda's own errors and timeouts.
func Handle(ctx context.Context, batch events.KinesisFirehoseEvent) (events.KinesisFirehoseResponse, error) {
	resp := events.KinesisFirehoseResponse{Records: make([]events.KinesisFirehoseResponseRecord, len(batch.Records))}
	failed := 0
	for i, r := range batch.Records {
		out, result, why := Record(r.Data)
		if why != nil {
			failed++
			// The record itself goes to S3; the log says why, which the error object's errorMessage cannot.
			slog.WarnContext(ctx, "processing failed", "recordId", r.RecordID, "reason", why.Error())
		}
		resp.Records[i] = events.KinesisFirehoseResponseRecord{RecordID: r.RecordID, Result: result, Data: out}
	}
	slog.InfoContext(ctx, "batch", "invocationId", batch.InvocationID, "records", len(batch.Records), "failed", failed)
	return resp, nil
}
