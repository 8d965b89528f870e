// Our dequantisation against ggml's own: data/ggml_dequant_reference.json holds random blocks
// and the values the `gguf` Python package (llama.cpp's reference) decodes them to (written by
// make_ggml_reference.py). Equal bit for bit, and MatMul against those values agrees too.
#include <QtTest>

#include <cmath>
#include <fstream>
#include <nlohmann/json.hpp>

#include "backend_test_util.h"

using namespace enclave;
using namespace enclave::testing;

namespace {

std::vector<uint8_t> FromHex(const std::string& hex) {
  std::vector<uint8_t> bytes(hex.size() / 2);
  for (size_t i = 0; i < bytes.size(); ++i) bytes[i] = static_cast<uint8_t>(std::stoi(hex.substr(2 * i, 2), nullptr, 16));
  return bytes;
}

}  // namespace

class TestGgmlReference : public QObject {
  Q_OBJECT
 private slots:
  void initTestCase() {
    const std::string path = std::string(ENCLAVE_BACKEND_TEST_DATA) + "/ggml_dequant_reference.json";
    std::ifstream in(path);
    QVERIFY2(in.good(), ("cannot open " + path).c_str());
    reference_ = nlohmann::json::parse(in);
    QVERIFY(reference_["cases"].size() == 4);
  }

  void dequantizeMatchesGgml() {
    for (const auto& c : reference_["cases"]) {
      const std::optional<DType> type = DTypeFromName(c["type"].get<std::string>());
      QVERIFY(type.has_value());
      const std::vector<uint8_t> blocks = FromHex(c["blocks_hex"]);
      const int64_t n = static_cast<int64_t>(c["values"].size());
      QCOMPARE(RowBytes(*type, n), blocks.size());
      std::vector<float> got(static_cast<size_t>(n));
      DequantizeRow(*type, blocks.data(), got.data(), n);
      for (int64_t i = 0; i < n; ++i) {
        const float want = static_cast<float>(std::stod(c["values"][i].get<std::string>()));
        if (got[i] != want)
          QFAIL(qPrintable(QString("%1 element %2: %3, ggml %4").arg(Name(*type).data()).arg(i).arg(got[i]).arg(want)));
      }
    }
  }

  // The dot-product kernels (integer sums, scales applied per block) agree with ggml's values.
  void matMulMatchesGgmlValues() {
    for (const BackendConfig& config : AllConfigs()) {
      auto backend = MakeBackend(config.options);
      for (const auto& c : reference_["cases"]) {
        const DType type = *DTypeFromName(c["type"].get<std::string>());
        const std::vector<uint8_t> blocks = FromHex(c["blocks_hex"]);
        const int64_t K = Info(type).block_size == 256 ? 256 : 32;
        const int64_t M = static_cast<int64_t>(c["values"].size()) / K;
        const std::vector<float> x = RandomVector(K, 5);
        Tensor w = MakeTensor(*backend, type, {K, M, 1, 1}, blocks.data(), "w");
        Tensor xt = F32Tensor(*backend, x, {K, 1, 1, 1});
        Tensor out = MakeTensor(*backend, DType::F32, {M, 1, 1, 1}, nullptr);
        backend->MatMul(out, w, xt);
        const std::vector<float> y = ReadF32(*backend, out);
        for (int64_t m = 0; m < M; ++m) {
          double ref = 0, abs_sum = 0, amax = 0;
          for (int64_t k = 0; k < K; ++k) {
            const double wv = std::stod(c["values"][m * K + k].get<std::string>());
            ref += wv * x[k];
            abs_sum += std::fabs(wv);
            amax = std::max(amax, double(std::fabs(x[k])));
          }
          // Worst case of 8-bit activations: half a step (max|x| / 127) per weight magnitude.
          // Q8_0 weights take F32 activations: only float rounding is left.
          const double tol = type == DType::Q8_0 ? abs_sum * amax * 1e-5 + 1e-6 : abs_sum * amax / 127 * 0.51 + 1e-5;
          QVERIFY2(std::fabs(y[m] - ref) <= tol, qPrintable(QString("%1 %2 row %3: %4 vs %5")
                                                                 .arg(config.label.c_str(), Name(type).data())
                                                                 .arg(m).arg(y[m]).arg(ref)));
        }
      }
    }
  }

 private:
  nlohmann::json reference_;
};

QTEST_APPLESS_MAIN(TestGgmlReference)
#include "test_ggml_reference.moc"
