// Collection rights of a principal.
#include "policy/principal.h"

#include <algorithm>
#include <cstdlib>

#include "util/strings.h"

namespace kongsi::policy {
namespace {

bool Listed(const std::vector<std::string>& rights, std::string_view collection_id) {
  return std::any_of(rights.begin(), rights.end(), [&](const std::string& right) {
    return right == kAllCollections || right == collection_id;
  });
}

}  // namespace

bool Principal::CanRead(std::string_view collection_id) const {
  return local_operator || Listed(read, collection_id);
}

bool Principal::CanWrite(std::string_view collection_id) const {
  return local_operator || Listed(write, collection_id);
}

Principal LocalOperator(std::string_view node_organisation) {
  const char* user = std::getenv("USER");
  Principal p;
  p.name = util::StrCat("operator:", user != nullptr && *user != '\0' ? user : "unknown");
  p.organisation = std::string(node_organisation);
  p.local_operator = true;
  return p;
}

}  // namespace kongsi::policy
