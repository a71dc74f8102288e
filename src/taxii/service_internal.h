// Internals shared by the service's source files (service.cc: routing and the small
// resources; objects.cc: objects, manifest, versions, add, delete). Only src/taxii/ includes
// this.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

#include "policy/principal.h"
#include "taxii/message.h"
#include "taxii/service.h"

namespace kongsi::taxii {

struct Service::Call {
  const Request& request;
  const policy::Principal& principal;
  const ApiRootConfig& root;
};

// A 200 (or `status`) response with a TAXII JSON body.
Response JsonResponse(const nlohmann::json& body, int status = 200);

}  // namespace kongsi::taxii
