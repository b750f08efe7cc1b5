package cost

// Prices are us-east-1 list prices before any free tier, the only place a price is written. Each names the AWS
// pricing page it comes from; Read is when they were read. Other regions differ.
const Read = "2026-12-02"

// Price is one unit price.
type Price struct {
	USD  float64 // for Per units
	Per  float64 // how many units the price is for (1, 1,000, a million)
	Unit string
	Page string
}

// Pricing pages.
const (
	kinesisPage    = "https://aws.amazon.com/kinesis/data-streams/pricing/"
	firehosePage   = "https://aws.amazon.com/firehose/pricing/"
	lambdaPage     = "https://aws.amazon.com/lambda/pricing/"
	s3Page         = "https://aws.amazon.com/s3/pricing/"
	cloudWatchPage = "https://aws.amazon.com/cloudwatch/pricing/"
	kmsPage        = "https://aws.amazon.com/kms/pricing/"
	snsPage        = "https://aws.amazon.com/sns/pricing/"
	athenaPage     = "https://aws.amazon.com/athena/pricing/"
)

// The prices, by what they price.
var (
	ShardHour          = Price{0.015, 1, "shard-hours", kinesisPage}
	PutPayloadUnits    = Price{0.014, 1e6, "PUT payload units (25 KB each)", kinesisPage}
	ExtendedRetention  = Price{0.020, 1, "shard-hours beyond 24 h", kinesisPage}
	StreamHour         = Price{0.04, 1, "on-demand stream-hours", kinesisPage}
	OnDemandDataIn     = Price{0.08, 1, "GB written on demand (records rounded up to 1 KB)", kinesisPage}
	OnDemandDataOut    = Price{0.04, 1, "GB read on demand", kinesisPage}
	FirehoseIngestion  = Price{0.029, 1, "GB (records rounded up to 5 KB)", firehosePage}
	PartitionedGB      = Price{0.020, 1, "GB partitioned", firehosePage}
	PartitionedObjects = Price{0.005, 1000, "objects delivered", firehosePage}
	JQHour             = Price{0.07, 1, "JQ processing hours", firehosePage}
	FormatConversion   = Price{0.018, 1, "GB converted (5 KB records)", firehosePage}
	LambdaArmGBSecond  = Price{0.0000133334, 1, "GB-seconds (arm64)", lambdaPage}
	LambdaX86GBSecond  = Price{0.0000166667, 1, "GB-seconds (x86_64)", lambdaPage}
	LambdaRequests     = Price{0.20, 1e6, "requests", lambdaPage}
	S3Put              = Price{0.005, 1000, "PUT requests", s3Page}
	S3Storage          = Price{0.023, 1, "GB-months (S3 Standard)", s3Page}
	Alarm              = Price{0.10, 1, "alarm-months", cloudWatchPage}
	Dashboard          = Price{3.00, 1, "dashboard-months", cloudWatchPage}
	LogIngestion       = Price{0.50, 1, "GB of logs ingested", cloudWatchPage}
	KMSKey             = Price{1.00, 1, "key-months", kmsPage}
	EmailNotifications = Price{2.00, 100000, "e-mail notifications", snsPage}
	AthenaScanned      = Price{5.00, 1, "TB scanned (10 MB minimum a query)", athenaPage}
)

// free are the resource types that cost nothing by themselves, with the reason; every other type a template
// declares must be priced by an estimator, or the estimate fails naming it.
var free = map[string]string{
	"AWS::IAM::Role":                 "IAM is free",
	"AWS::IAM::Policy":               "IAM is free",
	"AWS::Lambda::Permission":        "no charge",
	"AWS::Lambda::EventInvokeConfig": "no charge",
	"AWS::S3::BucketPolicy":          "no charge",
	"AWS::Logs::LogStream":           "priced with its log group's ingestion",
	"AWS::Logs::LogGroup":            "priced by ingestion (the producer's logs) and a few KB of stored logs",
	"AWS::SNS::TopicPolicy":          "no charge",
	"AWS::SNS::Subscription":         "priced per notification with the topic",
	"AWS::Events::Rule":              "scheduled rules carry no EventBridge event charge",
	"AWS::Glue::Database":            "within the Data Catalog's free first million objects",
	"AWS::Glue::Table":               "within the Data Catalog's free first million objects",
	"AWS::Athena::WorkGroup":         "no charge at rest; queries are priced per run",
	"AWS::Athena::NamedQuery":        "no charge at rest; queries are priced per run",
	"Custom::S3AutoDeleteObjects":    "its provider function runs once per bucket, on stack deletion",
}
