// Formatting of findings.
#include "app/findings_output.h"

#include "absl/strings/str_cat.h"

namespace kongsi::app {

void PrintFinding(std::FILE* out, std::string_view source, const stix::Finding& f) {
  std::string where(source);
  if (f.line != 0) absl::StrAppend(&where, ":", f.line);
  if (f.column != 0) absl::StrAppend(&where, ":", f.column);
  std::fprintf(out, "%s: %s %s: %s [%s] %s\n", where.c_str(), f.object.c_str(),
               f.pointer.empty() ? "/" : f.pointer.c_str(), stix::SeverityName(f.severity),
               f.rule.c_str(), f.message.c_str());
}

nlohmann::ordered_json FindingToJson(const stix::Finding& f) {
  nlohmann::ordered_json j = {{"severity", stix::SeverityName(f.severity)},
                              {"object", f.object},
                              {"pointer", f.pointer},
                              {"rule", f.rule},
                              {"message", f.message}};
  if (f.line != 0) j["line"] = f.line;
  if (f.column != 0) j["column"] = f.column;
  return j;
}

void PrintRuleCounts(std::FILE* out, std::string_view label,
                     const std::map<std::string, int64_t>& counts) {
  if (counts.empty()) return;
  std::string line(label);
  bool first = true;
  for (const auto& [rule, n] : counts) {
    line += first ? " " : ", ";
    line += rule + " x" + std::to_string(n);
    first = false;
  }
  std::fprintf(out, "%s\n", line.c_str());
}

}  // namespace kongsi::app
