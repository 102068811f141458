// The floors for the benchmark, on one thread; tools/bench.sh compiles it; not part of stacklint.
//   parse_only FILE...              yaml-cpp's event parser (RapidJSON's reader for JSON) with a
//                                   handler that does nothing: the bare scanner
//   parse_only --documents FILE...  yaml-cpp's own document loader, YAML::Load (RapidJSON's
//                                   Document for JSON): what "parsing with yaml-cpp" usually is
// Prints the seconds taken.
#include <rapidjson/document.h>
#include <rapidjson/reader.h>
#include <yaml-cpp/eventhandler.h>
#include <yaml-cpp/exceptions.h>
#include <yaml-cpp/parser.h>
#include <yaml-cpp/yaml.h>

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
  bool documents = argc > 1 && std::string(argv[1]) == "--documents";
  auto start = std::chrono::steady_clock::now();
  for (int i = documents ? 2 : 1; i < argc; ++i) {
    std::ifstream in(argv[i], std::ios::binary);
    std::ostringstream bytes;
    bytes << in.rdbuf();
    std::string text = bytes.str();
    size_t first = text.find_first_not_of(" \t\r\n");
    bool json = first != std::string::npos && (text[first] == '{' || text[first] == '[');
    if (documents) {
      try {
        if (json) {
          rapidjson::Document document;
          document.Parse<rapidjson::kParseNumbersAsStringsFlag>(text.c_str());
        } else {
          YAML::Node document = YAML::Load(text);
        }
      } catch (const YAML::Exception&) {
      }
      continue;
    }
    if (json) {
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
