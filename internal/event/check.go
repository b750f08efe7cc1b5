package event

import (
	"bytes"
	"errors"
	"fmt"
	"slices"
)

// Check reports why a decoded event does not match the schema the producer writes, or nil.
func Check(e *Event) error {
	var errs []error
	bad := func(format string, args ...any) { errs = append(errs, fmt.Errorf(format, args...)) }
	if e.Type != EventType {
		bad("type %q is not %q", e.Type, EventType)
	}
	if w := findWorkload(e.Workload); w == nil {
		bad("unknown workload %q", e.Workload)
	} else if !slices.Contains(w.Contexts, e.Context) {
		bad("context %q is not a context of %s", e.Context, e.Workload)
	}
	if t := findTenant(e.Tenant.ID); t == nil {
		bad("unknown tenant id %q", e.Tenant.ID)
	} else if t.Name != e.Tenant.Name || t.Tier != e.Tenant.Tier {
		bad("tenant %s is %s/%s, not %s/%s", t.ID, t.Name, t.Tier, e.Tenant.Name, e.Tenant.Tier)
	}
	if m, ok := Metrics[e.Metric.Name]; !ok {
		bad("unknown metric %q", e.Metric.Name)
	} else {
		if e.Metric.Unit != m.Unit {
			bad("metric %s has unit %q, not %q", m.Name, e.Metric.Unit, m.Unit)
		}
		if v := e.Metric.Value; v < m.Min || v > m.Max || (v-m.Min)%m.Step != 0 {
			bad("metric %s value %d is not in %d..%d step %d", m.Name, v, m.Min, m.Max, m.Step)
		}
	}
	if r := findResource(e.Metadata.Resource); r == nil {
		bad("unknown resource %q", e.Metadata.Resource)
	} else if !slices.Contains(r.Metrics, e.Metric.Name) {
		bad("resource %s does not report %s", r.Name, e.Metric.Name)
	}
	if !slices.ContainsFunc(Users, func(u User) bool { return u.Name == e.Metadata.User }) {
		bad("unknown user %q", e.Metadata.User)
	}
	if e.Timestamp <= 0 {
		bad("timestamp %d is not a positive epoch second", e.Timestamp)
	}
	if e.Metadata.EventID == "" {
		bad("event_id is missing")
	}
	return errors.Join(errs...)
}

func findWorkload(name string) *Workload {
	for i := range Workloads {
		if Workloads[i].Name == name {
			return &Workloads[i]
		}
	}
	return nil
}

func findTenant(id string) *TenantInfo {
	for i := range Tenants {
		if Tenants[i].ID == id {
			return &Tenants[i]
		}
	}
	return nil
}

func findResource(name string) *Resource {
	for i := range Resources {
		if Resources[i].Name == name {
			return &Resources[i]
		}
	}
	return nil
}

// CheckDelivered is Check for an event read back from S3, where transform=redact may have removed metadata.user
// (the transformer checks the full event before it redacts): an absent user passes, any other is checked.
func CheckDelivered(e *Event) error {
	if e.Metadata.User != "" || len(Users) == 0 {
		return Check(e)
	}
	redacted := *e
	redacted.Metadata.User = Users[0].Name
	return Check(&redacted)
}

// AppendRedactedNDJSON appends e as AppendNDJSON does, without metadata.user: the shape transform=redact
// delivers. e must pass Check, so its user is a catalog value that needs no escaping.
func AppendRedactedNDJSON(dst []byte, e *Event) []byte {
	start := len(dst)
	dst = AppendNDJSON(dst, e)
	user := `"metadata":{"user":"` + e.Metadata.User + `",`
	line := bytes.Replace(dst[start:], []byte(user), []byte(`"metadata":{`), 1)
	return append(dst[:start], line...)
}
