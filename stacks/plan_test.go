package stacks

import (
	"strings"
	"testing"

	"github.com/aws/aws-cdk-go/awscdk/v2"

	"github.com/tenant-metrics-lab/tenant-metrics-lab/internal/firehoseprefix"
	"github.com/tenant-metrics-lab/tenant-metrics-lab/stacks/config"
)

// TestPlanFollowsTheConfiguration: each switch of the plan is on exactly in the configurations that imply it, so a
// part reading the plan declares what the configuration asks for (the goldens check the templates that follow).
func TestPlanFollowsTheConfiguration(t *testing.T) {
	unprojectable := 0
	for _, tc := range []struct {
		name string
		ctx  map[string]any
		want plan // layout is checked by its Tenant switch and its prefix only
	}{
		{"lab", nil, plan{removal: awscdk.RemovalPolicy_DESTROY, emptyOnDestroy: true, errorPrefixMetrics: true}},
		{"parquet", map[string]any{"format": config.FormatParquet},
			plan{removal: awscdk.RemovalPolicy_DESTROY, emptyOnDestroy: true, conversion: true, fileExtension: ".parquet", errorPrefixMetrics: true}},
		{"tenant folders", map[string]any{"partitioning": config.PartitioningTenant},
			plan{removal: awscdk.RemovalPolicy_DESTROY, emptyOnDestroy: true, layout: config.Layout{Tenant: true}, errorPrefixMetrics: true}},
		{"retain", map[string]any{"retain": true}, plan{removal: awscdk.RemovalPolicy_RETAIN, accessLogs: true, errorPrefixMetrics: true}},
		{"imported bucket", map[string]any{"bucketName": "my-bucket"}, plan{removal: awscdk.RemovalPolicy_DESTROY, emptyOnDestroy: true}},
		{"no monitoring", map[string]any{"monitoring": false}, plan{removal: awscdk.RemovalPolicy_DESTROY, emptyOnDestroy: true}},
		{"unprojectable prefix without the query side", map[string]any{"prefix": "data/!{firehose:random-string}/", "query": false},
			plan{removal: awscdk.RemovalPolicy_DESTROY, emptyOnDestroy: true, errorPrefixMetrics: true}},
		{"retained import without the query side", map[string]any{"retain": true, "bucketName": "my-bucket", "query": false},
			plan{removal: awscdk.RemovalPolicy_RETAIN}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			cfg, err := config.FromContext(tc.ctx)
			if err != nil {
				t.Fatal(err)
			}
			got := newPlan(cfg)
			if _, err := cfg.Layout(); err != nil {
				unprojectable++ // Firehose takes the prefix as it is
				if got.layout.FirehosePrefix != cfg.Prefix {
					t.Errorf("layout.FirehosePrefix = %q, want the prefix as it is, %q", got.layout.FirehosePrefix, cfg.Prefix)
				}
			}
			if got.layout.FirehosePrefix == "" || !strings.HasPrefix(got.layout.FirehosePrefix, firehoseprefix.Literal(cfg.Prefix)) {
				t.Errorf("layout.FirehosePrefix = %q, want the delivery prefix under %q", got.layout.FirehosePrefix, cfg.Prefix)
			}
			if got.layout.Tenant != tc.want.layout.Tenant {
				t.Errorf("layout.Tenant = %v, want %v", got.layout.Tenant, tc.want.layout.Tenant)
			}
			got.layout, tc.want.layout = config.Layout{}, config.Layout{}
			if got != tc.want {
				t.Errorf("newPlan = %+v, want %+v", got, tc.want)
			}
		})
	}
	if unprojectable != 1 {
		t.Errorf("%d cases with an unprojectable prefix, want 1", unprojectable)
	}
}
