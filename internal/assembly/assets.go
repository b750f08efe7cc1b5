package assembly

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
)

// FileAssetHash returns the hash of the file asset whose display name contains name, from the assembly's asset
// manifests in dir, or "" when there is none.
func FileAssetHash(dir, name string) (string, error) {
	manifests, err := filepath.Glob(filepath.Join(dir, "*.assets.json"))
	if err != nil {
		return "", err
	}
	for _, m := range manifests {
		data, err := os.ReadFile(m)
		if err != nil {
			return "", err
		}
		var doc struct {
			Files map[string]struct {
				DisplayName string `json:"displayName"`
			} `json:"files"`
		}
		if err := json.Unmarshal(data, &doc); err != nil {
			return "", fmt.Errorf("%s: %w", m, err)
		}
		for hash, f := range doc.Files {
			if strings.Contains(f.DisplayName, name) {
				return hash, nil
			}
		}
	}
	return "", nil
}

// MaskedTemplate reads the template file of the assembly in dir byte for byte, with the hash of the file asset
// named like name replaced by placeholder: a hash that changes with the toolchain, not with the template.
func MaskedTemplate(dir, file, name, placeholder string) ([]byte, error) {
	data, err := os.ReadFile(filepath.Join(dir, file))
	if err != nil {
		return nil, err
	}
	hash, err := FileAssetHash(dir, name)
	if err != nil {
		return nil, err
	}
	if hash != "" {
		data = bytes.ReplaceAll(data, []byte(hash), []byte(placeholder))
	}
	return data, nil
}
