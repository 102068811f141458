// The floor for the benchmark: yaml-cpp (or RapidJSON, for JSON) reading each file with a
// handler that does nothing, on one thread. tools/bench.sh compiles it; not part of stacklint.
// Usage: parse_only FILE...  (prints the seconds taken)
#include <rapidjson/reader.h>
#include <yaml-cpp/eventhandler.h>
#include <yaml-cpp/exceptions.h>
#include <yaml-cpp/parser.h>

#include <chrono>
#include <cstdio>
#include <fstream>
#include <sstream>
#include <string>

namespace {

struct Ignore : YAML::EventHandler {
  void OnDocumentStart(const YAML::Mark&) override {}
  void OnDocumentEnd() override {}
  void OnNull(const YAML::Mark&, YAML::anchor_t) override {}
  void OnAlias(const YAML::Mark&, YAML::anchor_t) override {}
  void OnScalar(const YAML::Mark&, const std::string&, YAML::anchor_t,
                const std::string&) override {}
  void OnSequenceStart(const YAML::Mark&, const std::string&, YAML::anchor_t,
                       YAML::EmitterStyle::value) override {}
  void OnSequenceEnd() override {}
  void OnMapStart(const YAML::Mark&, const std::string&, YAML::anchor_t,
                  YAML::EmitterStyle::value) override {}
  void OnMapEnd() override {}
};

}  // namespace

int main(int argc, char** argv) {
  auto start = std::chrono::steady_clock::now();
  for (int i = 1; i < argc; ++i) {
    std::ifstream in(argv[i], std::ios::binary);
    std::ostringstream bytes;
    bytes << in.rdbuf();
    std::string text = bytes.str();
    size_t first = text.find_first_not_of(" \t\r\n");
    if (first != std::string::npos && (text[first] == '{' || text[first] == '[')) {
      rapidjson::Reader reader;
      rapidjson::BaseReaderHandler<> handler;
      rapidjson::StringStream stream(text.c_str());
      reader.Parse<rapidjson::kParseIterativeFlag | rapidjson::kParseNumbersAsStringsFlag>(stream,
                                                                                           handler);
      continue;
    }
    try {
      std::istringstream input(text);
      YAML::Parser parser(input);
      Ignore ignore;
      while (parser.HandleNextDocument(ignore)) {
      }
    } catch (const YAML::Exception&) {
      // Broken files cost what they cost up to the error, as in stacklint.
    }
  }
  std::printf("%.4f\n",
              std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
}
