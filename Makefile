# The two commands a newcomer needs:
#   make run    installs every dependency, builds, and runs the main job
#   make test   builds and runs the whole test suite
MLX_VERSION ?= 0.32.4
BUILD ?= build
JOBS ?= $(shell nproc)
CMAKE_FLAGS ?=

.PHONY: run test deps build bench fuzz clean coverage

run: build
	$(BUILD)/emily example
	$(BUILD)/emily doctor

test: build
	cd $(BUILD) && ctest --output-on-failure -j$(JOBS)

coverage: build
	$(BUILD)/emily coverage --backend binary
	$(BUILD)/emily coverage --backend emily --device cpu

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
