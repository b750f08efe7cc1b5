// Package awsclient turns the producer's --region, --profile and --endpoint-url flags into aws-sdk-go-v2
// configuration, with one clear sentence for the usual set-up mistakes instead of a stack trace.
package awsclient

import (
	"context"
	"errors"
	"fmt"
	"os"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/service/cloudformation"
	"github.com/aws/aws-sdk-go-v2/service/kinesis"
	"github.com/aws/aws-sdk-go-v2/service/s3"
)

// Options select the account, region and endpoint; empty fields defer to the SDK's standard chain
// (AWS_REGION, AWS_PROFILE, AWS_ENDPOINT_URL_KINESIS / AWS_ENDPOINT_URL, shared config files, SSO, roles).
type Options struct {
	Region      string
	Profile     string
	EndpointURL string
}

// ErrSetup marks configuration problems (no region, no credentials) that the user must fix.
var ErrSetup = errors.New("AWS setup")

// Load resolves the SDK configuration and checks that a region and credentials are available. Every missing
// piece is reported at once, in one sentence each, naming the profile in use.
func Load(ctx context.Context, o Options) (aws.Config, error) {
	var opts []func(*config.LoadOptions) error
	if o.Region != "" {
		opts = append(opts, config.WithRegion(o.Region))
	}
	if o.Profile != "" {
		opts = append(opts, config.WithSharedConfigProfile(o.Profile))
	}
	profile := profileName(o)
	cfg, err := config.LoadDefaultConfig(ctx, opts...)
	if err != nil {
		var missing config.SharedConfigProfileNotExistError
		if errors.As(err, &missing) {
			return aws.Config{}, fmt.Errorf("%w: profile %q is not in your AWS config files: check the name (aws configure list-profiles) or unset AWS_PROFILE", ErrSetup, profile)
		}
		return aws.Config{}, fmt.Errorf("%w: cannot load AWS configuration (profile %q): %w", ErrSetup, profile, err)
	}
	var problems []string
	if cfg.Region == "" {
		problems = append(problems, fmt.Sprintf("no AWS region (profile %q): pass --region, set AWS_REGION, or set a region in the profile", profile))
	}
	if _, err := cfg.Credentials.Retrieve(ctx); err != nil {
		problems = append(problems, fmt.Sprintf("no AWS credentials found (profile %q): pass --profile, set AWS_PROFILE or AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY, or run `aws sso login`", profile))
	}
	if len(problems) > 0 {
		return aws.Config{}, fmt.Errorf("%w: %s", ErrSetup, strings.Join(problems, "; "))
	}
	return cfg, nil
}

// profileName is the shared-config profile the SDK uses for o: the option, else AWS_PROFILE, else "default".
func profileName(o Options) string {
	switch {
	case o.Profile != "":
		return o.Profile
	case os.Getenv("AWS_PROFILE") != "":
		return os.Getenv("AWS_PROFILE")
	}
	return "default"
}

// S3 returns an S3 client for a loaded configuration; a custom endpoint (a local S3) is addressed path-style.
func S3(cfg aws.Config, o Options) *s3.Client {
	return s3.NewFromConfig(cfg, func(so *s3.Options) {
		if o.EndpointURL != "" {
			so.BaseEndpoint = aws.String(o.EndpointURL)
			so.UsePathStyle = true
		}
	})
}

// StackOutputs reads the outputs of a deployed CloudFormation stack by key; the required keys (e.g. the lab's
// BucketName) must be among them.
func StackOutputs(ctx context.Context, cfg aws.Config, stack string, required ...string) (map[string]string, error) {
	out, err := cloudformation.NewFromConfig(cfg).DescribeStacks(ctx, &cloudformation.DescribeStacksInput{StackName: aws.String(stack)})
	if err != nil {
		return nil, fmt.Errorf("read stack %s: %w", stack, err)
	}
	outputs := map[string]string{}
	for _, st := range out.Stacks {
		for _, output := range st.Outputs {
			outputs[aws.ToString(output.OutputKey)] = aws.ToString(output.OutputValue)
		}
	}
	for _, key := range required {
		if _, ok := outputs[key]; !ok {
			return nil, fmt.Errorf("stack %s has no output %s (is it the lab's stack, and fully deployed?)", stack, key)
		}
	}
	return outputs, nil
}

// Kinesis returns a Kinesis client for the options.
func Kinesis(ctx context.Context, o Options) (*kinesis.Client, error) {
	cfg, err := Load(ctx, o)
	if err != nil {
		return nil, err
	}
	return kinesis.NewFromConfig(cfg, func(ko *kinesis.Options) {
		if o.EndpointURL != "" {
			ko.BaseEndpoint = aws.String(o.EndpointURL)
		}
	}), nil
}
