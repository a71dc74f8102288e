// Findings of STIX validation: what is wrong, where, and by which rule.
//
// A finding names the object (its id, or "#N" for the N-th object of the input when it has
// no usable id), a JSON pointer (RFC 6901) into the input document, the rule that was
// broken (a stable short name, listed in docs/validation.md) and a human-readable message.
// Errors are violations of a MUST of STIX 2.1; warnings are SHOULD-level findings,
// deprecated constructs and values outside open vocabularies.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

namespace kongsi::stix {

enum class Severity { kError, kWarning };

struct Finding {
  Severity severity = Severity::kError;
  std::string object;   // "indicator--..." or "#3"
  std::string pointer;  // "/objects/3/valid_until"
  std::string rule;     // "timestamp-order"
  std::string message;  // "valid_until must be later than valid_from"
  size_t line = 0;      // line of the input (JSON lines, syntax errors); 0 when not applicable
  size_t column = 0;    // column of a syntax error; 0 when not applicable
};

// Findings for one object, plus whether any of them is an error.
struct ObjectReport {
  std::vector<Finding> findings;
  bool HasErrors() const {
    for (const auto& f : findings) {
      if (f.severity == Severity::kError) return true;
    }
    return false;
  }
};

const char* SeverityName(Severity s);

}  // namespace kongsi::stix
