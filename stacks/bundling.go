package stacks

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awslambda"
	"github.com/aws/aws-cdk-go/awscdk/v2/awss3assets"
	"github.com/aws/jsii-runtime-go"
)

// goBundler builds a Go main package into a Lambda "bootstrap" on this machine; awscdklambdagoalpha is not
// available, and jsii calls this Go type as an awscdk.ILocalBundling.
type goBundler struct {
	moduleRoot string // where go.mod is; go build runs here
	pkg        string // the main package, relative to moduleRoot, e.g. ./producer
}

// goBuildFlags make the binary reproducible: no paths, VCS stamp or build id in it, so the same source and Go
// version give the same bytes on any machine.
var goBuildFlags = []string{"build", "-trimpath", "-buildvcs=false", "-ldflags", "-s -w -buildid=", "-o"}

// TryBundle builds the binary into outputDir. A failed build panics with the compiler's output: returning false
// would send the CDK to its Docker fallback and bury the real error under a Docker one.
func (b *goBundler) TryBundle(outputDir *string, _ *awscdk.BundlingOptions) *bool {
	args := append(append([]string{}, goBuildFlags...), filepath.Join(*outputDir, "bootstrap"), b.pkg)
	cmd := exec.Command("go", args...)
	cmd.Dir = b.moduleRoot
	cmd.Env = append(os.Environ(), "GOOS=linux", "GOARCH=arm64", "CGO_ENABLED=0")
	if out, err := cmd.CombinedOutput(); err != nil {
		panic(fmt.Sprintf("building %s for Lambda (go %s) failed: %v\n%s", b.pkg, strings.Join(args, " "), err, out))
	}
	return jsii.Bool(true)
}

// goLambdaCode bundles the main package pkg of the module at moduleRoot as provided.al2023 code.
func goLambdaCode(moduleRoot, pkg string) awslambda.Code {
	return awslambda.Code_FromAsset(jsii.String(filepath.Join(moduleRoot, pkg)), &awss3assets.AssetOptions{
		// OUTPUT hashes the built binary, which is reproducible (goBuildFlags): the hash changes exactly when the
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
