package config

import (
	"fmt"
	"strings"
	"time"

	"github.com/tenant-metrics-lab/tenant-metrics-lab/internal/event"
)

// JSONSerDe is the query table's SerDe for NDJSON: the Hive JSON SerDe (the OpenX one gives non-deterministic
// answers in Athena; see stacks/query.go).
const JSONSerDe = "org.apache.hive.hcatalog.data.JsonSerDe"

// TableName is the Glue table over the delivered events.
const TableName = "events"

// ProjectionStart is the first hour the datehour projection covers: before the lab existed there is no data, and
// a start close to the data keeps unrestricted queries from listing empty hours.
var ProjectionStart = time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)

// DatabaseName is the Glue database of the deployment: Glue names are lowercase letters, digits and '_'.
func (c Config) DatabaseName() string {
	return strings.ReplaceAll(c.ResourceName("tenant_metrics_lab"), "-", "_")
}

// WorkGroupName is the deployment's Athena workgroup.
func (c Config) WorkGroupName() string { return c.ResourceName("tenant-metrics-lab") }

// TenantIDs are the values of the tenant_id partition: the event catalog's fixed tenants.
func TenantIDs() []string {
	ids := make([]string, len(event.Tenants))
	for i, t := range event.Tenants {
		ids[i] = t.ID
	}
	return ids
}

// SavedQuery is one Athena named query.
type SavedQuery struct {
	Name, Description, SQL string
}

// SavedQueries answer the lab's questions about tenant consumption. Each restricts datehour, the partition
// column, to the last 24 hours, so Athena reads only those hours' folders; with per-tenant folders they group by
// the tenant_id partition. "timestamp" is quoted: it is a reserved word in Athena's SQL.
func (c Config) SavedQueries(l Layout) []SavedQuery {
	table := fmt.Sprintf("%q.%q", c.DatabaseName(), TableName)
	since := fmt.Sprintf("%s >= date_format(current_timestamp - INTERVAL '24' HOUR, '%s')", DateHourColumn, l.TrinoDateFormat())
	tenant := "tenant.id"
	if l.Tenant {
		tenant = TenantColumn
	}
	return []SavedQuery{
		{
			Name:        "consumption-by-tenant-last-24h",
			Description: "Consumption per tenant and tier for each metric over the last 24 hours",
			SQL: fmt.Sprintf(`SELECT %s AS tenant_id, tenant.tier AS tier, metric.name AS metric, metric.unit AS unit,
       count(*) AS events, sum(metric.value) AS total, round(avg(metric.value), 1) AS average
FROM %s
WHERE %s
GROUP BY %s, tenant.tier, metric.name, metric.unit
ORDER BY tenant_id, metric`, tenant, table, since, tenant),
		},
		{
			Name:        "top-tenants-by-data-transfer-last-24h",
			Description: "The ten tenants that transferred the most data (DataTransfer, MB) over the last 24 hours",
			SQL: fmt.Sprintf(`SELECT %s AS tenant_id, tenant.name AS tenant_name, tenant.tier AS tier, sum(metric.value) AS data_transfer_mb
FROM %s
WHERE %s AND metric.name = 'DataTransfer'
GROUP BY %s, tenant.name, tenant.tier
ORDER BY data_transfer_mb DESC
LIMIT 10`, tenant, table, since, tenant),
		},
		{
			Name:        "feature-usage-by-tier-last-24h",
			Description: "Feature usage (workload and context) by tenant tier over the last 24 hours",
			SQL: fmt.Sprintf(`SELECT tenant.tier AS tier, workload, context, count(*) AS events, count(DISTINCT %s) AS tenants
FROM %s
WHERE %s
GROUP BY tenant.tier, workload, context
ORDER BY tier, events DESC`, tenant, table, since),
		},
		{
			Name:        "events-per-hour-and-freshness",
			Description: "Events per delivery hour over the last 24 hours, with the newest event's age in seconds (a freshness check)",
			SQL: fmt.Sprintf(`SELECT %s, count(*) AS events, max("timestamp") AS newest_event,
       to_unixtime(current_timestamp) - max("timestamp") AS newest_event_age_seconds
FROM %s
WHERE %s
GROUP BY %s
ORDER BY %s DESC`, DateHourColumn, table, since, DateHourColumn, DateHourColumn),
		},
	}
}
