// libFuzzer target: arbitrary bytes through load → graph → rules → every report format.
// Built by tools/fuzz.sh (clang, -DSTACKLINT_FUZZ=ON); crashes it finds go to
// testdata/regressions/, which tests/hostile_input_test.cpp replays.
#include <cstddef>
#include <cstdint>
#include <string>

#include "pipeline.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  // The loader is chosen by the content ('{' or '[' first: JSON), not by the name.
  stacklint::testing::run_pipeline("fuzz.yaml",
                                   std::string(reinterpret_cast<const char*>(data), size));
  return 0;
}
