package cost

import (
	"strings"
	"testing"
)

// TestTransformationIsPricedOnlyWhenEnabled: a Lambda processor is priced per batch at its hints (Firehose's
// defaults when left out), and a ProcessingConfiguration switched off prices nothing.
func TestTransformationIsPricedOnlyWhenEnabled(t *testing.T) {
	lambda := `{"Type":"Lambda","Parameters":[{"ParameterName":"LambdaArn","ParameterValue":"arn"}%s]}`
	for _, tc := range []struct {
		name, destination string
		requests          float64 // invocations a month, 0 for none
	}{
		{"off", `{"CompressionFormat":"GZIP","ProcessingConfiguration":{"Enabled":false}}`, 0},
		{"Firehose's 60 s default", `{"CompressionFormat":"GZIP","ProcessingConfiguration":{"Enabled":true,"Processors":[` + strings.Replace(lambda, "%s", "", 1) + `]}}`, 730 * 60},
		{"300 s", `{"CompressionFormat":"GZIP","ProcessingConfiguration":{"Processors":[` + strings.Replace(lambda, "%s", `,{"ParameterName":"BufferIntervalInSeconds","ParameterValue":"300"}`, 1) + `]}}`, 730 * 12},
		{"disabled with a processor", `{"CompressionFormat":"GZIP","ProcessingConfiguration":{"Enabled":false,"Processors":[` + strings.Replace(lambda, "%s", "", 1) + `]}}`, 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e, err := FromResources(pipeline(t, tc.destination), traffic)
			if err != nil {
				t.Fatal(err)
			}
			var requests float64
			for _, i := range e.Items {
				if i.Service+" "+i.What == "Lambda transformer requests" {
					requests = i.Quantity
				}
			}
			if requests != tc.requests {
				t.Errorf("%g transformer requests, want %g", requests, tc.requests)
			}
		})
	}
}
