// Weight types a file may carry that the backends do not compute with (ggml's older Q4_1, Q5_0
// and Q5_1, common in llama.cpp Q4_K_M files for rows that are not a multiple of 256) are
// rewritten once at load time as Q8_0, which holds every value of those types to within
// ~1/250 of a quantisation step: no measurable change in the logits, at 1.5x their size.
#pragma once

#include <cstdint>

#include "core/dtype.h"
#include "core/status.h"

namespace enclave {

bool ConvertibleAtLoad(DType type);

// n_rows rows of ne0 elements of `type` -> Q8_0 (RowBytes(Q8_0, ne0) bytes per row).
Status ConvertToQ8_0(DType type, const void* src, void* dst, int64_t n_rows, int64_t ne0);

}  // namespace enclave
