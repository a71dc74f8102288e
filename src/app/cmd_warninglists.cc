// `kongsi warninglists import|list|check`: the node's MISP warninglists (known-benign values,
// docs/matching.md "Warninglists"), kept as list.json files in <data-dir>/warninglists/.
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <sstream>

#include "app/commands.h"
#include "app/node_warninglists.h"
#include "match/observable_key.h"
#include "match/warninglist.h"
#include "nlohmann/json.hpp"
#include "util/strings.h"

namespace kongsi::app {
namespace {

struct WarninglistsOptions {
  std::vector<std::string> paths;
  std::vector<std::string> values;
  std::string format = "text";
};

// "List of RFC 1918 CIDR blocks" -> "list-of-rfc-1918-cidr-blocks".
std::string Slug(std::string_view name) {
  std::string slug;
  for (char c : name) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c + 32);
    const bool keep = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
    if (keep) {
      slug.push_back(c);
    } else if (!slug.empty() && slug.back() != '-') {
      slug.push_back('-');
    }
    if (slug.size() >= 100) break;
  }
  while (!slug.empty() && slug.back() == '-') slug.pop_back();
  return slug.empty() ? "warninglist" : slug;
}

std::string KindNames(const std::vector<match::Observable>& kinds) {
  std::string out;
  for (match::Observable k : kinds) {
    out += util::StrCat(out.empty() ? "" : ",", match::ObservableName(k));
  }
  return out.empty() ? "none" : out;
}

bool ReadFile(const std::string& path, std::string& out) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return false;
  std::ostringstream text;
  text << in.rdbuf();
  out = text.str();
  return !in.bad();
}

// Checks every list first; copies them only when all are valid and their names distinct.
int RunImport(const GlobalOptions& global, const WarninglistsOptions& options) {
  auto node = OpenNode(global);
  if (!node.ok()) {
    PrintError(node.status());
    return kExitUnusable;
  }
  struct Import {
    std::string file, text, slug;
    match::Warninglist meta;
  };
  std::vector<Import> imports;
  std::map<std::string, std::string> slugs;  // slug -> file
  bool failed = false;
  for (const std::string& path : options.paths) {
    auto files = match::Warninglists::ListFiles(path);
    if (!files.ok()) {
      PrintError(files.status());
      failed = true;
      continue;
    }
    for (const std::string& file : *files) {
      Import import;
      import.file = file;
      if (!ReadFile(file, import.text)) {
        PrintError(util::StrCat(file, ": cannot read"));
        failed = true;
        continue;
      }
      auto parsed = match::Warninglists::Parse(import.text, file);
      if (!parsed.ok()) {
        PrintError(parsed.status());
        failed = true;
        continue;
      }
      import.meta = *parsed->lists().front();
      import.slug = Slug(import.meta.name);
      if (auto [it, added] = slugs.emplace(import.slug, file); !added) {
        PrintError(util::StrCat(file, ": list '", import.meta.name, "' would replace ", it->second,
                                "'s (same file name ", import.slug, ".json)"));
        failed = true;
        continue;
      }
      imports.push_back(std::move(import));
    }
  }
  if (failed) {
    PrintError("nothing imported");
    return kExitUnusable;
  }
  const std::string dir = WarninglistsPath(node->data_dir);
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec) {
    PrintError(util::StrCat(dir, ": ", ec.message()));
    return kExitUnusable;
  }
  for (const Import& import : imports) {
    const std::string target = util::StrCat(dir, "/", import.slug, ".json");
    const std::string temporary = target + ".tmp";
    {
      std::ofstream out(temporary, std::ios::binary | std::ios::trunc);
      out << import.text;
      out.flush();
      if (!out) {
        PrintError(util::StrCat(temporary, ": cannot write"));
        return kExitUnusable;
      }
    }
    std::filesystem::rename(temporary, target, ec);
    if (ec) {
      PrintError(util::StrCat(target, ": ", ec.message()));
      return kExitUnusable;
    }
    if (!global.quiet) {
      std::printf(
          "%s: '%s' (%s, %zu entries%s) -> warninglists/%s.json\n", import.file.c_str(),
          import.meta.name.c_str(),
          std::string(match::WarninglistTypeName(import.meta.type)).c_str(), import.meta.entries,
          import.meta.skipped > 0 ? util::StrCat(", ", import.meta.skipped, " unusable").c_str()
                                  : "",
          import.slug.c_str());
    }
  }
  if (!global.quiet) std::printf("imported %zu warninglists\n", imports.size());
  return kExitOk;
}

absl::StatusOr<match::Warninglists> NodeLists(const GlobalOptions& global) {
  auto node = OpenNode(global);
  if (!node.ok()) return node.status();
  return LoadNodeWarninglists(node->data_dir);
}

int RunList(const GlobalOptions& global, const WarninglistsOptions& options) {
  auto lists = NodeLists(global);
  if (!lists.ok()) {
    PrintError(lists.status());
    return kExitUnusable;
  }
  if (options.format == "json") {
    nlohmann::ordered_json out = nlohmann::json::array();
    for (const auto& l : lists->lists()) {
      nlohmann::ordered_json kinds = nlohmann::json::array();
      for (match::Observable k : l->kinds) kinds.push_back(match::ObservableName(k));
      out.push_back({{"name", l->name},
                     {"description", l->description},
                     {"type", match::WarninglistTypeName(l->type)},
                     {"version", l->version},
                     {"entries", l->entries},
                     {"unusable_entries", l->skipped},
                     {"kinds", kinds},
                     {"matching_attributes", l->matching_attributes},
                     {"file", std::filesystem::path(l->file).filename().string()}});
    }
    std::printf("%s\n", out.dump(2).c_str());
    return kExitOk;
  }
  if (lists->empty()) {
    std::printf("no warninglists (kongsi warninglists import PATH...)\n");
    return kExitOk;
  }
  for (const auto& l : lists->lists()) {
    std::printf("%s: %s, %zu entries%s, kinds %s (%s)\n", l->name.c_str(),
                std::string(match::WarninglistTypeName(l->type)).c_str(), l->entries,
                l->skipped > 0 ? util::StrCat(" (", l->skipped, " unusable)").c_str() : "",
                KindNames(l->kinds).c_str(),
                std::filesystem::path(l->file).filename().string().c_str());
  }
  return kExitOk;
}

int RunCheck(const GlobalOptions& global, const WarninglistsOptions& options) {
  auto lists = NodeLists(global);
  if (!lists.ok()) {
    PrintError(lists.status());
    return kExitUnusable;
  }
  bool any = false;
  std::string scratch;
  for (const std::string& value : options.values) {
    std::vector<const match::Warninglist*> found;
    std::set<const match::Warninglist*> seen;
    for (match::Observable kind : match::KindsOf(value)) {
      for (const match::Warninglist* l : lists->FindAll(kind, value, scratch)) {
        if (seen.insert(l).second) found.push_back(l);
      }
    }
    any = any || !found.empty();
    if (found.empty()) {
      std::printf("%s: on no warninglist\n", value.c_str());
      continue;
    }
    std::string names;
    for (const match::Warninglist* l : found) {
      names += util::StrCat(names.empty() ? "" : "; ", l->name);
    }
    std::printf("%s: %s\n", value.c_str(), names.c_str());
  }
  return any ? kExitOk : kExitFindings;
}

}  // namespace

void AddWarninglistsCommand(CLI::App& app, GlobalOptions& options, int& exit_code) {
  CLI::App* cmd = app.add_subcommand(
      "warninglists", "MISP warninglists of known-benign values: import, list, check values");
  cmd->require_subcommand(1);
  auto opts = std::make_shared<WarninglistsOptions>();
  CLI::App* import = cmd->add_subcommand(
      "import", "check MISP list.json files (or folders of them) and copy them into the node");
  import->add_option("paths", opts->paths, "list.json files or folders (searched recursively)")
      ->required();
  import->callback([&options, &exit_code, opts] { exit_code = RunImport(options, *opts);
});
CLI::App* list = cmd->add_subcommand("list", "the node's warninglists: name, type, entries");
list->add_option("--format", opts->format, "text or json")->check(CLI::IsMember({"text", "json"}));
list->callback([&options, &exit_code, opts] { exit_code = RunList(options, *opts); });
CLI::App* check =
    cmd->add_subcommand("check", "which warninglists name each value (exit 1 when none names any)");
check->add_option("values", opts->values, "IP addresses, names, URLs, hashes, ...")->required();
check->callback([&options, &exit_code, opts] { exit_code = RunCheck(options, *opts); });
}  // namespace kongsi::app

}  // namespace kongsi::app
