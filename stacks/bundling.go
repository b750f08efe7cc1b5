package stacks

import (
	"github.com/aws/aws-cdk-go/awscdk/v2/awslambda"
	"github.com/aws/aws-cdk-go/awscdk/v2/awss3assets"
	"github.com/aws/jsii-runtime-go"

	"github.com/tenant-metrics-lab/tenant-metrics-lab/internal/lambdabuild"
)

// goLambdaCode builds the main package pkg of the module at moduleRoot (internal/lambdabuild; awscdklambdagoalpha is
// not available) and returns its directory as provided.al2023 code. Built before the asset, not as CDK bundling:
// the CDK's bundling prints "Bundling asset ..." on every synth, --quiet or not, and would need a Docker image as
// its fallback. The directory holds the reproducible binary alone, so its source hash changes exactly when the
// deployed code does. A failed build panics with the compiler's output, which the app reports.
func goLambdaCode(moduleRoot, pkg string) awslambda.Code {
	dir, err := lambdabuild.Build(moduleRoot, "./"+pkg)
	if err != nil {
		panic(err.Error())
	}
	return awslambda.Code_FromAsset(jsii.String(dir), &awss3assets.AssetOptions{
		DisplayName: jsii.String(pkg + " bootstrap (Go, linux/arm64)"),
	})
}
