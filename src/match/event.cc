// Names of the observable kinds, as CSV field maps and match output spell them.
#include "match/event.h"

#include <array>

namespace kongsi::match {
namespace {

constexpr std::array<std::string_view, static_cast<size_t>(Observable::kCount)> kNames = {
    "ip",   "domain", "url",       "hash",        "email",       "user-agent", "ja3",
    "ja3s", "ja4",    "x509-sha1", "x509-sha256", "x509-serial", "file-name",  "mac",
};

}  // namespace

std::string_view ObservableName(Observable kind) {
  const auto i = static_cast<size_t>(kind);
  return i < kNames.size() ? kNames[i] : std::string_view("unknown");
}

bool ParseObservableName(std::string_view name, Observable& kind) {
  for (size_t i = 0; i < kNames.size(); ++i) {
    if (kNames[i] == name) {
      kind = static_cast<Observable>(i);
      return true;
    }
  }
  return false;
}

}  // namespace kongsi::match
