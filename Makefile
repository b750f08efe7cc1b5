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

# Mermaid's parser (with jsdom) for the tests of the pull-request comment's chart: a package of its own, so that
# make synth and make deploy do not install it.
MERMAID_STAMP := test/mermaid/node_modules/.package-lock.json
$(MERMAID_STAMP): test/mermaid/package.json test/mermaid/package-lock.json
	npm ci --prefix test/mermaid --no-audit --no-fund

# Python test tooling (cfn-lint, sqlglot, duckdb) in a virtual environment inside the repository, ignored by git,
# recreated whenever the pinned requirements change: like npm ci, from the registry, never by hand.
VENV := .venv
VENV_STAMP := $(VENV)/.requirements-installed
$(VENV_STAMP): test/python/requirements.txt
	rm -rf $(VENV)
	python3 -m venv $(VENV)
	$(VENV)/bin/pip install --quiet --disable-pip-version-check --no-input -r test/python/requirements.txt
	touch $@

# checkov pins libraries (networkx) below what cfn-lint uses, so it gets a virtual environment of its own.
VENV_CHECKOV := .venv-checkov
VENV_CHECKOV_STAMP := $(VENV_CHECKOV)/.requirements-installed
$(VENV_CHECKOV_STAMP): test/python/checkov-requirements.txt
	rm -rf $(VENV_CHECKOV)
	python3 -m venv $(VENV_CHECKOV)
	$(VENV_CHECKOV)/bin/pip install --quiet --disable-pip-version-check --no-input -r test/python/checkov-requirements.txt
	touch $@

# labcheck reads cdk.json and CDK_ARGS, so it checks the configuration and account the CDK CLI deploys.
# Built, not `go run`: go run adds "exit status 1" to every finding's exit.
LABCHECK := go build -o .cache/labcheck ./labcheck && .cache/labcheck
export CDK_ARGS
# SKIP_PREFLIGHT=1 make deploy deploys without the preflight check.
SKIP_PREFLIGHT ?=
FUZZTIME ?= 60s

.PHONY: help synth bootstrap deploy destroy diff test unit fuzz npm-packages python-tools preflight leftovers emulator cost
help: ## list the targets
	@awk -F ':.*?## ' '/^[a-z][a-z-]*:.*## / { printf "  %-10s %s\n", $$1, $$2 }' $(MAKEFILE_LIST)

synth: $(NPM_STAMP) ## synthesize the stack into cdk.out (offline, no AWS credentials needed)
	@$(CDK) synth --no-notices --quiet $(CDK_ARGS)
	@node -e 'for (const [id, a] of Object.entries(require("./cdk.out/manifest.json").artifacts)) if (a.type === "aws:cloudformation:stack") console.log("synthesized stack " + (a.displayName || id) + " into cdk.out/" + a.properties.templateFile)'

bootstrap: $(NPM_STAMP) ## once per account and region: npx cdk bootstrap (the CDK's deployment roles and asset bucket)
	$(CDK) bootstrap --no-notices $(CDK_ARGS)

# The preflight reads the template cdk deploy would deploy, so it synthesizes first (quietly: the template is in
# cdk.out/), then compares it with the deployed one and checks the account.
PREFLIGHT = $(CDK) synth --no-notices --quiet $(CDK_ARGS) >/dev/null && $(LABCHECK) preflight

preflight: $(NPM_STAMP) ## read-only: what in this account and region would make cdk deploy fail, the update from the deployed template included (exit 1 on a blocker)
	@$(PREFLIGHT)

deploy: $(NPM_STAMP) ## preflight (unless SKIP_PREFLIGHT=1), then deploy the lab to the current AWS account and region
	@if [ -z "$(SKIP_PREFLIGHT)" ]; then $(PREFLIGHT); else echo "preflight skipped (SKIP_PREFLIGHT=$(SKIP_PREFLIGHT))"; fi
	$(CDK) deploy --no-notices $(CDK_ARGS)

destroy: $(NPM_STAMP) ## remove everything the lab created (asks to confirm; without a terminal: CDK_ARGS=--force)
	@if [ ! -t 0 ] && ! grep -qE '(^| )(-f|--force)( |$$)' <<<"$(CDK_ARGS)"; then \
	  echo 'make destroy: no terminal to confirm the deletion on; confirm it in the command instead: make destroy CDK_ARGS="--force $(CDK_ARGS)"' >&2; \
	  exit 2; fi
	$(CDK) destroy --no-notices $(CDK_ARGS)

emulator: $(NPM_STAMP) ## no AWS account needed: the bundled Kinesis emulator with the lab's stream on 127.0.0.1:4567, and the send command to try
	@go build -o .cache/localkinesis ./internal/testing/localkinesis
	@# exec, not go run: the signal reaches the command itself, which stops the emulator's whole process group.
	@exec .cache/localkinesis

cost: $(NPM_STAMP) ## offline: the estimate of this configuration (CDK_ARGS), item by item: months 1 and 12, fixed and traffic, free tier, assumptions, price sources
	@$(CDK) synth --no-notices --quiet $(CDK_ARGS) >/dev/null && go run ./labcheck cost cdk.out

leftovers: ## read-only: what of the deployment still exists after destroy (exit 1 if anything)
	@$(LABCHECK) leftovers

diff: $(NPM_STAMP) ## show how the working tree's stack differs from the committed golden template, offline
	$(CDK) diff --no-notices $(CDK_ARGS) --template test/testdata/lab.template.json

test: ## everything CI checks: formatting, tidy modules, vet, staticcheck, workflow lint, the short suite (what make unit runs), a real CLI synth, and all Go tests (emulator, cfn-lint, checkov, the saved queries on DuckDB included); ends with a summary line and each phase's time (test/all.sh)
	@bash test/all.sh

npm-packages: $(NPM_STAMP) $(MERMAID_STAMP) ## the pinned npm packages (CDK CLI, Kinesis emulator; Mermaid's parser for tests), installed when a package-lock.json changes

python-tools: $(VENV_STAMP) $(VENV_CHECKOV_STAMP) ## the pinned Python test tools (cfn-lint, sqlglot, DuckDB; checkov apart), installed when their requirements change

# Fuzzing is exploration, not a gate: every go test run already replays the seed corpora and testdata/fuzz. The
# instrumented build alone took 5 minutes of a fresh `make test`, for fuzzers that then ran at 0 execs/s.
fuzz: ## fuzz verify's GZIP NDJSON and Parquet readers and the KPL size accounting (FUZZTIME each, default 60s)
	go test ./producer/verify -run '^$$' -fuzz '^FuzzDecode$$' -fuzztime $(FUZZTIME)
	go test ./producer/verify -run '^$$' -fuzz '^FuzzDecodeParquet$$' -fuzztime $(FUZZTIME)
	go test ./internal/kpl -run '^$$' -fuzz '^FuzzSizeAccounting$$' -fuzztime $(FUZZTIME)

unit: ## the fast inner loop: go test -short (no node, Python or emulator; synth, emulator and rate-limit tests skip)
	@[ -n "$$(ls -A "$$(go env GOCACHE)" 2>/dev/null)" ] || echo "(empty Go build cache: the first run compiles aws-cdk-go and the AWS SDK, about 5 minutes on 2 cores)"
	go test -short ./... | grep -v 'no test files'

.PHONY: bench
bench: $(NPM_STAMP) ## benchmarks with ratios: encoder vs encoding/json (one core), verify, producer CPU per event, send throughput vs shard limits (plain and aggregated), GZIP JSON vs Parquet bytes stored and scanned
	@go test ./producer/telemetry -run '^$$' -bench 'GenerateEncode' -benchmem -cpu 1 -count 5 | tee /dev/stderr \
	  | awk '/^BenchmarkGenerateEncode/ { n[$$1]++; ns[$$1] += $$3; al[$$1] += $$7 } \
	    END { f = ns["BenchmarkGenerateEncode"] / n["BenchmarkGenerateEncode"]; \
	          j = ns["BenchmarkGenerateEncodeJSONBaseline"] / n["BenchmarkGenerateEncodeJSONBaseline"]; \
	          printf "generate+encode: %.0f ns/event, %.0f allocs/event; encoding/json: %.0f ns/event; ratio %.2f\n", \
	            f, al["BenchmarkGenerateEncode"] / n["BenchmarkGenerateEncode"], j, f / j }'
	@go test ./test/formats -run '^$$' -bench 'Formats' -benchtime 1x | grep '^formats:'
	@go test ./producer/verify -run '^$$' -bench 'Verify' -benchtime 3x \
	  | awk '/^BenchmarkVerify/ { for (i = 1; i < NF; i++) if ($$(i+1) == "s/verify") printf "verify, 100 objects / 100,000 events: %.2f s\n", $$i }'
	@go test ./producer/send -run '^$$' -bench 'PipelineCPU' -benchtime 5x -cpu 1 \
	  | awk '/^BenchmarkPipelineCPU/ { for (i = 1; i < NF; i++) if ($$(i+1) == "ns/event") v[$$1] = $$i } \
	    END { p = v["BenchmarkPipelineCPU/aggregate=false"]; a = v["BenchmarkPipelineCPU/aggregate=true"]; \
	          printf "producer CPU per event (generate, encode, batch, build requests; no HTTP): %.0f ns plain, %.0f ns aggregated; ratio %.2f\n", p, a, a / p }'
	@go test ./producer/send -run '^$$' -bench 'Throughput' -benchtime 1x \
	  | awk '/^BenchmarkThroughput/ { for (i = 1; i < NF; i++) { if ($$(i+1) == "record-ratio") r = $$i; if ($$(i+1) == "byte-ratio") y = $$i; \
	    if ($$(i+1) == "events/s") e = $$i; if ($$(i+1) == "cpu-ns/event") c = $$i } \
	    printf "send --rate 0, %s: %s events/s = %s of the record limit, %s of the byte limit; %s ns CPU per event with the in-process endpoint\n", $$1, e, r, y, c }'
