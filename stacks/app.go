package stacks

import (
	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/jsii-runtime-go"
	"github.com/cdklabs/cdk-nag-go/cdknag/v2"

	"github.com/tenant-metrics-lab/tenant-metrics-lab/stacks/config"
)

// Build reads and validates the configuration from the app's context, declares the pipeline and applies the
// cdk-nag AwsSolutions checks. No construct is created when the configuration is invalid.
func Build(app awscdk.App) (*Pipeline, error) {
	ctx, _ := app.Node().GetAllContext(nil).(map[string]any)
	cfg, err := config.FromContextOrExplain(ctx)
	if err != nil {
		return nil, err
	}
	p := NewPipelineStack(app, cfg.StackName(), &PipelineStackProps{StackProps: StackProps(cfg), Config: cfg})
	awscdk.Aspects_Of(app).Add(cdknag.NewAwsSolutionsChecks(&cdknag.NagPackProps{Verbose: jsii.Bool(true)}), nil)
	return p, nil
}
