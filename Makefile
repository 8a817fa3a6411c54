# fabkind — see README.md. Targets that need Docker make sure an engine answers first.
SHELL := /bin/bash
GO ?= go
BIN := bin/fabkind
VERSION ?= $(shell git describe --tags --always --dirty 2>/dev/null || echo dev)
LDFLAGS := -X github.com/fabkind/fabkind/internal/buildinfo.Version=$(VERSION)
JOBS ?= 3
ARTIFACTS ?= $(CURDIR)/_artifacts

.PHONY: all build test vet fmt docker images images-list e2e bench bench-cold clean

all: build

build: ## the fabkind CLI, in bin/
	$(GO) build -ldflags "$(LDFLAGS)" -o $(BIN) ./cmd/fabkind

test: ## unit tests: no Docker, seconds
	@unformatted=$$(gofmt -l $$(git ls-files '*.go')); if [ -n "$$unformatted" ]; then echo "gofmt needed: $$unformatted"; exit 1; fi
	$(GO) vet ./...
	$(GO) vet -tags e2e ./scenarios/...
	cd examples/height && GOWORK=off $(GO) vet .
	$(GO) test ./...

docker: ## a Docker engine that runs privileged containers (installs and starts one if none answers)
	hack/ensure-docker.sh

images: build docker ## every image of the offline set (only what is missing or stale)
	$(BIN) images build --jobs $(JOBS)

images-list: build docker
	$(BIN) images list

e2e: build docker images ## end-to-end scenarios on real kind clusters (Ginkgo)
	mkdir -p $(ARTIFACTS)
	FABKIND_ARTIFACTS=$(ARTIFACTS) $(GO) tool ginkgo -v --tags e2e --timeout 60m \
		--junit-report junit.xml --output-dir $(ARTIFACTS) $(GINKGO_FLAGS) ./scenarios/...

bench: build docker ## figures: images with nothing to do, up from nothing, up again, status, down
	hack/bench.sh

bench-cold: ## the cold image build (removes every fabkind.local image first)
	hack/cold-build.sh

clean:
	rm -rf bin $(ARTIFACTS)
