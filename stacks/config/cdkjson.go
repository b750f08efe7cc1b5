package config

import (
	"encoding/json"
	"fmt"
	"os"
)

// ReadCDKJSON returns the "context" object of the app's cdk.json at path (empty when it has none): the defaults
// every synth starts from, read by whatever must see the configuration the CDK CLI synthesizes.
func ReadCDKJSON(path string) (map[string]any, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", path, err)
	}
	var doc struct {
		Context map[string]any `json:"context"`
	}
	if err := json.Unmarshal(data, &doc); err != nil {
		return nil, fmt.Errorf("parse %s: %w", path, err)
	}
	if doc.Context == nil {
		doc.Context = map[string]any{}
	}
	return doc.Context, nil
}

// FromContextOrExplain is FromContext with the error every entry point shows: where the bad values come from.
func FromContextOrExplain(ctx map[string]any) (Config, error) {
	cfg, err := FromContext(ctx)
	if err != nil {
		return cfg, fmt.Errorf("invalid configuration (set in cdk.json or with -c key=value):\n%w", err)
	}
	return cfg, nil
}
