// Granular-marking selectors (STIX 2.1 section 7.2.3.1): "description", "labels.[1]",
// "external_references.[0].url". One grammar for the validator (does a selector resolve?) and
// for redaction (what does it remove?).
// Pure functions; thread-safe.
#pragma once

#include <cstddef>
#include <string_view>
#include <vector>

namespace kongsi::stix {

// One step of a path into an object: a property name, or a list index ("[2]").
struct SelectorStep {
  std::string_view key;  // points into the selector text
  size_t index = 0;
  bool is_index = false;
};
using SelectorPath = std::vector<SelectorStep>;

// Larger list indices are not selectors this node accepts.
inline constexpr size_t kMaxSelectorIndex = 1000000;

// Splits `selector` into `path`; false when it is not a selector (an empty step, "[]", an
// index that is not digits or above kMaxSelectorIndex).
bool ParseSelector(std::string_view selector, SelectorPath& path);

}  // namespace kongsi::stix
