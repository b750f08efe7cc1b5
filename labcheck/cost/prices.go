package cost

import "slices"

// Prices are us-east-1 list prices before any free tier, the only place a price is written. Each carries the AWS
// pricing page it comes from and the day it was read there; price() registers it, so a test can hold every price
// to having both. Other regions differ.

// Price is one unit price and its source.
type Price struct {
	USD  float64 // for Per units
	Per  float64 // how many units the price is for (1, 1,000, a million)
	Unit string  // what is counted; unique among the prices
	Page string  // the AWS pricing page it was read on
	Read string  // the day it was read there, YYYY-MM-DD
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

// The days the prices were read.
const (
	firstRead = "2026-12-02"
	lakeRead  = "2026-12-04" // the prices the twelve-month model added
)

// registry holds every price, in the order declared.
var registry []Price

// price registers p and returns it.
func price(usd, per float64, unit, page, read string) Price {
	p := Price{USD: usd, Per: per, Unit: unit, Page: page, Read: read}
	registry = append(registry, p)
	return p
}

// All returns every price the estimate can use, in the order declared.
func All() []Price { return slices.Clone(registry) }

// The prices, by what they price.
var (
	ShardHour         = price(0.015, 1, "shard-hours", kinesisPage, firstRead)
	PutPayloadUnits   = price(0.014, 1e6, "PUT payload units (25 KB each)", kinesisPage, firstRead)
	ExtendedRetention = price(0.020, 1, "shard-hours beyond 24 h", kinesisPage, firstRead)
	// LongTermRetention is data kept beyond seven days, in either capacity mode.
	LongTermRetention         = price(0.023, 1, "GB-months kept beyond 7 days", kinesisPage, lakeRead)
	OnDemandExtendedRetention = price(0.10, 1, "GB-months kept 24 h to 7 days (on demand)", kinesisPage, lakeRead)
	StreamHour                = price(0.04, 1, "on-demand stream-hours", kinesisPage, firstRead)
	OnDemandDataIn            = price(0.08, 1, "GB written on demand (records rounded up to 1 KB)", kinesisPage, firstRead)
	OnDemandDataOut           = price(0.04, 1, "GB read on demand", kinesisPage, firstRead)
	FirehoseIngestion         = price(0.029, 1, "GB (records rounded up to 5 KB)", firehosePage, firstRead)
	PartitionedGB             = price(0.020, 1, "GB partitioned", firehosePage, firstRead)
	PartitionedObjects        = price(0.005, 1000, "objects delivered", firehosePage, firstRead)
	JQHour                    = price(0.07, 1, "JQ processing hours", firehosePage, firstRead)
	FormatConversion          = price(0.018, 1, "GB converted (5 KB records)", firehosePage, firstRead)
	LambdaArmGBSecond         = price(0.0000133334, 1, "GB-seconds (arm64)", lambdaPage, firstRead)
	LambdaX86GBSecond         = price(0.0000166667, 1, "GB-seconds (x86_64)", lambdaPage, firstRead)
	LambdaRequests            = price(0.20, 1e6, "requests", lambdaPage, firstRead)
	S3Put                     = price(0.005, 1000, "PUT requests", s3Page, firstRead)
	S3Get                     = price(0.0004, 1000, "GET requests", s3Page, lakeRead)
	S3List                    = price(0.005, 1000, "LIST requests", s3Page, lakeRead)
	S3Storage                 = price(0.023, 1, "GB-months (S3 Standard)", s3Page, firstRead)
	S3InfrequentStorage       = price(0.0125, 1, "GB-months (S3 Standard-IA)", s3Page, lakeRead)
	S3Transition              = price(0.01, 1000, "transitions to Standard-IA", s3Page, lakeRead)
	Alarm                     = price(0.10, 1, "alarm-months", cloudWatchPage, firstRead)
	Dashboard                 = price(3.00, 1, "dashboard-months", cloudWatchPage, firstRead)
	LogIngestion              = price(0.50, 1, "GB of logs ingested", cloudWatchPage, firstRead)
	KMSKey                    = price(1.00, 1, "key-months", kmsPage, firstRead)
	KMSRequests               = price(0.03, 10000, "KMS requests", kmsPage, lakeRead)
	EmailNotifications        = price(2.00, 100000, "e-mail notifications", snsPage, firstRead)
	AthenaScanned             = price(5.00, 1, "TB scanned (10 MB minimum a query)", athenaPage, firstRead)
)

// Allowance is an always-free monthly allowance: Quantity units of the prices it names, shared between them, in
// every account every month (not the 12-month tier of new accounts).
type Allowance struct {
	Quantity float64
	Units    string  // what the allowance is, as printed
	Prices   []Price // the prices it discounts, spent in the order of the estimate's items
	Page     string
	Read     string
}

// FreeTier is the always-free allowances the estimate's free-tier total takes off. Kinesis, Firehose and Athena
// have none; S3's free tier is for new accounts' first 12 months and is not applied.
var FreeTier = []Allowance{
	{1e6, "1,000,000 Lambda requests", []Price{LambdaRequests}, lambdaPage, lakeRead},
	{400000, "400,000 Lambda GB-seconds (arm64 and x86_64 together)", []Price{LambdaArmGBSecond, LambdaX86GBSecond}, lambdaPage, lakeRead},
	{10, "10 CloudWatch alarm metrics", []Price{Alarm}, cloudWatchPage, lakeRead},
	{3, "3 CloudWatch dashboards", []Price{Dashboard}, cloudWatchPage, lakeRead},
	{5, "5 GB of CloudWatch Logs", []Price{LogIngestion}, cloudWatchPage, lakeRead},
	{20000, "20,000 KMS requests", []Price{KMSRequests}, kmsPage, lakeRead},
	{1000, "1,000 SNS e-mail notifications", []Price{EmailNotifications}, snsPage, lakeRead},
}

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
