# The two commands a newcomer needs:
#   make run    installs every dependency, builds, and runs the main job
#   make test   builds and runs the whole test suite
MLX_VERSION ?= 0.32.4
BUILD ?= build
JOBS ?= $(shell nproc)
CMAKE_FLAGS ?=

.PHONY: run test deps build bench clean coverage test-asan test-tsan fuzz

# The digits example trains on the Emily backend (default device), writes the
# loss per epoch and plots it (README, "Training: digits").
run: build
	$(BUILD)/emily example
	$(BUILD)/emily doctor
	$(BUILD)/emily digits --backend emily --out docs/digits-loss.csv
	.venv/bin/python scripts/plot_loss.py docs/digits-loss.csv docs/digits-loss.png

# The suite, then the same suite built with AddressSanitizer + UBSan (about
# 19 minutes on a 2-core machine; the whole CI run stays well under an hour).
test: build
	cd $(BUILD) && ctest --output-on-failure -j$(JOBS)
	$(MAKE) test-asan

coverage: build
	$(BUILD)/emily coverage --backend binary
	$(BUILD)/emily coverage --backend emily --device cpu

# Benchmarks: Emily vs raw MLX vs numpy vs the reference backend, one run
# (bench/run_cpu.sh: each row the median of 5 interleaved repetitions); keeps
# the raw JSON in bench/results/cpu/<date>-<commit>/ and writes
# docs/performance-cpu.{json,png} and the table quoted in docs/performance.md.
# QUICK=1: a smoke run into $(BUILD)/bench-quick (docs untouched).
# KERNELS_AB=1: the Emily rows once more with EMILY_CPU_KERNELS=0.
bench: deps $(BUILD)/CMakeCache.txt
	cmake -S . -B $(BUILD) -DEMILY_BUILD_BENCH=ON > /dev/null
	cmake --build $(BUILD) -j$(JOBS) --target emily_bench
	bench/run_cpu.sh $(BUILD) $(if $(QUICK),--quick)

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

# ---- sanitizers and fuzzing (docs/reliability.md) ----
# MLX (libmlx.so from the wheel) is not instrumented: the sanitizers see the
# project's code and the libc/libstdc++ calls they intercept, not MLX's.
SAN_TYPE ?= RelWithDebInfo
ASAN_BUILD ?= build-asan
TSAN_BUILD ?= build-tsan
FUZZ_BUILD ?= build-fuzz
FUZZ_SECONDS ?= 60
# ASan needs no suppressions for libmlx: its allocations go through the
# intercepted malloc/new, and LeakSanitizer (on by default) finds nothing at
# exit. ASan's own allocator aborts on requests above 1 TiB instead of
# throwing std::bad_alloc, so the bad-input test skips its "too large to
# allocate" check on the reference backend in this build.
ASAN_ENV = ASAN_OPTIONS=abort_on_error=1:check_initialization_order=1:detect_stack_use_after_return=1 \
           UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
# MLX's own synchronisation (atomics, its thread pool) is invisible to TSan;
# races inside libmlx are suppressed, races in project code are not.
TSAN_ENV = TSAN_OPTIONS="halt_on_error=1 second_deadlock_stack=1 suppressions=$(CURDIR)/scripts/tsan.supp"

# The whole suite (both test binaries) with AddressSanitizer + UBSan.
test-asan: deps
	cmake -S . -B $(ASAN_BUILD) -DCMAKE_BUILD_TYPE=$(SAN_TYPE) -DEMILY_SANITIZE=ON -DEMILY_MLX_VERSION=$(MLX_VERSION) $(CMAKE_FLAGS)
	cmake --build $(ASAN_BUILD) -j$(JOBS) --target emily_tests emily_debug_tests
	cd $(ASAN_BUILD)/tests && $(ASAN_ENV) ./emily_tests && $(ASAN_ENV) ./emily_debug_tests

# The thread tests (tests/reliability_test.cpp, Threads.*) with ThreadSanitizer.
test-tsan: deps
	cmake -S . -B $(TSAN_BUILD) -DCMAKE_BUILD_TYPE=$(SAN_TYPE) -DEMILY_TSAN=ON -DEMILY_BUILD_TESTS=OFF -DEMILY_MLX_VERSION=$(MLX_VERSION) $(CMAKE_FLAGS)
	cmake --build $(TSAN_BUILD) -j$(JOBS) --target emily_thread_tests
	$(TSAN_ENV) $(TSAN_BUILD)/emily_thread_tests --gtest_filter='Threads.*'

# libFuzzer on random op sequences, Emily against the reference (fuzz/fuzz_ops.cpp).
# New inputs go to $(FUZZ_BUILD)/corpus; fuzz/corpus holds the committed seeds.
FUZZ_CXX ?= clang++-14
FUZZ_PROBE = 'extern "C" int LLVMFuzzerTestOneInput(const unsigned char*, unsigned long) { return 0; }'
fuzz: deps
	@mkdir -p $(FUZZ_BUILD)/corpus
	@if ! echo $(FUZZ_PROBE) | $(FUZZ_CXX) -x c++ -fsanitize=fuzzer,address,undefined - -o $(FUZZ_BUILD)/probe 2>/dev/null; then \
	  echo "fuzz: installing clang-14 and libclang-rt-14-dev"; \
	  SUDO=""; [ "$$(id -u)" -eq 0 ] || SUDO="sudo"; \
	  $$SUDO apt-get update -q && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -q clang-14 libclang-rt-14-dev; \
	fi
	cmake -S . -B $(FUZZ_BUILD) -DCMAKE_CXX_COMPILER=$(FUZZ_CXX) -DCMAKE_BUILD_TYPE=$(SAN_TYPE) -DEMILY_FUZZ=ON \
	      -DEMILY_BUILD_TESTS=OFF -DEMILY_MLX_VERSION=$(MLX_VERSION) $(CMAKE_FLAGS)
	cmake --build $(FUZZ_BUILD) -j$(JOBS) --target fuzz_ops
	$(ASAN_ENV) $(FUZZ_BUILD)/fuzz/fuzz_ops $(FUZZ_BUILD)/corpus fuzz/corpus -max_total_time=$(FUZZ_SECONDS) \
	      -max_len=512 -artifact_prefix=$(FUZZ_BUILD)/ -print_final_stats=1 $(FUZZ_FLAGS)

