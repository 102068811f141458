#include "cli/baseline.h"

#include <rapidjson/document.h>
#include <rapidjson/prettywriter.h>
#include <rapidjson/stringbuffer.h>

#include "load/loader.h"

namespace stacklint::cli {

namespace {

constexpr int kFormatVersion = 1;

// Template-level findings have no path; their message names what they are about.
std::string location_of(const rules::Finding& finding) {
  return finding.path.empty() ? finding.message : finding.path;
}

std::string identity(std::string_view rule, std::string_view file, std::string_view location) {
  std::string key(rule);
  key += '\n';
  key += file;
  key += '\n';
  key += location;
  return key;
}

}  // namespace

std::string Baseline::write(const report::Run& run) {
  rapidjson::StringBuffer buffer;
  rapidjson::PrettyWriter<rapidjson::StringBuffer> w(buffer);
  w.SetIndent(' ', 2);
  auto string = [&](std::string_view text) {
    w.String(text.data(), static_cast<rapidjson::SizeType>(text.size()));
  };
  w.StartObject();
  w.Key("stacklint-baseline");
  w.Int(kFormatVersion);
  w.Key("findings");
  w.StartArray();
  for (const rules::FileResult& file : run.files) {
    std::string path = report::display_path(file.source->path());
    for (const rules::Finding& finding : file.findings) {
      if (finding.suppressed) continue;
      w.StartObject();
      w.Key("rule");
      string(finding.rule->id);
      w.Key("file");
      string(path);
      w.Key("location");
      string(location_of(finding));
      w.EndObject();
    }
  }
  w.EndArray();
  w.EndObject();
  return std::string(buffer.GetString(), buffer.GetSize()) + "\n";
}

bool Baseline::read(const std::string& path, std::string& error, std::set<FileId>* inputs) {
  std::string bytes;
  if (!read_whole_file(path, load::Limits{}.max_bytes, "the baseline file", bytes, error, inputs)) {
    return false;
  }
  rapidjson::Document doc;
  // Iterative: a hostile baseline nested a million deep must not overflow the stack.
  doc.Parse<rapidjson::kParseIterativeFlag>(bytes.data(), bytes.size());
  const char* expected =
      ": not a stacklint baseline (expected {\"stacklint-baseline\": 1, \"findings\": [{\"rule\", "
      "\"file\", \"location\"}, ...]}, as written by --write-baseline)";
  if (doc.HasParseError() || !doc.IsObject() || !doc.HasMember("stacklint-baseline") ||
      !doc["stacklint-baseline"].IsInt() || !doc.HasMember("findings") ||
      !doc["findings"].IsArray()) {
    error = path + expected;
    return false;
  }
  if (doc["stacklint-baseline"].GetInt() != kFormatVersion) {
    error = path + ": baseline format version " +
            std::to_string(doc["stacklint-baseline"].GetInt()) + " is not supported (expected " +
            std::to_string(kFormatVersion) + ")";
    return false;
  }
  for (const auto& entry : doc["findings"].GetArray()) {
    auto text = [&](const char* key) -> const rapidjson::Value* {
      if (!entry.IsObject() || !entry.HasMember(key) || !entry[key].IsString()) return nullptr;
      return &entry[key];
    };
    const rapidjson::Value *rule = text("rule"), *file = text("file"), *location = text("location");
    if (rule == nullptr || file == nullptr || location == nullptr) {
      error = path + expected;
      return false;
    }
    ++remaining_[identity(rule->GetString(), file->GetString(), location->GetString())];
  }
  return true;
}

void Baseline::apply(report::Run& run) {
  for (rules::FileResult& file : run.files) {
    std::string path = report::display_path(file.source->path());
    std::erase_if(file.findings, [&](const rules::Finding& finding) {
      if (finding.suppressed) return false;
      auto it = remaining_.find(identity(finding.rule->id, path, location_of(finding)));
      if (it == remaining_.end() || it->second == 0) return false;
      --it->second;
      ++run.baselined;
      return true;
    });
  }
}

}  // namespace stacklint::cli
