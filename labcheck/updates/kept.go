package updates

import (
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/tenant-metrics-lab/tenant-metrics-lab/internal/assembly"
)

// Firehose keeps what a template leaves out. CloudFormation updates a delivery stream in place with
// UpdateDestination, which merges: "If any of the parameters are not specified in the call, the existing values are
// retained" (firehoseMergePage), and its resource provider passes an omitted property as not specified. So a
// destination property the base template has and the head lacks stays on the stream with its deployed value.

const (
	deliveryStreamType = "AWS::KinesisFirehose::DeliveryStream"
	firehoseMergePage  = "Firehose UpdateDestination: https://docs.aws.amazon.com/firehose/latest/APIReference/API_UpdateDestination.html"
	conversionPage     = "Firehose record format conversion: https://docs.aws.amazon.com/firehose/latest/dev/record-format-conversion.html"
	latestPage         = "Firehose \"Writing with Kinesis Data Streams\": https://docs.aws.amazon.com/firehose/latest/dev/writing-with-kinesis-streams.html"
	// latestNote says what a replaced delivery stream means for records already in the Kinesis stream.
	latestNote = "the new delivery stream starts reading the Kinesis stream at LATEST (" + latestPage + "), so records the old one had not read when it was deleted stay in the Kinesis stream unread until they expire"
)

// offValues are the values a destination property has when no template ever set it: keeping one of these changes
// nothing. Enabled false is how Firehose's own API switches a feature off.
var offValues = map[string]any{
	"CompressionFormat": assembly.DefaultCompression,
	"FileExtension":     "",
	"S3BackupMode":      "Disabled",
	"CustomTimeZone":    "UTC",
	"Enabled":           false,
}

// wholeObjects are destination objects Firehose takes as one value, not merged member by member: an
// EncryptionConfiguration holds either KMSEncryptionConfig or NoEncryptionConfig, and NoEncryptionConfig exists to
// "specifically override existing encryption information"
// (https://docs.aws.amazon.com/firehose/latest/APIReference/API_EncryptionConfiguration.html), so the one given
// replaces the other.
var wholeObjects = map[string]bool{"EncryptionConfiguration": true}

// kept reports every destination property of a delivery stream updated in place that the base has and the head
// lacks: FAILS when the kept value is not the off value (the stream goes on doing what the template no longer
// says), KEEPS otherwise. It also checks the merged destination against what Firehose refuses.
func (c *comparison) kept(id string, b, h assembly.Resource) {
	for _, dest := range slices.Sorted(maps.Keys(b.Properties)) {
		if !strings.HasSuffix(dest, "DestinationConfiguration") {
			continue
		}
		bd, _ := b.Properties[dest].(map[string]any)
		hd, ok := h.Properties[dest].(map[string]any)
		if bd == nil || !ok {
			continue // another destination type: Firehose replaces the destination, nothing merges
		}
		for _, k := range keptPaths(bd, hd, "", "") {
			path := dest + "/" + k.path
			if strings.HasPrefix(k.path, "S3BackupConfiguration") && hd["S3BackupMode"] == offValues["S3BackupMode"] {
				// Firehose writes the backup configuration only in S3BackupMode Enabled; whether it may be
				// switched off at all is refusals.go's matter.
				c.add(Keeps, id, h.Type, path, fmt.Sprintf("the new template leaves out %s; Firehose keeps the deployed value, unused while the new template writes S3BackupMode Disabled (%s)", k.path, firehoseMergePage), "")
				continue
			}
			if k.offParent != "" {
				c.add(Keeps, id, h.Type, path, fmt.Sprintf("the new template leaves out %s; Firehose keeps the deployed value, unused while the new template switches %s off (Enabled false) (%s)", k.path, k.offParent, firehoseMergePage), "")
				continue
			}
			if isOff(k.path, k.value) {
				c.add(Keeps, id, h.Type, path, fmt.Sprintf("the new template leaves out %s; Firehose keeps the deployed value %s, which is its off value anyway (%s)", k.path, show(k.value), firehoseMergePage), "")
				continue
			}
			c.add(Fails, id, h.Type, path, fmt.Sprintf("the new template leaves out %s, but Firehose keeps the deployed value %s (%s): the stream would go on with a setting the template no longer has", k.path, show(k.value), firehoseMergePage),
				"write the setting's off value explicitly in the new template (this stack pins every destination setting it switches, stacks/pins.go), or replace the delivery stream by giving it a new name")
		}
		if merged := merge(bd, hd); assembly.FeatureOn("DataFormatConversionConfiguration", merged["DataFormatConversionConfiguration"]) {
			if comp := assembly.Compression(merged); comp != "" && comp != assembly.DefaultCompression {
				c.add(Fails, id, h.Type, dest+"/CompressionFormat", fmt.Sprintf("after the update the stream would convert records with CompressionFormat %s; Firehose refuses format conversion with any S3 compression but UNCOMPRESSED (%s)", comp, conversionPage),
					"set CompressionFormat UNCOMPRESSED in the same change (the stack does with format=parquet)")
			}
		}
	}
}

// keptValue is a property path only the base has, its deployed value, and the enclosing object the head switches
// off (Enabled false), if any.
type keptValue struct {
	path, offParent string
	value           any
}

// keptPaths lists the paths of base that head lacks, as deep as both have objects; an intrinsic function (Ref,
// Fn::*) is a value, not an object to descend into.
func keptPaths(base, head map[string]any, prefix, offParent string) []keptValue {
	var out []keptValue
	for _, k := range slices.Sorted(maps.Keys(base)) {
		hv, ok := head[k]
		if !ok {
			out = append(out, keptValue{prefix + k, offParent, base[k]})
			continue
		}
		bm, bok := base[k].(map[string]any)
		hm, hok := hv.(map[string]any)
		if bok && hok && !intrinsic(bm) && !intrinsic(hm) && !wholeObjects[k] {
			off := offParent
			if off == "" && hm["Enabled"] == false {
				off = prefix + k
			}
			out = append(out, keptPaths(bm, hm, prefix+k+"/", off)...)
		}
	}
	return out
}

// intrinsic reports whether m is a CloudFormation intrinsic function such as {"Ref": ...} or {"Fn::GetAtt": ...}.
func intrinsic(m map[string]any) bool {
	if len(m) != 1 {
		return false
	}
	for k := range m {
		return k == "Ref" || strings.HasPrefix(k, "Fn::")
	}
	return false
}

// isOff reports whether a kept value changes nothing: a leaf at its off value, or an object switched off.
func isOff(path string, v any) bool {
	leaf := path[strings.LastIndex(path, "/")+1:]
	if off, ok := offValues[leaf]; ok {
		return jsonEqual(off, v)
	}
	m, ok := v.(map[string]any)
	return ok && m["Enabled"] == false
}

// merge is the destination Firehose holds after UpdateDestination: head's values over base's, objects merged.
func merge(base, head map[string]any) map[string]any {
	out := maps.Clone(base)
	for k, hv := range head {
		bm, bok := base[k].(map[string]any)
		hm, hok := hv.(map[string]any)
		if bok && hok && !wholeObjects[k] {
			out[k] = merge(bm, hm)
			continue
		}
		out[k] = hv
	}
	return out
}
