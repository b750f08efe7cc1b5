package stacks

import (
	"path/filepath"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awslambda"
	"github.com/aws/aws-cdk-go/awscdk/v2/awss3assets"
	"github.com/aws/jsii-runtime-go"

	"github.com/tenant-metrics-lab/tenant-metrics-lab/internal/lambdabuild"
)

// goBundler builds a Go main package into a Lambda "bootstrap" on this machine; awscdklambdagoalpha is not
// available, and jsii calls this Go type as an awscdk.ILocalBundling.
type goBundler struct {
	moduleRoot string // where go.mod is; go build runs here
	pkg        string // the main package, relative to moduleRoot, e.g. ./producer
}

// TryBundle builds the binary into outputDir. A failed build panics with the compiler's output: returning false
// would send the CDK to its Docker fallback and bury the real error under a Docker one.
func (b *goBundler) TryBundle(outputDir *string, _ *awscdk.BundlingOptions) *bool {
	if err := lambdabuild.Build(b.moduleRoot, b.pkg, *outputDir); err != nil {
		panic(err.Error())
	}
	return jsii.Bool(true)
}

// goLambdaCode bundles the main package pkg of the module at moduleRoot as provided.al2023 code.
func goLambdaCode(moduleRoot, pkg string) awslambda.Code {
	return awslambda.Code_FromAsset(jsii.String(filepath.Join(moduleRoot, pkg)), &awss3assets.AssetOptions{
		// OUTPUT hashes the built binary, which is reproducible (internal/lambdabuild): the hash changes exactly when the
		// deployed code does, and not when tests, comments or files the binary does not contain change, as a
		// SOURCE hash of the directory would. It costs one cached `go build` per synth.
		AssetHashType: awscdk.AssetHashType_OUTPUT,
		DisplayName:   jsii.String("producer bootstrap (Go, linux/arm64)"),
		Bundling: &awscdk.BundlingOptions{
			// Never used: the local build either succeeds or fails the synth with the compiler's message.
			Image: awscdk.DockerImage_FromRegistry(jsii.String("placeholder-local-go-bundling-only")),
			Local: &goBundler{moduleRoot: moduleRoot, pkg: "./" + pkg},
		},
	})
}
