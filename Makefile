# Entry points. The README's two commands are `make synth` (or `make deploy`) and `make test`; CI runs `make test`.
SHELL := bash
.SHELLFLAGS := -euo pipefail -c
.DEFAULT_GOAL := synth

# Keep the CDK CLI quiet and offline-friendly (no version check, no telemetry, no Node 20 end-of-life banner from jsii).
export CDK_DISABLE_VERSION_CHECK := 1
export CDK_DISABLE_CLI_TELEMETRY := true
export JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION := 20

CDK := npx --no-install cdk
# Extra CDK CLI arguments, e.g. make deploy CDK_ARGS="-c namePrefix=alice"
CDK_ARGS ?=
NPM_STAMP := node_modules/.package-lock.json

$(NPM_STAMP): package.json package-lock.json
	npm ci --no-audit --no-fund

.PHONY: synth deploy destroy diff test
synth: $(NPM_STAMP) ## synthesize the stack into cdk.out (offline, no AWS credentials needed)
	$(CDK) synth --no-notices $(CDK_ARGS)

deploy: $(NPM_STAMP) ## deploy the lab to the current AWS account and region
	$(CDK) deploy --no-notices $(CDK_ARGS)

destroy: $(NPM_STAMP) ## remove everything the lab created
	$(CDK) destroy --no-notices $(CDK_ARGS)

diff: $(NPM_STAMP) ## show how the working tree's stack differs from the committed golden template, offline
	$(CDK) diff --no-notices $(CDK_ARGS) --template test/testdata/lab.template.json

test: $(NPM_STAMP) ## everything CI checks: formatting, vet, all Go tests, and a real CLI synth
	@unformatted="$$(gofmt -l $$(git ls-files '*.go'))"; \
	  if [ -n "$$unformatted" ]; then echo "gofmt needed: $$unformatted" >&2; exit 1; fi
	go vet ./...
	go test ./...
	@out="$$(mktemp -d)"; trap 'rm -rf "$$out"' EXIT; \
	  echo "cdk synth (CLI, cdk.json app command) -> $$out"; \
	  $(CDK) synth --no-notices --quiet -o "$$out"; \
	  cmp "$$out/TenantMetricsLab.template.json" test/testdata/lab.template.json \
	    || { echo "CLI synth differs from test/testdata/lab.template.json" >&2; exit 1; }; \
	  echo "CLI synth matches test/testdata/lab.template.json"
