// Turning CUDA and cuBLAS failures into Status values (never an abort).
#pragma once

#include <cublas_v2.h>
#include <cuda_runtime_api.h>

#include <string>

#include "core/status.h"

namespace enclave::cuda {

inline Status CudaStatus(cudaError_t err, const char* what) {
  if (err == cudaSuccess) return Status::Ok();
  if (err == cudaErrorMemoryAllocation)
    return InsufficientMemory(std::string(what) + ": out of GPU memory (" + cudaGetErrorString(err) +
                              "): try a smaller context or a smaller quantisation");
  return DeviceError(std::string(what) + ": " + cudaGetErrorName(err) + " (" + cudaGetErrorString(err) + ")");
}

inline Status CublasStatus(cublasStatus_t err, const char* what) {
  if (err == CUBLAS_STATUS_SUCCESS) return Status::Ok();
  return DeviceError(std::string(what) + ": cuBLAS error " + cublasGetStatusName(err) + " (" +
                     cublasGetStatusString(err) + ")");
}

}  // namespace enclave::cuda

// Returns a Status from the enclosing function when a CUDA runtime call fails.
#define CUDA_RETURN_IF_ERROR(expr) ENCLAVE_RETURN_IF_ERROR(::enclave::cuda::CudaStatus((expr), #expr))
#define CUBLAS_RETURN_IF_ERROR(expr) ENCLAVE_RETURN_IF_ERROR(::enclave::cuda::CublasStatus((expr), #expr))
