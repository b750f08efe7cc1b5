package config

// UpdateExamples are, per key, the values the generated update table of docs/configuration.md deploys over the
// defaults and back (test/update_table_test.go synthesizes each pair and runs labcheck's update analysis). Every
// key has at least one, so no key lands without its update behaviour.
var UpdateExamples = map[string][]string{
	"namePrefix":                  {"alice"},
	"streamName":                  {"other-stream"},
	"shardCount":                  {"2", "10"},
	"retentionHours":              {"48"},
	"deliveryStreamName":          {"other_firehose"},
	"bucketName":                  {"my-existing-lab-bucket"},
	"prefix":                      {"data/"},
	"errorPrefix":                 {"failed/!{firehose:error-output-type}/"},
	"dataRetentionDays":           {"30"},
	"archiveAfterDays":            {"30"},
	"bufferSizeMiB":               {"5"},
	"bufferIntervalSeconds":       {"300"},
	"compression":                 {"UNCOMPRESSED"},
	"logRetentionDays":            {"30"},
	"retain":                      {"true"},
	"producer":                    {"false"},
	"producerRate":                {"100"},
	"producerAggregate":           {"true"},
	"producerReservedConcurrency": {"1"},
	"monitoring":                  {"false"},
	"alarmEmail":                  {"ops@example.com"},
	"query":                       {"false"},
	"queryScanCutoffMiB":          {"2048"},
	"partitioning":                {PartitioningTenant},
	"format":                      {FormatParquet},
}
