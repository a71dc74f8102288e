// Splits a STIX bundle's text into its envelope and the raw text of each element of its
// "objects" array, without building a DOM of the whole document. Each object is then parsed on
// its own (small, cache-resident parses, and memory that does not grow with the bundle),
// which is what makes ingest of million-object bundles fast.
//
// Only the structure is checked here (strings, nesting); the caller parses each piece, and on
// any failure parses the whole document to report the syntax error with line and column.
// Pure function; thread-safe.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace kongsi::stix {

struct BundleSplit {
  std::string envelope;                   // the top-level object without "objects", as JSON
  std::vector<std::string_view> objects;  // raw text of each element of "objects", in order
};

// True when `text` is one JSON object (surrounding white space allowed) whose "objects"
// member is an array; fills `out`. False otherwise (not an object, no "objects" array,
// unbalanced structure, trailing content): the caller falls back to a whole-document parse.
bool SplitBundle(std::string_view text, BundleSplit& out);

}  // namespace kongsi::stix
