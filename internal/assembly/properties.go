package assembly

import "strconv"

// What a template's property means when it is written as a string or left out, read once for every analysis
// (labcheck/updates and labcheck/cost disagreed once on a Firehose switch left without Enabled).

// Number reads a numeric property: a JSON number, or a numeric string, which CloudFormation accepts alike.
func Number(v any) (float64, bool) {
	switch x := v.(type) {
	case float64:
		return x, true
	case string:
		if f, err := strconv.ParseFloat(x, 64); err == nil {
			return f, true
		}
	}
	return 0, false
}

// DefaultRetentionHours is a Kinesis stream's RetentionPeriodHours when the template leaves it out.
// https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-resource-kinesis-stream.html
const DefaultRetentionHours = 24

// DefaultCompression is a Firehose S3 destination's CompressionFormat when the template leaves it out ("If no
// value is specified, the default is UNCOMPRESSED").
// https://docs.aws.amazon.com/firehose/latest/APIReference/API_ExtendedS3DestinationConfiguration.html
const DefaultCompression = "UNCOMPRESSED"

// Compression is the CompressionFormat of a Firehose S3 destination: DefaultCompression when absent, "" when
// the template computes it (an intrinsic function).
func Compression(dest map[string]any) string {
	v, ok := dest["CompressionFormat"]
	if !ok {
		return DefaultCompression
	}
	s, _ := v.(string)
	return s
}

// enabledByDefault are the switches whose Enabled defaults to true when the object is given; for the others
// (DynamicPartitioningConfiguration, ProcessingConfiguration) the API documents no default, and an object without
// Enabled reads as off.
var enabledByDefault = map[string]bool{
	// "Enabled: Defaults to true": https://docs.aws.amazon.com/firehose/latest/APIReference/API_DataFormatConversionConfiguration.html
	"DataFormatConversionConfiguration": true,
}

// FeatureOn reports whether v, a Firehose destination's switch object under property (such as
// DataFormatConversionConfiguration), switches its feature on: no object is off, a set Enabled says, and an
// object without Enabled is the feature's API default.
func FeatureOn(property string, v any) bool {
	m, ok := v.(map[string]any)
	if !ok {
		return false
	}
	if e, set := m["Enabled"].(bool); set {
		return e
	}
	return enabledByDefault[property]
}
