// The tiny test models on the CUDA backend against golden.json (Hugging Face transformers,
// float32): every prefill position's logits and 24 greedy tokens. f32 KV cache: logits to 1e-3
// and greedy ids exact; f16 KV cache: logits to 2e-2.
#include <cstdio>
#include <fstream>

#include <nlohmann/json.hpp>

#include "check.h"
#include "model/model.h"
#include "runtime/session.h"
#include "testdata.h"

using namespace enclave;
using namespace enclave::testing;

namespace {

void RunModel(const char* name, DType kv_type, double logit_tol, bool check_greedy) {
  bool have_gpu = false;
  for (const DeviceInfo& d : ListDevices()) have_gpu |= d.id.rfind("cuda:", 0) == 0;
  if (!have_gpu) SKIP("no CUDA device");
  const auto dir = TestDataDir() / "models" / name;
  std::ifstream f(dir / "golden.json");
  if (!f) SKIP(std::string("no test model at ") + dir.string());
  const nlohmann::json golden = nlohmann::json::parse(f);
  const std::vector<int32_t> ids = golden["input_ids"].get<std::vector<int32_t>>();

  LoadOptions lo;
  lo.device = "cuda";
  lo.kv_type = kv_type;
  auto model = LoadModel(dir.string(), lo);
  if (!model.ok()) std::printf("  load %s: %s\n", name, model.status().message().c_str());
  CHECK(model.ok());
  if (!model.ok()) return;
  SessionOptions so;
  so.kv_type = kv_type;
  so.context = 128;
  auto session = Session::Create(**model, so);
  CHECK(session.ok());
  if (!session.ok()) return;

  auto logits = (*session)->Evaluate(ids, /*all_logits=*/true);
  CHECK(logits.ok());
  if (!logits.ok()) {
    std::printf("  evaluate: %s\n", logits.status().message().c_str());
    return;
  }
  const auto& ref = golden["prefill_logits"];
  const size_t vocab = ref[0].size();
  CHECK(logits->size() == ids.size() * vocab);
  double max_err = 0;
  for (size_t t = 0; t < ids.size() && logits->size() == ids.size() * vocab; ++t)
    for (size_t v = 0; v < vocab; ++v)
      max_err = std::max(max_err, std::fabs(static_cast<double>((*logits)[t * vocab + v]) - ref[t][v].get<double>()));
  std::printf("  %s kv %s: prefill logits max abs error %.2e (tol %.0e)\n", name, std::string(Name(kv_type)).c_str(),
              max_err, logit_tol);
  CHECK(max_err <= logit_tol);

  if (!check_greedy) return;
  (*session)->Reset();
  GenerateOptions go;
  go.max_tokens = static_cast<int64_t>(golden["greedy_next_ids"].size());
  go.ignore_eos = true;
  auto result = (*session)->Generate(ids, go);
  CHECK(result.ok());
  if (!result.ok()) return;
  const std::vector<int32_t> want = golden["greedy_next_ids"].get<std::vector<int32_t>>();
  std::printf("  %s greedy: %zu ids, %s\n", name, result->ids.size(), result->ids == want ? "match" : "DIFFER");
  CHECK(result->ids == want);
}

}  // namespace

TEST_CASE(TinyQwen2F32) { RunModel("tiny-qwen2", DType::F32, 1e-3, true); }
TEST_CASE(TinyLlama3F32) { RunModel("tiny-llama3", DType::F32, 1e-3, true); }
TEST_CASE(TinyQwen2F16Cache) { RunModel("tiny-qwen2", DType::F16, 2e-2, false); }
TEST_CASE(TinyLlama3F16Cache) { RunModel("tiny-llama3", DType::F16, 2e-2, false); }

ENCLAVE_TEST_MAIN()
