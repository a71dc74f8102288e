// libFuzzer target for MISP warninglists (match/warninglist.h): the bytes are read as one
// list.json. An error must name the input and say what is wrong; an accepted list has one
// list whose counts add up, and looking values up in it (every whitespace-separated token of
// the input, as every kind) never crashes and Find agrees with FindAll: the first list of
// FindAll, or nullptr when FindAll is empty.
// A broken invariant aborts with a message, which libFuzzer reports as a crash.
//
// Build and run: `make fuzz` (docs/building.md).
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

#include "match/warninglist.h"

namespace {

[[noreturn]] void Fail(const char* what, std::string_view detail) {
  std::fprintf(stderr, "warninglist_fuzz: invariant broken: %s\n  %.*s\n", what,
               static_cast<int>(detail.size()), detail.data());
  std::abort();
}

// Up to 32 tokens of the input, as values to look up.
std::vector<std::string_view> Probes(std::string_view text) {
  std::vector<std::string_view> probes;
  size_t at = 0;
  while (probes.size() < 32 && at < text.size()) {
    const size_t start = text.find_first_not_of(" \t\r\n\",[]{}:", at);
    if (start == std::string_view::npos) break;
    size_t end = text.find_first_of(" \t\r\n\",[]{}:", start);
    if (end == std::string_view::npos) end = text.size();
    probes.push_back(text.substr(start, end - start));
    at = end;
  }
  return probes;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using kongsi::match::Observable;
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  auto lists = kongsi::match::Warninglists::Parse(text, "<input>");
  if (!lists.ok()) {
    const std::string message(lists.status().message());
    if (message.rfind("<input>: ", 0) != 0 || message.size() <= 9) {
      Fail("an error that does not name the input and the problem", message);
    }
    return 0;
  }
  if (lists->lists().size() != 1) Fail("one document gave other than one list", text);
  const kongsi::match::Warninglist& list = *lists->lists().front();
  if (list.name.empty()) Fail("a list without a name", text);
  if (list.skipped > list.entries) Fail("more entries skipped than the list has", list.name);
  if (list.file != "<input>") Fail("the list does not name its file", list.file);
  std::string scratch;
  for (std::string_view probe : Probes(text)) {
    for (size_t k = 0; k < static_cast<size_t>(Observable::kCount); ++k) {
      const auto kind = static_cast<Observable>(k);
      const kongsi::match::Warninglist* first = lists->Find(kind, probe, scratch);
      const auto all = lists->FindAll(kind, probe, scratch);
      if ((first == nullptr) != all.empty() || (first != nullptr && first != all.front())) {
        Fail("Find and FindAll disagree", probe);
      }
      if (first != nullptr) {
        bool applies = false;
        for (Observable k2 : list.kinds) applies = applies || k2 == kind;
        if (!applies) Fail("a list names a value of a kind it does not apply to", probe);
      }
    }
  }
  return 0;
}
