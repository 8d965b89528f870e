// CUDA backend: creation, device memory, transfers and step graphs. The ops are in cuda_ops.cpp.
#include "backend/cuda/cuda_backend.h"

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <cstring>

#include "backend/cuda/cuda_backend_impl.h"
#include "backend/cuda/cuda_check.h"
#include "kernels.h"

namespace enclave {

Expected<std::unique_ptr<Backend>> CreateCudaBackend(int device_index) {
  return cuda::CudaBackend::Create(device_index);
}

namespace cuda {
namespace {

constexpr size_t kPinnedBytes = 64ull << 20;  // two halves, used alternately
constexpr size_t kPinnedHalf = kPinnedBytes / 2;
constexpr size_t kCublasWorkspaceBytes = 32ull << 20;

std::string GiB(double bytes) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.1f GiB", bytes / (1024.0 * 1024.0 * 1024.0));
  return buf;
}

}  // namespace

Expected<std::unique_ptr<Backend>> CudaBackend::Create(int device_index) {
  std::unique_ptr<CudaBackend> b(new CudaBackend());
  ENCLAVE_RETURN_IF_ERROR(b->Init(device_index));
  return std::unique_ptr<Backend>(std::move(b));
}

Status CudaBackend::Init(int device_index) {
  int count = 0;
  const cudaError_t err = cudaGetDeviceCount(&count);
  if (err != cudaSuccess || count == 0) {
    cudaGetLastError();
    return Unsupported(std::string("no CUDA device is available (") +
                       (err != cudaSuccess ? cudaGetErrorString(err) : "0 devices") +
                       "): use --device cpu, or check the NVIDIA driver with nvidia-smi");
  }
  if (device_index < 0 || device_index >= count)
    return InvalidArgument("cuda:" + std::to_string(device_index) + " does not exist: this machine has " +
                           std::to_string(count) + " CUDA device(s), cuda:0..cuda:" + std::to_string(count - 1));
  device_ = device_index;
  cudaGetLastError();  // errors of earlier, unrelated calls on this thread are not ours
  CUDA_RETURN_IF_ERROR(cudaSetDevice(device_));
  CUDA_RETURN_IF_ERROR(cudaDeviceGetAttribute(&sm_count_, cudaDevAttrMultiProcessorCount, device_));
  CUDA_RETURN_IF_ERROR(cudaStreamCreateWithFlags(&stream_, cudaStreamNonBlocking));
  CUDA_RETURN_IF_ERROR(cudaDeviceGetDefaultMemPool(&pool_, device_));
  uint64_t keep = UINT64_MAX;  // keep freed blocks in the pool for reuse
  CUDA_RETURN_IF_ERROR(cudaMemPoolSetAttribute(pool_, cudaMemPoolAttrReleaseThreshold, &keep));
  CUDA_RETURN_IF_ERROR(cudaMallocHost(&pinned_, kPinnedBytes));
  for (cudaEvent_t& e : pinned_free_) {
    CUDA_RETURN_IF_ERROR(cudaEventCreateWithFlags(&e, cudaEventDisableTiming));
    CUDA_RETURN_IF_ERROR(cudaEventRecord(e, stream_));
  }
  CUBLAS_RETURN_IF_ERROR(cublasCreate(&cublas_));
  CUBLAS_RETURN_IF_ERROR(cublasSetStream(cublas_, stream_));
  // A fixed workspace keeps cuBLAS from allocating during graph capture.
  CUDA_RETURN_IF_ERROR(cudaMalloc(&cublas_ws_, kCublasWorkspaceBytes));
  CUBLAS_RETURN_IF_ERROR(cublasSetWorkspace(cublas_, cublas_ws_, kCublasWorkspaceBytes));
  CUDA_RETURN_IF_ERROR(cudaMalloc(&argmax_scratch_, kernels::ArgMaxScratchBytes(kArgMaxRows)));
  CUDA_RETURN_IF_ERROR(cudaMemsetAsync(argmax_scratch_, 0, kernels::ArgMaxScratchBytes(kArgMaxRows), stream_));
  if (const char* g = std::getenv("ENCLAVE_CUDA_GRAPHS")) graphs_enabled_ = std::strcmp(g, "0") != 0;
  return Status::Ok();
}

CudaBackend::~CudaBackend() {
  pending_add_.active = pending_rope_.active = pending_store_.active = false;
  if (stream_) cudaStreamSynchronize(stream_);
  DropGraphs();
  for (auto& [p, bytes] : sizes_) cudaFreeAsync(p, stream_);  // scratch buffers included
  if (stream_) cudaStreamSynchronize(stream_);
  if (cublas_) cublasDestroy(cublas_);
  if (cublas_ws_) cudaFree(cublas_ws_);
  if (argmax_scratch_) cudaFree(argmax_scratch_);
  for (cudaEvent_t e : pinned_free_)
    if (e) cudaEventDestroy(e);
  if (pinned_) cudaFreeHost(pinned_);
  if (stream_) cudaStreamDestroy(stream_);
  cudaGetLastError();  // leave no stale error for the next backend on this thread
}

void CudaBackend::Fail(Status s) {
  if (status_.ok() && !s.ok()) status_ = std::move(s);
}

void CudaBackend::CheckLaunch(const char* op) {
  const cudaError_t err = cudaGetLastError();
  if (err != cudaSuccess) Fail(CudaStatus(err, op));
}

// ---- memory -------------------------------------------------------------------------------------

Expected<void*> CudaBackend::DeviceAlloc(size_t bytes, const char* what) {
  size_t free_bytes = 0, total_bytes = 0;
  CUDA_RETURN_IF_ERROR(cudaMemGetInfo(&free_bytes, &total_bytes));
  uint64_t reserved = 0, used = 0;
  cudaMemPoolGetAttribute(pool_, cudaMemPoolAttrReservedMemCurrent, &reserved);
  cudaMemPoolGetAttribute(pool_, cudaMemPoolAttrUsedMemCurrent, &used);
  const size_t available = free_bytes + (reserved > used ? reserved - used : 0);
  if (bytes > available)
    return InsufficientMemory("needs " + GiB(static_cast<double>(bytes)) + " of VRAM for " + what + ", " +
                              GiB(static_cast<double>(available)) + " free on " + name() +
                              ": try a smaller quantisation (Q4_K_M), a shorter context, or --device cpu");
  void* p = nullptr;
  const cudaError_t err = cudaMallocAsync(&p, std::max<size_t>(bytes, 256), stream_);
  if (err != cudaSuccess) {
    cudaGetLastError();
    return CudaStatus(err, what);
  }
  sizes_[p] = bytes;
  allocated_ += static_cast<int64_t>(bytes);
  return p;
}

void CudaBackend::DeviceFree(void* p) {
  auto it = sizes_.find(p);
  if (it == sizes_.end()) return;
  allocated_ -= static_cast<int64_t>(it->second);
  sizes_.erase(it);
  cudaFreeAsync(p, stream_);
}

Expected<void*> CudaBackend::Scratch(void*& buffer, size_t& capacity, size_t bytes, const char* what) {
  if (bytes <= capacity && buffer) return buffer;
  if (mode_ == StepMode::kCapture || mode_ == StepMode::kReplay) {
    NoteImpure("scratch growth");
    return InternalError(std::string("scratch for ") + what + " grew inside a captured step");
  }
  DropGraphs();  // an eager step may grow scratch: its next run is captured with the new buffer
  if (buffer) DeviceFree(buffer);
  buffer = nullptr;
  capacity = 0;
  const size_t grown = std::max(bytes, capacity * 2);
  ENCLAVE_ASSIGN_OR_RETURN(buffer, DeviceAlloc(grown, what));
  capacity = grown;
  return buffer;
}

Expected<Tensor> CudaBackend::Alloc(DType type, Shape ne, const char* name) {
  NoteImpure("Alloc");
  q8_x_ = nullptr;
  if (ne[0] % Info(type).block_size != 0)
    return InvalidArgument(std::string(name) + ": row of " + std::to_string(ne[0]) +
                           " elements is not a whole number of " + std::string(Name(type)) + " blocks");
  Tensor t;
  t.type = type;
  t.ne = ne;
  t.name = name;
  ENCLAVE_ASSIGN_OR_RETURN(t.data, DeviceAlloc(t.nbytes(), name));
  return t;
}

Expected<Tensor> CudaBackend::UploadWeight(const TensorView& view) {
  NoteImpure("UploadWeight");
  const DTypeInfo& info = Info(view.type);
  if (!info.supported || !(kernels::IsMatrixType(view.type) || view.type == DType::I32))
    return Unsupported(view.name + ": tensor type " + std::string(info.name) +
                       " is not supported by the CUDA backend (F32, F16, BF16, Q8_0, Q4_0, Q4_K, Q6_K are)");
  if (view.ne[0] % info.block_size != 0)
    return BadInput(view.name + ": row length " + std::to_string(view.ne[0]) + " is not a multiple of the " +
                    std::string(info.name) + " block size");
  const size_t row_bytes = RowBytes(view.type, view.ne[0]);
  const int64_t rows = view.rows();
  if (view.nbytes != row_bytes * static_cast<size_t>(rows))
    return BadInput(view.name + ": " + std::to_string(view.nbytes) + " bytes, expected " +
                    std::to_string(row_bytes * rows));
  if (row_bytes > kPinnedHalf) return Unsupported(view.name + ": a row larger than 32 MiB");
  Tensor t;
  t.type = view.type;
  t.ne = view.ne;
  t.name = names_.emplace_back(view.name).c_str();
  ENCLAVE_ASSIGN_OR_RETURN(t.data, DeviceAlloc(view.nbytes, view.name.c_str()));
  // Stream through the two pinned halves: repack rows into one while the other is copied.
  const bool repack = kernels::IsRepacked(view.type);
  const int64_t rows_per_chunk = static_cast<int64_t>(kPinnedHalf / row_bytes);
  const auto* src = static_cast<const uint8_t*>(view.data);
  auto* dst = static_cast<uint8_t*>(t.data);
  int half = 0;
  for (int64_t r = 0; r < rows; r += rows_per_chunk, half ^= 1) {
    const int64_t n = std::min(rows_per_chunk, rows - r);
    Status st = CudaStatus(cudaEventSynchronize(pinned_free_[half]), "upload");
    auto* stage = static_cast<uint8_t*>(pinned_) + half * kPinnedHalf;
    if (st.ok()) {
      if (repack) {
        for (int64_t i = 0; i < n; ++i)
          kernels::RepackRowForDevice(view.type, src + (r + i) * row_bytes, stage + i * row_bytes, view.ne[0]);
      } else {
        std::memcpy(stage, src + r * row_bytes, n * row_bytes);
      }
      st = CudaStatus(cudaMemcpyAsync(dst + r * row_bytes, stage, n * row_bytes, cudaMemcpyHostToDevice, stream_),
                      "upload");
    }
    if (st.ok()) st = CudaStatus(cudaEventRecord(pinned_free_[half], stream_), "upload");
    if (!st.ok()) {
      DeviceFree(t.data);
      return st.WithContext(view.name);
    }
  }
  return t;
}

void CudaBackend::Free(Tensor& t) {
  if (!t.data) return;
  FlushPending();
  NoteImpure("Free");
  DropGraphs();
  DeviceFree(t.data);
  t.data = nullptr;
}

Status CudaBackend::Upload(Tensor& dst, const void* src, size_t bytes, size_t offset) {
  FlushPending();
  NoteImpure("Upload");
  q8_x_ = nullptr;  // the int8 copy of an activation may be stale now
  if (offset + bytes > dst.nbytes())
    return InvalidArgument(std::string("Upload to ") + dst.name + ": " + std::to_string(offset + bytes) +
                           " bytes past a tensor of " + std::to_string(dst.nbytes()));
  const auto* s = static_cast<const uint8_t*>(src);
  auto* d = static_cast<uint8_t*>(dst.data) + offset;
  int& half = upload_half_;
  for (size_t done = 0; done < bytes; half ^= 1) {
    const size_t n = std::min(kPinnedHalf, bytes - done);
    CUDA_RETURN_IF_ERROR(cudaEventSynchronize(pinned_free_[half]));
    auto* stage = static_cast<uint8_t*>(pinned_) + half * kPinnedHalf;
    std::memcpy(stage, s + done, n);
    CUDA_RETURN_IF_ERROR(cudaMemcpyAsync(d + done, stage, n, cudaMemcpyHostToDevice, stream_));
    CUDA_RETURN_IF_ERROR(cudaEventRecord(pinned_free_[half], stream_));
    done += n;
  }
  return status_;
}

Status CudaBackend::Download(const Tensor& src, void* dst, size_t bytes, size_t offset) {
  FlushPending();
  NoteImpure("Download");
  if (offset + bytes > src.nbytes())
    return InvalidArgument(std::string("Download from ") + src.name + ": " + std::to_string(offset + bytes) +
                           " bytes past a tensor of " + std::to_string(src.nbytes()));
  const auto* s = static_cast<const uint8_t*>(src.data) + offset;
  auto* d = static_cast<uint8_t*>(dst);
  for (size_t done = 0; done < bytes;) {
    const size_t n = std::min(kPinnedHalf, bytes - done);
    CUDA_RETURN_IF_ERROR(cudaEventSynchronize(pinned_free_[0]));
    CUDA_RETURN_IF_ERROR(cudaMemcpyAsync(pinned_, s + done, n, cudaMemcpyDeviceToHost, stream_));
    const cudaError_t err = cudaStreamSynchronize(stream_);
    if (err != cudaSuccess) Fail(CudaStatus(err, "Download"));
    ENCLAVE_RETURN_IF_ERROR(status_);
    std::memcpy(d + done, pinned_, n);
    done += n;
  }
  return status_;
}

Status CudaBackend::Synchronize() {
  FlushPending();
  NoteImpure("Synchronize");
  const cudaError_t err = cudaStreamSynchronize(stream_);
  if (err != cudaSuccess) Fail(CudaStatus(err, "Synchronize"));
  return status_;
}

BackendMemory CudaBackend::Memory() const {
  BackendMemory m;
  size_t free_bytes = 0, total_bytes = 0;
  if (cudaMemGetInfo(&free_bytes, &total_bytes) == cudaSuccess) {
    m.total_bytes = static_cast<int64_t>(total_bytes);
    m.free_bytes = static_cast<int64_t>(free_bytes);
  }
  m.allocated_by_backend = allocated_ + static_cast<int64_t>(kCublasWorkspaceBytes);
  return m;
}

// ---- step graphs --------------------------------------------------------------------------------

void CudaBackend::DropGraphs() {
  for (auto& [key, g] : graphs_) {
    if (g.exec) cudaGraphExecDestroy(g.exec);
    g.exec = nullptr;
    g.eager_runs = 0;
  }
}

void CudaBackend::NoteImpure(const char* what) {
  switch (mode_) {
    case StepMode::kNone:
      return;
    case StepMode::kEager:
      graphs_[step_key_].pure = false;
      return;
    case StepMode::kCapture: {
      cudaGraph_t graph = nullptr;
      cudaStreamEndCapture(stream_, &graph);
      if (graph) cudaGraphDestroy(graph);
      cudaGetLastError();
      break;
    }
    case StepMode::kReplay:
      break;
  }
  graphs_[step_key_].pure = false;
  mode_ = StepMode::kEager;
  Fail(InternalError(std::string("a captured step changed between calls (") + what +
                     " inside it); run with ENCLAVE_CUDA_GRAPHS=0"));
}

void CudaBackend::BeginStep(int64_t step_key) {
  FlushPending();
  if (mode_ != StepMode::kNone || !status_.ok()) return;
  step_key_ = step_key;
  if (!graphs_enabled_) {
    mode_ = StepMode::kEager;
    return;
  }
  StepGraph& g = graphs_[step_key];
  if (g.exec) {
    mode_ = StepMode::kReplay;
  } else if (g.pure && g.eager_runs >= 1) {
    const cudaError_t err = cudaStreamBeginCapture(stream_, cudaStreamCaptureModeThreadLocal);
    if (err != cudaSuccess) {
      Fail(CudaStatus(err, "graph capture"));
      mode_ = StepMode::kEager;
      return;
    }
    mode_ = StepMode::kCapture;
  } else {
    mode_ = StepMode::kEager;
  }
}

void CudaBackend::EndStep() {
  FlushPending();
  const StepMode mode = mode_;
  mode_ = StepMode::kNone;
  if (mode == StepMode::kNone || !graphs_enabled_) return;
  StepGraph& g = graphs_[step_key_];
  if (mode == StepMode::kEager) {
    ++g.eager_runs;
    return;
  }
  if (mode == StepMode::kCapture) {
    cudaGraph_t graph = nullptr;
    cudaError_t err = cudaStreamEndCapture(stream_, &graph);
    if (err == cudaSuccess) err = cudaGraphInstantiate(&g.exec, graph, 0);
    if (graph) cudaGraphDestroy(graph);
    if (err != cudaSuccess) {
      cudaGetLastError();
      g.exec = nullptr;
      Fail(CudaStatus(err, "graph capture"));
      return;
    }
  }
  if (!status_.ok()) return;
  const cudaError_t err = cudaGraphLaunch(g.exec, stream_);
  if (err != cudaSuccess) Fail(CudaStatus(err, "graph launch"));
}

}  // namespace cuda
}  // namespace enclave
