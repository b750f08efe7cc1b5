package main

import (
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/tenant-metrics-lab/tenant-metrics-lab/internal/testing/awsenv"
	"github.com/tenant-metrics-lab/tenant-metrics-lab/internal/testing/awsfake"
)

// athenaFake answers the Athena calls of `labcheck queries`: two saved queries, the second of which fails when
// failSecond is set, and a count query answering count.
type athenaFake struct {
	mu         sync.Mutex
	started    map[string]string // execution id -> SQL
	workGroups []string
	failSecond bool
	count      string
}

func startAthenaFake(t *testing.T, f *athenaFake) *awsfake.Server {
	awsenv.Hermetic(t, "us-east-1")
	srv := awsfake.Start(t)
	t.Setenv("AWS_ENDPOINT_URL", srv.URL)
	t.Setenv("CDK_ARGS", "")
	fastPolls(t)
	f.started = map[string]string{}
	srv.Handle("ListNamedQueries", func(r awsfake.Request) awsfake.Response {
		f.mu.Lock()
		f.workGroups = append(f.workGroups, r.Input["WorkGroup"].(string))
		f.mu.Unlock()
		return awsfake.Response{Body: map[string]any{"NamedQueryIds": []any{"q1", "q2"}}}
	})
	srv.Handle("BatchGetNamedQuery", func(r awsfake.Request) awsfake.Response {
		return awsfake.Response{Body: map[string]any{"NamedQueries": []any{
			map[string]any{"NamedQueryId": "q1", "Name": "Consumption per tenant", "Database": "tenant_metrics_lab", "QueryString": "SELECT 1", "WorkGroup": "tenant-metrics-lab"},
			map[string]any{"NamedQueryId": "q2", "Name": "Freshness", "Database": "tenant_metrics_lab", "QueryString": "SELECT 2", "WorkGroup": "tenant-metrics-lab"},
		}, "UnprocessedNamedQueryIds": []any{}}}
	})
	srv.Handle("StartQueryExecution", func(r awsfake.Request) awsfake.Response {
		f.mu.Lock()
		defer f.mu.Unlock()
		id := "exec-" + string(rune('a'+len(f.started)))
		f.started[id] = r.Input["QueryString"].(string)
		if r.Input["WorkGroup"] != "tenant-metrics-lab" {
			return awsfake.Response{Error: "InvalidRequestException", Body: "wrong workgroup"}
		}
		return awsfake.Response{Body: map[string]any{"QueryExecutionId": id}}
	})
	polls := map[string]int{}
	srv.Handle("GetQueryExecution", func(r awsfake.Request) awsfake.Response {
		f.mu.Lock()
		defer f.mu.Unlock()
		id := r.Input["QueryExecutionId"].(string)
		polls[id]++
		state := map[string]any{"State": "RUNNING"}
		if polls[id] > 1 { // running once, then done
			state = map[string]any{"State": "SUCCEEDED"}
			if f.failSecond && f.started[id] == "SELECT 2" {
				state = map[string]any{"State": "FAILED", "StateChangeReason": "COLUMN_NOT_FOUND: line 1:8: Column 'x' cannot be resolved"}
			}
		}
		return awsfake.Response{Body: map[string]any{"QueryExecution": map[string]any{
			"QueryExecutionId": id, "Status": state, "Statistics": map[string]any{"DataScannedInBytes": 10485760},
		}}}
	})
	srv.Handle("GetQueryResults", func(r awsfake.Request) awsfake.Response {
		return awsfake.Response{Body: map[string]any{"ResultSet": map[string]any{"Rows": []any{
			map[string]any{"Data": []any{map[string]any{"VarCharValue": "_col0"}}},
			map[string]any{"Data": []any{map[string]any{"VarCharValue": f.count}}},
		}}}}
	})
	return srv
}

func TestQueriesRunEverySavedQueryAndCountTheEvents(t *testing.T) {
	f := &athenaFake{count: "4213"}
	startAthenaFake(t, f)
	code, stdout, stderr := runLabcheck(t, "queries", "--since", "2h", "--expect-events", "4213")
	if code != 0 || !strings.Contains(stdout, `ok       saved query "Consumption per tenant": 10485760 bytes scanned`) ||
		!strings.Contains(stdout, `saved query "Freshness"`) || !strings.Contains(stdout, "Athena counts 4213 distinct events") {
		t.Fatalf("exit %d\nstdout %s\nstderr %s", code, stdout, stderr)
	}
	var count string
	for _, sql := range f.started {
		if strings.Contains(sql, "count(DISTINCT metadata.event_id)") {
			count = sql
		}
	}
	if !strings.Contains(count, `FROM "tenant_metrics_lab"."events" WHERE datehour >= '`) || len(f.started) != 3 {
		t.Errorf("queries started: %v", f.started)
	}
	if len(f.workGroups) != 1 || f.workGroups[0] != "tenant-metrics-lab" {
		t.Errorf("listed workgroups %v", f.workGroups)
	}
}

func TestQueriesFailOnAQueryErrorOrACountMismatch(t *testing.T) {
	f := &athenaFake{count: "4213", failSecond: true}
	startAthenaFake(t, f)
	code, stdout, stderr := runLabcheck(t, "queries")
	if code != 1 || !strings.Contains(stdout, `FAILED   saved query "Freshness": FAILED: COLUMN_NOT_FOUND`) || !strings.Contains(stderr, "1 of 2 saved queries failed") {
		t.Errorf("a failing query: exit %d\nstdout %s\nstderr %s", code, stdout, stderr)
	}
	f.failSecond = false
	code, _, stderr = runLabcheck(t, "queries", "--expect-events", "4200")
	if code != 1 || !strings.Contains(stderr, "the table holds 4213 distinct events, verify read 4200") {
		t.Errorf("a count mismatch: exit %d, %s", code, stderr)
	}
}

// alarmFake answers the CloudWatch calls of `labcheck alarm-path` with the given action summary.
func alarmFake(t *testing.T, actions []any, summary string) (states *[]string) {
	awsenv.Hermetic(t, "us-east-1")
	srv := awsfake.Start(t)
	t.Setenv("AWS_ENDPOINT_URL", srv.URL)
	t.Setenv("CDK_ARGS", "-c alarmEmail=ops@example.com")
	fastPolls(t)
	var mu sync.Mutex
	states = &[]string{}
	srv.Handle("DescribeAlarms", func(r awsfake.Request) awsfake.Response {
		names := r.Input["AlarmNames"].([]any)
		return awsfake.Response{Body: map[string]any{"MetricAlarms": []any{map[string]any{"AlarmName": names[0], "AlarmActions": actions}}}}
	})
	srv.Handle("SetAlarmState", func(r awsfake.Request) awsfake.Response {
		mu.Lock()
		defer mu.Unlock()
		*states = append(*states, r.Input["AlarmName"].(string)+"="+r.Input["StateValue"].(string))
		return awsfake.Response{Body: map[string]any{}}
	})
	calls := 0
	srv.Handle("DescribeAlarmHistory", func(r awsfake.Request) awsfake.Response {
		mu.Lock()
		defer mu.Unlock()
		calls++
		if calls == 1 || r.Input["HistoryItemType"] != "Action" { // nothing yet on the first look
			return awsfake.Response{Body: map[string]any{"AlarmHistoryItems": []any{}}}
		}
		return awsfake.Response{Body: map[string]any{"AlarmHistoryItems": []any{map[string]any{"AlarmName": r.Input["AlarmName"], "HistorySummary": summary}}}}
	})
	return states
}

func TestAlarmPathProvesTheActionRanAndRestoresTheState(t *testing.T) {
	topic := []any{"arn:aws:sns:us-east-1:000000000000:alarms"}
	states := alarmFake(t, topic, "Successfully executed action arn:aws:sns:us-east-1:000000000000:alarms")
	code, stdout, stderr := runLabcheck(t, "alarm-path")
	if code != 0 || !strings.Contains(stdout, "ok       alarm TenantMetricsLab-DeliveryFailed: Successfully executed action") {
		t.Fatalf("exit %d\nstdout %s\nstderr %s", code, stdout, stderr)
	}
	if strings.Join(*states, " ") != "TenantMetricsLab-DeliveryFailed=ALARM TenantMetricsLab-DeliveryFailed=OK" {
		t.Errorf("states set: %v", *states)
	}
}

func TestAlarmPathFailsWhenTheTopicRefuses(t *testing.T) {
	topic := []any{"arn:aws:sns:us-east-1:000000000000:alarms"}
	refused := `Failed to execute action arn:aws:sns:us-east-1:000000000000:alarms. Received error: "CloudWatch Alarms does not have authorization to access the SNS topic encryption key."`
	alarmFake(t, topic, refused)
	if code, _, stderr := runLabcheck(t, "alarm-path", "--alarm", "StreamWriteThrottled"); code != 1 ||
		!strings.Contains(stderr, "alarm TenantMetricsLab-StreamWriteThrottled could not notify: Failed to execute action") {
		t.Errorf("exit %d, %s", code, stderr)
	}
}

func TestAlarmPathNeedsAnAction(t *testing.T) {
	alarmFake(t, []any{}, "")
	if code, _, stderr := runLabcheck(t, "alarm-path"); code != 1 || !strings.Contains(stderr, "has no action to prove: deploy with alarmEmail") {
		t.Errorf("exit %d, %s", code, stderr)
	}
}

// fastPolls makes the account-run checks poll every millisecond for the rest of the test.
func fastPolls(t *testing.T) {
	old := pollEvery
	pollEvery = time.Millisecond
	t.Cleanup(func() { pollEvery = old })
}
