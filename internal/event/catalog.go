package event

// The catalog reproduces the original lab generator's values and weights: what an event can contain (Check) and
// how often the producer's generator draws each value.

// EventType is the only event type the lab's application emits.
const EventType = "Application"

// Workload is a SaaS application and the features (contexts) it reports usage for.
type Workload struct {
	Name     string
	Contexts []string
	Weight   int
}

// TenantInfo is one of the fictional tenants.
type TenantInfo struct {
	ID, Name, Tier string
	Weight         int
}

// MetricKind is a metric with its unit and the range of values the original generator drew from.
type MetricKind struct {
	Name, Unit     string
	Min, Max, Step int
}

// Resource is an AWS resource type and the metrics it reports.
type Resource struct {
	Name    string
	Metrics []string
}

// Workloads are the applications, weighted like the original generator (2/15/20/18/30/15).
var Workloads = []Workload{
	{"OnBoardingApplication", []string{"TenantCreation", "UserCreation"}, 2},
	{"AuthApplication", []string{"Login", "Logout", "PasswordReset"}, 15},
	{"PhotoApplication", []string{"PhotoUpload", "PhotoEdit", "PhotoDelete"}, 20},
	{"MessagingApplication", []string{"SendMessage", "SendBulkMessages", "DeleteMessages", "ArchiveMessages"}, 18},
	{"ProductApplication", []string{"ViewProduct", "ViewProductDetails", "AddNewProduct", "DeleteProduct", "UpdateProduct"}, 30},
	{"BatchWorkload", []string{"ActiveProductsReport", "DailyTransactionReport", "DailyInventoryReport", "DailySalesReport"}, 15},
}

// Tenants are the ten fictional tenants with their tiers and weights.
var Tenants = []TenantInfo{
	{"tenant-id-1", "tenant-name-a", "standard", 5},
	{"tenant-id-2", "tenant-name-b", "premium", 10},
	{"tenant-id-3", "tenant-name-c", "basic", 20},
	{"tenant-id-4", "tenant-name-d", "basic", 15},
	{"tenant-id-5", "tenant-name-e", "standard", 2},
	{"tenant-id-6", "tenant-name-f", "standard", 3},
	{"tenant-id-7", "tenant-name-g", "free", 10},
	{"tenant-id-8", "tenant-name-h", "free", 5},
	{"tenant-id-9", "tenant-name-i", "basic", 25},
	{"tenant-id-0", "tenant-name-j", "free", 5},
}

// User is an application user and how often it appears.
type User struct {
	Name   string
	Weight int
}

// Users are the application users with their weights.
var Users = []User{{"user-1", 10}, {"user-2", 40}, {"user-3", 20}, {"user-4", 30}}

// Resources are chosen uniformly; each reports one of its metrics, also chosen uniformly.
var Resources = []Resource{
	{"s3", []string{"Storage", "DataTransfer"}},
	{"load-balancer", []string{"ExecutionTime"}},
	{"lambda", []string{"ExecutionTime"}},
	{"dynamo-db", []string{"Storage", "ExecutionTime", "DataTransfer"}},
	{"rds", []string{"Storage", "ExecutionTime", "DataTransfer"}},
}

// Metrics give each metric's unit and value range (Min to Max inclusive, in steps of Step).
var Metrics = map[string]MetricKind{
	"Storage":       {Name: "Storage", Unit: "MB", Min: 50, Max: 4950, Step: 100},
	"ExecutionTime": {Name: "ExecutionTime", Unit: "MilliSeconds", Min: 100, Max: 4900, Step: 200},
	"DataTransfer":  {Name: "DataTransfer", Unit: "MB", Min: 10, Max: 2810, Step: 200},
}
