// String helpers bridging std::string_view and Debian's Abseil, whose absl::string_view is
// its own type (not an alias of std::string_view): absl::StrCat and heterogeneous lookups
// in absl containers need the conversion (DESIGN.md section 9).
#pragma once

#include <string>
#include <string_view>
#include <type_traits>

#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"

namespace kongsi::util {

inline absl::string_view AsAbsl(std::string_view v) {
  return absl::string_view(v.data(), v.size());
}

inline std::string_view AsStd(absl::string_view v) { return std::string_view(v.data(), v.size()); }

namespace detail {
template <typename T>
decltype(auto) ToAlphaNum(const T& v) {
  if constexpr (std::is_same_v<T, std::string_view>) {
    return AsAbsl(v);
  } else {
    return (v);
  }
}
}  // namespace detail

// absl::StrCat that also accepts std::string_view arguments.
template <typename... Args>
std::string StrCat(const Args&... args) {
  return absl::StrCat(detail::ToAlphaNum(args)...);
}

}  // namespace kongsi::util
