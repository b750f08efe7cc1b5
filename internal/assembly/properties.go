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

// LifecycleRule is one rule of an S3 bucket's LifecycleConfiguration as a template writes it.
type LifecycleRule struct {
	Prefix      string             // from Prefix, or Filter's Prefix; "" is the whole bucket
	Status      string             // Enabled or Disabled
	Expiration  float64            // ExpirationInDays; 0 when the rule expires nothing (S3 takes 1 day at least)
	Transitions map[string]float64 // TransitionInDays by storage class
}

// LifecycleRules reads the rules of a LifecycleConfiguration value, in the template's order. Rules with tag or
// size filters read as their prefix alone.
func LifecycleRules(configuration any) []LifecycleRule {
	lc, _ := configuration.(map[string]any)
	raw, _ := lc["Rules"].([]any)
	var out []LifecycleRule
	for _, r := range raw {
		rule, _ := r.(map[string]any)
		l := LifecycleRule{Transitions: map[string]float64{}}
		l.Prefix, _ = rule["Prefix"].(string)
		if f, ok := rule["Filter"].(map[string]any); ok { // no template of this stack writes one; others may
			l.Prefix, _ = f["Prefix"].(string)
		}
		l.Status, _ = rule["Status"].(string)
		l.Expiration, _ = Number(rule["ExpirationInDays"])
		transitions, _ := rule["Transitions"].([]any)
		for _, rt := range transitions {
			t, _ := rt.(map[string]any)
			class, _ := t["StorageClass"].(string)
			if days, ok := Number(t["TransitionInDays"]); ok {
				l.Transitions[class] = days
			}
		}
		out = append(out, l)
	}
	return out
}
