// Selector steps are separated by '.', and a step in brackets is a list index.
#include "stix/selector.h"

namespace kongsi::stix {

bool ParseSelector(std::string_view selector, SelectorPath& path) {
  path.clear();
  size_t pos = 0;
  while (pos <= selector.size()) {
    size_t dot = selector.find('.', pos);
    if (dot == std::string_view::npos) dot = selector.size();
    const std::string_view step = selector.substr(pos, dot - pos);
    if (step.empty()) return false;
    if (step.front() == '[' && step.back() == ']') {
      if (step.size() == 2) return false;
      size_t index = 0;
      for (char c : step.substr(1, step.size() - 2)) {
        if (c < '0' || c > '9') return false;
        index = index * 10 + static_cast<size_t>(c - '0');
        if (index > kMaxSelectorIndex) return false;
      }
      path.push_back({.key = {}, .index = index, .is_index = true});
    } else {
      path.push_back({.key = step, .index = 0, .is_index = false});
    }
    pos = dot + 1;
  }
  return true;
}

}  // namespace kongsi::stix
