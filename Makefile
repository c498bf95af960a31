# Loom's entry points. Every target first installs missing Debian packages and
# fetches Fabric's protos (both no-ops when already done).
#   make run            build, then run Loom on scenarios/quickstart.yaml
#                       (HEADLESS=1: the network, a short load, traces and Table 1 in the terminal)
#   make test           build and run every test (SANITIZE=1: under ASan+UBSan)
#   make bench          Google Benchmark programs, next to `openssl speed`
#   make format         clang-format every C++ file
#   make clean          remove the build trees

SANITIZE ?= 0
BUILD_TYPE ?= RelWithDebInfo
JOBS ?= 2
ifeq ($(SANITIZE),1)
BUILD_DIR ?= build/asan
CMAKE_FLAGS += -DLOOM_SANITIZE=ON
else
BUILD_DIR ?= build/release
endif
SCENARIO ?= scenarios/quickstart.yaml
HEADLESS ?= 0
RUN_DIR ?= $(BUILD_DIR)/run

.PHONY: all deps configure build run test bench format clean

all: build

deps:
	@bash scripts/install-deps.sh
	@bash scripts/fetch-protos.sh

configure: deps
	@cmake -S . -B $(BUILD_DIR) -G Ninja -DCMAKE_BUILD_TYPE=$(BUILD_TYPE) $(CMAKE_FLAGS) >/dev/null

build: configure
	@cmake --build $(BUILD_DIR) -j $(JOBS)

run: build
	@bash scripts/run-quickstart.sh $(BUILD_DIR) $(SCENARIO) $(RUN_DIR) $(HEADLESS)

test: build
	@cd $(BUILD_DIR) && ctest --output-on-failure -j $(JOBS) --timeout 300

bench: build
	@bash scripts/bench.sh $(BUILD_DIR)

format: deps
	@git ls-files '*.cc' '*.h' | xargs -r clang-format -i

clean:
	rm -rf build/release build/asan build/dev
