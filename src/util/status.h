// Error propagation helpers over absl::Status / absl::StatusOr.
//
// Debian 12's Abseil ships Status and StatusOr but not the propagation macros, so they are
// written once here. Every fallible call in kongsi returns a Status or StatusOr; exceptions
// never cross a module boundary (DESIGN.md section 9).
#pragma once

#include "absl/status/status.h"
#include "absl/status/statusor.h"

#define KONGSI_STATUS_CONCAT_INNER(a, b) a##b
#define KONGSI_STATUS_CONCAT(a, b) KONGSI_STATUS_CONCAT_INNER(a, b)

// Returns from the current function with `expr`'s status if it is not OK.
#define KONGSI_RETURN_IF_ERROR(expr)                 \
  do {                                               \
    ::absl::Status kongsi_status_ = (expr);          \
    if (!kongsi_status_.ok()) return kongsi_status_; \
  } while (false)

// `lhs = value of expr` or returns expr's error status from the current function.
#define KONGSI_ASSIGN_OR_RETURN(lhs, expr) \
  KONGSI_ASSIGN_OR_RETURN_IMPL(KONGSI_STATUS_CONCAT(kongsi_statusor_, __LINE__), lhs, expr)

#define KONGSI_ASSIGN_OR_RETURN_IMPL(tmp, lhs, expr) \
  auto tmp = (expr);                                 \
  if (!tmp.ok()) return std::move(tmp).status();     \
  lhs = std::move(tmp).value()
