package main

import (
	"context"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/athena"
	athenatypes "github.com/aws/aws-sdk-go-v2/service/athena/types"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatch"
	cwtypes "github.com/aws/aws-sdk-go-v2/service/cloudwatch/types"

	"github.com/tenant-metrics-lab/tenant-metrics-lab/stacks/config"
)

// The account run's proofs (.github/workflows/e2e.yml) act on the deployment, unlike preflight and leftovers: they
// run Athena queries (billed per data scanned, at least 10 MB each) and set one alarm's state.

// pollEvery is how often a run checks on a query or an alarm's history; tests shorten it.
var pollEvery = 2 * time.Second

// queryTimeout bounds one Athena query; the saved queries read 24 hours of a lab's data.
const queryTimeout = 5 * time.Minute

// runQueries runs every saved query of the deployment's workgroup and fails on any that does not succeed; then
// counts the distinct events the table holds in the hours since `since` ago. With expect > 0 that count must
// equal expect (what `producer verify --json` read from the same objects).
func runQueries(ctx context.Context, a *account, cfg config.Config, since time.Duration, expect int, out io.Writer) error {
	wg, db := cfg.WorkGroupName(), cfg.DatabaseName()
	var ids []string
	p := athena.NewListNamedQueriesPaginator(a.athena, &athena.ListNamedQueriesInput{WorkGroup: aws.String(wg)})
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			return fmt.Errorf("list the saved queries of workgroup %s: %w", wg, err)
		}
		ids = append(ids, page.NamedQueryIds...)
	}
	if len(ids) == 0 {
		return fmt.Errorf("workgroup %s has no saved queries: is the stack deployed with query=true?", wg)
	}
	got, err := a.athena.BatchGetNamedQuery(ctx, &athena.BatchGetNamedQueryInput{NamedQueryIds: ids})
	if err != nil {
		return fmt.Errorf("read the saved queries of workgroup %s: %w", wg, err)
	}
	var failed []string
	for _, q := range got.NamedQueries {
		name := aws.ToString(q.Name)
		exec, err := runQuery(ctx, a, wg, aws.ToString(q.Database), aws.ToString(q.QueryString))
		if err != nil {
			failed = append(failed, fmt.Sprintf("%s: %v", name, err))
			fmt.Fprintf(out, "FAILED   saved query %q: %v\n", name, err)
			continue
		}
		fmt.Fprintf(out, "ok       saved query %q: %s scanned\n", name, scanned(exec))
	}
	if len(got.UnprocessedNamedQueryIds) > 0 {
		failed = append(failed, fmt.Sprintf("%d saved queries could not be read", len(got.UnprocessedNamedQueryIds)))
	}
	if len(failed) > 0 {
		return fmt.Errorf("%d of %d saved queries failed", len(failed), len(ids))
	}

	layout, err := cfg.Layout()
	if err != nil {
		return err
	}
	from := layout.FormatTime(time.Now().Add(-since).UTC())
	count := fmt.Sprintf(`SELECT count(DISTINCT metadata.event_id) FROM %q.%q WHERE %s >= '%s'`,
		db, config.TableName, config.DateHourColumn, from)
	exec, err := runQuery(ctx, a, wg, db, count)
	if err != nil {
		return fmt.Errorf("count the events: %w", err)
	}
	res, err := a.athena.GetQueryResults(ctx, &athena.GetQueryResultsInput{QueryExecutionId: exec.QueryExecutionId})
	if err != nil {
		return fmt.Errorf("read the event count: %w", err)
	}
	events, err := firstCell(res)
	if err != nil {
		return fmt.Errorf("read the event count: %w", err)
	}
	fmt.Fprintf(out, "ok       Athena counts %d distinct events since %s (%s scanned)\n", events, from, scanned(exec))
	if expect > 0 && events != expect {
		return fmt.Errorf("the table holds %d distinct events, verify read %d from the same objects", events, expect)
	}
	return nil
}

// runQuery starts a query in the workgroup and waits until it ends; an error says why it did not succeed.
func runQuery(ctx context.Context, a *account, workGroup, database, sql string) (*athenatypes.QueryExecution, error) {
	ctx, cancel := context.WithTimeout(ctx, queryTimeout)
	defer cancel()
	start, err := a.athena.StartQueryExecution(ctx, &athena.StartQueryExecutionInput{
		QueryString:           aws.String(sql),
		WorkGroup:             aws.String(workGroup),
		QueryExecutionContext: &athenatypes.QueryExecutionContext{Database: aws.String(database)},
	})
	if err != nil {
		return nil, fmt.Errorf("start: %w", err)
	}
	for {
		got, err := a.athena.GetQueryExecution(ctx, &athena.GetQueryExecutionInput{QueryExecutionId: start.QueryExecutionId})
		if err != nil {
			return nil, fmt.Errorf("query %s: %w", aws.ToString(start.QueryExecutionId), err)
		}
		exec := got.QueryExecution
		switch exec.Status.State {
		case athenatypes.QueryExecutionStateSucceeded:
			return exec, nil
		case athenatypes.QueryExecutionStateFailed, athenatypes.QueryExecutionStateCancelled:
			return nil, fmt.Errorf("%s: %s", exec.Status.State, aws.ToString(exec.Status.StateChangeReason))
		}
		select {
		case <-ctx.Done():
			return nil, fmt.Errorf("query %s did not finish: %w", aws.ToString(start.QueryExecutionId), ctx.Err())
		case <-time.After(pollEvery):
		}
	}
}

// scanned is a query's data scanned, for the report.
func scanned(exec *athenatypes.QueryExecution) string {
	if exec.Statistics == nil || exec.Statistics.DataScannedInBytes == nil {
		return "? bytes"
	}
	return fmt.Sprintf("%d bytes", *exec.Statistics.DataScannedInBytes)
}

// firstCell reads the single number a count query returns (the first row is the header).
func firstCell(res *athena.GetQueryResultsOutput) (int, error) {
	if res.ResultSet == nil || len(res.ResultSet.Rows) < 2 || len(res.ResultSet.Rows[1].Data) == 0 {
		return 0, fmt.Errorf("no result row")
	}
	return strconv.Atoi(aws.ToString(res.ResultSet.Rows[1].Data[0].VarCharValue))
}

// proveAlarmPath sets one alarm of the deployment to ALARM and waits for its history to show the SNS action
// executed: CloudWatch records "Failed to execute action <topic>" when the topic policy or the topic's key does
// not let it publish (https://repost.aws/knowledge-center/cloudwatch-receive-sns-for-alarm-trigger), which no
// template test can observe. The alarm is set back to OK afterwards; it re-evaluates on its next period anyway.
func proveAlarmPath(ctx context.Context, a *account, cfg config.Config, alarmID string, wait time.Duration, out io.Writer) error {
	name := cfg.AlarmName(alarmID)
	desc, err := a.cw.DescribeAlarms(ctx, &cloudwatch.DescribeAlarmsInput{AlarmNames: []string{name}})
	if err != nil {
		return fmt.Errorf("read alarm %s: %w", name, err)
	}
	if len(desc.MetricAlarms) == 0 {
		return fmt.Errorf("alarm %s does not exist: is the stack deployed with monitoring=true?", name)
	}
	if len(desc.MetricAlarms[0].AlarmActions) == 0 {
		return fmt.Errorf("alarm %s has no action to prove: deploy with alarmEmail set", name)
	}
	since := time.Now().Add(-time.Minute)
	if _, err := a.cw.SetAlarmState(ctx, &cloudwatch.SetAlarmStateInput{
		AlarmName: aws.String(name), StateValue: cwtypes.StateValueAlarm,
		StateReason: aws.String("labcheck alarm-path: proving that the alarm's action reaches its topic"),
	}); err != nil {
		return fmt.Errorf("set alarm %s to ALARM: %w", name, err)
	}
	defer func() {
		_, _ = a.cw.SetAlarmState(context.WithoutCancel(ctx), &cloudwatch.SetAlarmStateInput{
			AlarmName: aws.String(name), StateValue: cwtypes.StateValueOk,
			StateReason: aws.String("labcheck alarm-path: done"),
		})
	}()
	deadline := time.Now().Add(wait)
	for {
		hist, err := a.cw.DescribeAlarmHistory(ctx, &cloudwatch.DescribeAlarmHistoryInput{
			AlarmName: aws.String(name), HistoryItemType: cwtypes.HistoryItemTypeAction, StartDate: aws.Time(since),
		})
		if err != nil {
			return fmt.Errorf("read the history of alarm %s: %w", name, err)
		}
		for _, item := range hist.AlarmHistoryItems {
			summary := aws.ToString(item.HistorySummary)
			switch {
			case strings.Contains(summary, "Failed to execute action"):
				return fmt.Errorf("alarm %s could not notify: %s", name, summary)
			case strings.Contains(summary, "Successfully executed action"):
				fmt.Fprintf(out, "ok       alarm %s: %s\n", name, summary)
				return nil
			}
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("alarm %s: no action in its history %v after it was set to ALARM", name, wait)
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(pollEvery):
		}
	}
}
