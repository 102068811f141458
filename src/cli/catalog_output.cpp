#include "cli/catalog_output.h"

#include <rapidjson/ostreamwrapper.h>
#include <rapidjson/prettywriter.h>

#include <iomanip>
#include <sstream>

namespace stacklint::cli {

namespace {

std::string trimmed(std::string text) {
  while (!text.empty() && (text.back() == '\n' || text.back() == ' ')) text.pop_back();
  return text;
}

std::string table_cell(std::string text) {
  std::string out;
  for (char c : text) {
    if (c == '|') {
      out += "\\|";
    } else if (c == '\n') {
      out += ' ';
    } else {
      out += c;
    }
  }
  return out;
}

}  // namespace

std::string origin(const rules::RuleInfo& rule) {
  return rule.builtin ? "built-in" : rule.file;
}

void write_explanation(const rules::RuleInfo& rule, std::ostream& out) {
  out << "# " << rule.id << " " << rule.name << "\n\n";
  out << rule.title << "\n\n";
  out << "Severity: " << rules::to_string(rule.severity) << "  \n";
  out << "Source: " << rule.source << "\n";
  if (!rule.builtin) out << "Defined in: " << rule.file << "\n";
  if (!rule.equivalents.empty()) {
    out << "Same check as:";
    for (const auto& [tool, ids] : rule.equivalents) {
      for (const std::string& id : ids) out << " " << tool << " " << id << ";";
    }
    out << "\n";
  }
  out << "\n## What it does\n\n" << trimmed(rule.docs.what) << "\n";
  out << "\n## Why is this bad\n\n" << trimmed(rule.docs.why) << "\n";
  out << "\n## Example\n\n```yaml\n" << trimmed(rule.docs.example) << "\n```\n";
  out << "\n## Use instead\n\n" << trimmed(rule.docs.fix) << "\n";
}

bool write_catalog(const rules::Catalog& catalog, std::string_view format, std::ostream& out) {
  if (format == "text") {
    for (const rules::RuleInfo* rule : catalog.rules()) {
      out << std::left << std::setw(6) << rule->id << " " << std::setw(42) << rule->name << " "
          << std::setw(8) << rules::to_string(rule->severity) << " " << rule->title << "  ("
          << origin(*rule) << ")\n";
    }
    return true;
  }
  if (format == "markdown") {
    out << "| id | name | severity | what it catches | source |\n|---|---|---|---|---|\n";
    for (const rules::RuleInfo* rule : catalog.rules()) {
      out << "| " << rule->id << " | `" << rule->name << "` | " << rules::to_string(rule->severity)
          << " | " << table_cell(rule->title) << " | " << table_cell(rule->source) << " |\n";
    }
    return true;
  }
  if (format == "docs") {
    out << "# stacklint rules\n\nGenerated from `rules/` by `stacklint rules --format docs`; "
           "do not edit by hand.\n";
    for (const rules::RuleInfo* rule : catalog.rules()) {
      out << "\n";
      std::ostringstream section;
      write_explanation(*rule, section);
      // Each rule's headings one level down, under the page title.
      std::string text = section.str();
      std::string shifted;
      size_t start = 0;
      while (start < text.size()) {
        size_t end = text.find('\n', start);
        std::string line =
            text.substr(start, end == std::string::npos ? std::string::npos : end - start + 1);
        if (line.rfind("#", 0) == 0) line = "#" + line;
        shifted += line;
        if (end == std::string::npos) break;
        start = end + 1;
      }
      out << shifted;
    }
    return true;
  }
  if (format == "json") {
    rapidjson::OStreamWrapper stream(out);
    rapidjson::PrettyWriter<rapidjson::OStreamWrapper> w(stream);
    w.SetIndent(' ', 2);
    auto str = [&](const std::string& s) {
      w.String(s.c_str(), static_cast<rapidjson::SizeType>(s.size()));
    };
    w.StartArray();
    for (const rules::RuleInfo* rule : catalog.rules()) {
      w.StartObject();
      w.Key("id");
      str(rule->id);
      w.Key("name");
      str(rule->name);
      w.Key("severity");
      str(std::string(rules::to_string(rule->severity)));
      w.Key("title");
      str(rule->title);
      w.Key("source");
      str(rule->source);
      w.Key("origin");
      str(origin(*rule));
      w.Key("tags");
      w.StartArray();
      for (const std::string& tag : rule->tags) str(tag);
      w.EndArray();
      w.EndObject();
    }
    w.EndArray();
    out << "\n";
    return true;
  }
  return false;
}

}  // namespace stacklint::cli
