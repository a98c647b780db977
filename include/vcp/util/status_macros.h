// Copyright 2026 The vault-csi-provider authors. SPDX-License-Identifier: Apache-2.0
//
// Early-return helpers for absl::Status and absl::StatusOr. Debian's abseil
// (20220623) predates ABSL_RETURN_IF_ERROR, so the project carries these two.
#pragma once

#include "absl/status/status.h"
#include "absl/status/statusor.h"

#define VCP_STATUS_CONCAT_INNER_(a, b) a##b
#define VCP_STATUS_CONCAT_(a, b) VCP_STATUS_CONCAT_INNER_(a, b)

// Evaluates `expr` (an absl::Status) and returns it from the enclosing function if not OK.
#define VCP_RETURN_IF_ERROR(expr)              \
  do {                                         \
    ::absl::Status vcp_status_ = (expr);       \
    if (!vcp_status_.ok()) return vcp_status_; \
  } while (false)

// Evaluates `rexpr` (an absl::StatusOr<T>); on error returns its status, else
// moves the value into `lhs` (which may be a declaration, e.g. `auto x`).
#define VCP_ASSIGN_OR_RETURN(lhs, rexpr) \
  VCP_ASSIGN_OR_RETURN_IMPL_(VCP_STATUS_CONCAT_(vcp_statusor_, __LINE__), lhs, rexpr)
#define VCP_ASSIGN_OR_RETURN_IMPL_(statusor, lhs, rexpr) \
  auto statusor = (rexpr);                               \
  if (!statusor.ok()) return std::move(statusor).status(); \
  lhs = std::move(statusor).value()
