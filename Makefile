# The two commands a newcomer needs:
#   make run    installs every dependency, builds, and runs the main job
#   make test   builds and runs the whole test suite
MLX_VERSION ?= 0.32.4
BUILD ?= build
JOBS ?= $(shell nproc)
CMAKE_FLAGS ?=

.PHONY: run test deps build bench clean coverage

run: build
	$(BUILD)/emily example
	$(BUILD)/emily doctor

test: build
	cd $(BUILD) && ctest --output-on-failure -j$(JOBS)

coverage: build
	$(BUILD)/emily coverage --backend binary
	$(BUILD)/emily coverage --backend emily --device cpu

# Benchmarks: Emily vs raw MLX vs numpy vs the reference backend, one run;
# writes docs/performance-cpu.{json,png} and the table quoted in docs/performance.md.
bench: deps $(BUILD)/CMakeCache.txt
	cmake -S . -B $(BUILD) -DEMILY_BUILD_BENCH=ON > /dev/null
	cmake --build $(BUILD) -j$(JOBS) --target emily_bench
	$(BUILD)/bench/emily_bench --benchmark_out=$(BUILD)/bench-emily.json --benchmark_out_format=json
	.venv/bin/python bench/numpy_bench.py --json $(BUILD)/bench-numpy.json
	.venv/bin/python bench/report.py --emily $(BUILD)/bench-emily.json --numpy $(BUILD)/bench-numpy.json --out docs --tag cpu

deps: .venv/.deps-$(MLX_VERSION)

.venv/.deps-$(MLX_VERSION): scripts/setup.sh
	scripts/setup.sh $(MLX_VERSION)
	touch $@

$(BUILD)/CMakeCache.txt: | deps
	cmake -S . -B $(BUILD) -DCMAKE_BUILD_TYPE=Release -DEMILY_MLX_VERSION=$(MLX_VERSION) $(CMAKE_FLAGS)

build: deps $(BUILD)/CMakeCache.txt
	cmake --build $(BUILD) -j$(JOBS)

clean:
	rm -rf $(BUILD)
