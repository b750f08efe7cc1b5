package config

// UpdateExamples are, per key, the values the generated update table of docs/configuration.md deploys over the
// defaults and back (test/update_table_test.go synthesizes each pair and runs labcheck's update analysis). Every
// key has at least one, so no key lands without its update behaviour.
var UpdateExamples = map[string][]string{
	"namePrefix":                  {"alice"},
	"streamName":                  {"other-stream"},
	"shardCount":                  {"2", "10"},
	"retentionHours":              {"48"},
	"streamArn":                   {"arn:aws:kinesis:us-east-1:111122223333:stream/team-telemetry"},
	"streamMode":                  {StreamModeOnDemand},
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
	"encryption":                  {EncryptionKMS},
	"kmsKeyArn":                   {"arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab"},
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
	"transform":                   {TransformRedact},
	"backup":                      {"true"},
}

// UpdateExampleCompanions are, per key, the other keys its examples need to be valid (backup=true needs a
// transformation): the update table deploys them together, over the defaults and back.
var UpdateExampleCompanions = map[string]map[string]string{
	"backup":    {"transform": TransformRedact},
	"kmsKeyArn": {"encryption": EncryptionKMS},
}
