package test

import (
	"strings"
	"testing"
)

// wantAlarms is every alarm with the metric, statistic, threshold, period, comparison and evaluation periods the
// README documents.
var wantAlarms = map[string]map[string]any{
	"StreamWriteThrottled": {"Namespace": "AWS/Kinesis", "MetricName": "WriteProvisionedThroughputExceeded", "Statistic": "Sum",
		"Threshold": 0.0, "Period": 300.0, "ComparisonOperator": "GreaterThanThreshold", "EvaluationPeriods": 1.0},
	"DeliveryFallingBehind": {"Namespace": "AWS/Kinesis", "MetricName": "GetRecords.IteratorAgeMilliseconds", "Statistic": "Maximum",
		"Threshold": 300000.0, "Period": 300.0, "ComparisonOperator": "GreaterThanThreshold", "EvaluationPeriods": 2.0},
	"DeliveryStale": {"Namespace": "AWS/Firehose", "MetricName": "DeliveryToS3.DataFreshness", "Statistic": "Maximum",
		"Threshold": 300.0, "Period": 300.0, "ComparisonOperator": "GreaterThanThreshold", "EvaluationPeriods": 1.0},
	"DeliveryFailed": {"Namespace": "AWS/Firehose", "MetricName": "DeliveryToS3.Success", "Statistic": "Minimum",
		"Threshold": 1.0, "Period": 300.0, "ComparisonOperator": "LessThanThreshold", "EvaluationPeriods": 1.0},
	"ProducerErrors": {"Namespace": "AWS/Lambda", "MetricName": "Errors", "Statistic": "Sum",
		"Threshold": 0.0, "Period": 300.0, "ComparisonOperator": "GreaterThanThreshold", "EvaluationPeriods": 1.0},
	"RecordsDiverted": {"Namespace": "AWS/S3", "MetricName": "PutRequests", "Statistic": "Sum",
		"Threshold": 0.0, "Period": 300.0, "ComparisonOperator": "GreaterThanThreshold", "EvaluationPeriods": 1.0},
}

// TestEveryDiversionPathHasAnAlarm: each way Firehose diverts records under the error prefix has an alarm while its
// feature is on (Firehose emits FailedConversion.Records only with conversion, PartitionCountExceeded only with
// dynamic partitioning, https://docs.aws.amazon.com/firehose/latest/dev/monitoring-with-cloudwatch-metrics.html),
// and the stack's own bucket counts every PUT under the error prefix, whatever the error type.
func TestEveryDiversionPathHasAnAlarm(t *testing.T) {
	for _, tc := range []struct {
		variant string
		want    map[string]string // alarm -> metric
		absent  []string
	}{
		{"lab", map[string]string{"RecordsDiverted": "PutRequests", "DeliveryFailed": "DeliveryToS3.Success"}, []string{"ConversionFailed", "PartitionLimitExceeded"}},
		{"parquet", map[string]string{"RecordsDiverted": "PutRequests", "ConversionFailed": "FailedConversion.Records"}, []string{"PartitionLimitExceeded"}},
		{"tenant-partitioning", map[string]string{"RecordsDiverted": "PutRequests", "PartitionLimitExceeded": "PartitionCountExceeded"}, []string{"ConversionFailed"}},
		{"parquet-tenant", map[string]string{"ConversionFailed": "FailedConversion.Records", "PartitionLimitExceeded": "PartitionCountExceeded"}, nil},
		// An imported bucket is not the stack's to configure: no request metrics, no alarm on them.
		{"existing-bucket", map[string]string{"DeliveryFailed": "DeliveryToS3.Success"}, []string{"RecordsDiverted"}},
	} {
		s := synth(t, variants[tc.variant])
		got := s.alarms()
		for name, metric := range tc.want {
			if got[name]["MetricName"] != metric || got[name]["Threshold"] == nil {
				t.Errorf("%s: alarm %s = %v, want one on %s", tc.variant, name, got[name], metric)
			}
		}
		for _, name := range tc.absent {
			if got[name] != nil {
				t.Errorf("%s: alarm %s on a feature that is off", tc.variant, name)
			}
		}
		if !strings.Contains(jsonOf(got["DeliveryFailed"]["AlarmDescription"]), "24 hours") {
			t.Errorf("%s: DeliveryFailed must say Firehose retries for up to 24 hours, then discards", tc.variant)
		}
		if a := got["RecordsDiverted"]; a != nil {
			var filter any
			for _, b := range s.resources("AWS::S3::Bucket") {
				if mc := props(b)["MetricsConfigurations"]; mc != nil {
					filter = mc
				}
			}
			if jsonOf(filter) != `[{"Id":"ErrorPrefix","Prefix":"errors/"}]` || !strings.Contains(jsonOf(a["Dimensions"]), `{"Name":"FilterId","Value":"ErrorPrefix"}`) {
				t.Errorf("%s: request metrics %s, alarm dimensions %s", tc.variant, jsonOf(filter), jsonOf(a["Dimensions"]))
			}
		}
	}
}

func (s *synthesized) alarms() map[string]map[string]any {
	out := map[string]map[string]any{}
	for _, r := range s.resources("AWS::CloudWatch::Alarm") {
		name := props(r)["AlarmName"].(string)
		out[name[strings.LastIndex(name, "-")+1:]] = props(r)
	}
	return out
}

func TestAlarmsWatchTheRightMetrics(t *testing.T) {
	s := synth(t, labDefaults)
	got := s.alarms()
	if len(got) != len(wantAlarms) {
		t.Fatalf("%d alarms, want %d: %v", len(got), len(wantAlarms), got)
	}
	for name, want := range wantAlarms {
		a := got[name]
		if a == nil {
			t.Errorf("missing alarm %s", name)
			continue
		}
		for k, v := range want {
			if a[k] != v {
				t.Errorf("%s: %s = %v, want %v", name, k, a[k], v)
			}
		}
		if a["TreatMissingData"] != "notBreaching" {
			t.Errorf("%s: an idle lab must not alarm (TreatMissingData %v)", name, a["TreatMissingData"])
		}
		if a["AlarmDescription"] == nil || len(a["AlarmDescription"].(string)) < 40 {
			t.Errorf("%s: the description must say why", name)
		}
		if a["AlarmActions"] != nil {
			t.Errorf("%s: without alarmEmail there is nothing to notify", name)
		}
	}
	if !strings.HasPrefix(props(s.resources("AWS::CloudWatch::Alarm")[firstKey(s.resources("AWS::CloudWatch::Alarm"))])["AlarmName"].(string), "TenantMetricsLab-") {
		t.Error("alarm names must carry the stack name")
	}
	if n := len(s.resources("AWS::SNS::Topic")); n != 0 {
		t.Errorf("no alarmEmail, but %d topics", n)
	}
}

func TestFreshnessFollowsTheBufferInterval(t *testing.T) {
	s := synth(t, map[string]string{"bufferIntervalSeconds": "300"})
	if got := s.alarms()["DeliveryStale"]["Threshold"]; got != 1500.0 {
		t.Errorf("freshness threshold with a 300 s buffer = %v, want 1500", got)
	}
}

func TestAlarmEmailWiresAnEncryptedTopic(t *testing.T) {
	s := synth(t, map[string]string{"alarmEmail": "ops@example.com"})
	topicID, topic := s.only(t, "AWS::SNS::Topic")
	keyID, key := s.only(t, "AWS::KMS::Key")
	if jsonOf(props(topic)["KmsMasterKeyId"]) != jsonOf(map[string]any{"Fn::GetAtt": []any{keyID, "Arn"}}) {
		t.Errorf("topic key = %s", jsonOf(props(topic)["KmsMasterKeyId"]))
	}
	if props(key)["EnableKeyRotation"] != true || !strings.Contains(jsonOf(props(key)["KeyPolicy"]), "cloudwatch.amazonaws.com") {
		t.Errorf("key: rotation %v, policy %s", props(key)["EnableKeyRotation"], jsonOf(props(key)["KeyPolicy"]))
	}
	s.has(t, "AWS::SNS::Subscription", map[string]any{"Protocol": "email", "Endpoint": "ops@example.com", "TopicArn": map[string]any{"Ref": topicID}})
	// The enforceSSL policy replaces SNS's default one, so CloudWatch needs an explicit Allow, limited to this
	// account's alarms of this stack; the TLS deny stays.
	// https://docs.aws.amazon.com/sns/latest/dg/sns-key-management.html#compatibility-with-aws-services
	_, policy := s.only(t, "AWS::SNS::TopicPolicy")
	var deny, allow map[string]any
	for _, st := range statementsOf(props(policy)["PolicyDocument"]) {
		switch st["Effect"] {
		case "Deny":
			deny = st
		case "Allow":
			allow = st
		}
	}
	if deny == nil || jsonOf(deny["Condition"]) != `{"Bool":{"aws:SecureTransport":"false"}}` || deny["Principal"] != "*" {
		t.Errorf("topic policy must deny plain HTTP: %s", jsonOf(policy))
	}
	alarmConditions := func(st map[string]any) string {
		return jsonOf(st["Condition"])
	}
	if allow == nil || jsonOf(allow["Principal"]) != `{"Service":"cloudwatch.amazonaws.com"}` || allow["Action"] != "sns:Publish" ||
		jsonOf(allow["Resource"]) != jsonOf(map[string]any{"Ref": topicID}) {
		t.Fatalf("topic policy must let CloudWatch publish: %s", jsonOf(policy))
	}
	cond := alarmConditions(allow)
	if !strings.Contains(cond, `"StringEquals":{"aws:SourceAccount":{"Ref":"AWS::AccountId"}}`) {
		t.Errorf("CloudWatch's publish grant must be limited to this account: %s", cond)
	}
	for name := range s.alarms() {
		if !strings.Contains(cond, `":alarm:TenantMetricsLab-`+name+`"`) {
			t.Errorf("CloudWatch's publish grant does not cover alarm %s: %s", name, cond)
		}
	}
	// The key lets CloudWatch use it under the same conditions, and waits the minimum 7 days once deleted.
	var keyGrant map[string]any
	for _, st := range statementsOf(props(key)["KeyPolicy"]) {
		if jsonOf(st["Principal"]) == `{"Service":"cloudwatch.amazonaws.com"}` {
			keyGrant = st
		}
	}
	if keyGrant == nil || jsonOf(keyGrant["Action"]) != `["kms:Decrypt","kms:GenerateDataKey"]` || alarmConditions(keyGrant) != cond {
		t.Errorf("key grant to CloudWatch %s must match the topic's conditions %s", jsonOf(keyGrant), cond)
	}
	if props(key)["PendingWindowInDays"] != 7.0 || key["DeletionPolicy"] != "Delete" {
		t.Errorf("key: pending window %v, deletion %v; want 7 days and Delete", props(key)["PendingWindowInDays"], key["DeletionPolicy"])
	}
	for name, a := range s.alarms() {
		want := jsonOf([]any{map[string]any{"Ref": topicID}})
		if jsonOf(a["AlarmActions"]) != want || jsonOf(a["OKActions"]) != want {
			t.Errorf("%s: actions %s / %s, want the topic", name, jsonOf(a["AlarmActions"]), jsonOf(a["OKActions"]))
		}
	}
}

func TestDashboardShowsThePipeline(t *testing.T) {
	s := synth(t, labDefaults)
	_, d := s.only(t, "AWS::CloudWatch::Dashboard")
	if props(d)["DashboardName"] != "TenantMetricsLab" {
		t.Errorf("dashboard name %v", props(d)["DashboardName"])
	}
	body := jsonOf(props(d)["DashboardBody"])
	for _, metric := range []string{"IncomingRecords", "IncomingBytes", "WriteProvisionedThroughputExceeded", "GetRecords.IteratorAgeMilliseconds",
		"DeliveryToS3.Records", "DeliveryToS3.Bytes", "DeliveryToS3.DataFreshness", "DeliveryToS3.Success", "Invocations", "Errors", "Duration"} {
		if !strings.Contains(body, `\"`+metric+`\"`) {
			t.Errorf("dashboard lacks %s", metric)
		}
	}
	if s.raw["Outputs"].(map[string]any)["DashboardUrl"] == nil {
		t.Error("missing DashboardUrl output")
	}
}

func TestMonitoringFalseRemovesItAll(t *testing.T) {
	s := synth(t, map[string]string{"monitoring": "false"})
	for _, typ := range []string{"AWS::CloudWatch::Alarm", "AWS::CloudWatch::Dashboard", "AWS::SNS::Topic", "AWS::KMS::Key"} {
		if n := len(s.resources(typ)); n != 0 {
			t.Errorf("monitoring=false leaves %d %s", n, typ)
		}
	}
	if s.raw["Outputs"].(map[string]any)["DashboardUrl"] != nil {
		t.Error("monitoring=false leaves the DashboardUrl output")
	}
	off := synth(t, map[string]string{"producer": "false"})
	if _, ok := off.alarms()["ProducerErrors"]; ok {
		t.Error("producer=false leaves the producer alarm")
	}
	_, d := off.only(t, "AWS::CloudWatch::Dashboard")
	if strings.Contains(jsonOf(props(d)["DashboardBody"]), "Invocations") {
		t.Error("producer=false leaves producer widgets on the dashboard")
	}
}

func firstKey[V any](m map[string]V) string {
	for k := range m {
		return k
	}
	return ""
}
