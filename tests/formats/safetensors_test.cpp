// SafetensorsFile and SafetensorsModel: valid files (synthetic and the real test models) map
// without copying; every malformed header gives an error that names the problem and the tensor.
#include <QtTest>

#include <cstring>
#include <filesystem>
#include <fstream>
#include <random>

#include <nlohmann/json.hpp>

#include "formats/safetensors.h"
#include "testdata.h"

using namespace enclave;
using json = nlohmann::json;
namespace fs = std::filesystem;

namespace {

// u64 header length + header text + data.
std::vector<uint8_t> Bytes(const std::string& header, const std::string& data) {
  const uint64_t n = header.size();
  std::string out(reinterpret_cast<const char*>(&n), 8);
  out += header + data;
  return std::vector<uint8_t>(out.begin(), out.end());
}

std::string Pattern(size_t n) {
  std::string s(n, '\0');
  for (size_t i = 0; i < n; ++i) s[i] = static_cast<char>(i * 13 + 5);
  return s;
}

// A valid file: "w" F32 [2, 3] (24 bytes), "h" F16 [4] (8), "b" BF16 [2, 2, 2] (16), metadata.
json ValidHeader() {
  return {
      {"__metadata__", {{"format", "pt"}, {"note", "x"}}},
      {"w", {{"dtype", "F32"}, {"shape", {2, 3}}, {"data_offsets", {0, 24}}}},
      {"h", {{"dtype", "F16"}, {"shape", {4}}, {"data_offsets", {24, 32}}}},
      {"b", {{"dtype", "BF16"}, {"shape", {2, 2, 2}}, {"data_offsets", {32, 48}}}},
  };
}
constexpr size_t kValidDataBytes = 48;

std::vector<uint8_t> ValidBytes() { return Bytes(ValidHeader().dump(), Pattern(kValidDataBytes)); }

Status ParseError(const std::vector<uint8_t>& bytes) {
  auto file = SafetensorsFile::ParseBytes(bytes.data(), bytes.size());
  return file.ok() ? Status::Ok() : file.status();
}

void ExpectError(const std::vector<uint8_t>& bytes, std::initializer_list<const char*> fragments,
                 ErrorCode code = ErrorCode::kBadInput) {
  const Status st = ParseError(bytes);
  QVERIFY2(!st.ok(), "a malformed file parsed without error");
  for (const char* fragment : fragments)
    QVERIFY2(st.message().find(fragment) != std::string::npos,
             qPrintable(QString("message \"%1\" lacks \"%2\"").arg(QString::fromStdString(st.message()), fragment)));
  QCOMPARE(static_cast<int>(st.code()), static_cast<int>(code));
}

void ExpectError(const json& header, std::initializer_list<const char*> fragments,
                 ErrorCode code = ErrorCode::kBadInput) {
  ExpectError(Bytes(header.dump(), Pattern(kValidDataBytes)), fragments, code);
}

void WriteFile(const fs::path& path, const std::vector<uint8_t>& bytes) {
  std::ofstream out(path, std::ios::binary);
  out.write(reinterpret_cast<const char*>(bytes.data()), static_cast<std::streamsize>(bytes.size()));
}

// Writes the given tensors as one safetensors file (row-major shapes, data in order).
std::vector<uint8_t> Serialize(const std::vector<const TensorView*>& tensors) {
  json header = json::object();
  std::string data;
  for (const TensorView* t : tensors) {
    json shape = json::array();
    for (int d = t->n_dims - 1; d >= 0; --d) shape.push_back(t->ne[d]);
    header[t->name] = {{"dtype", "F32"}, {"shape", shape}, {"data_offsets", {data.size(), data.size() + t->nbytes}}};
    data.append(static_cast<const char*>(t->data), t->nbytes);
  }
  return Bytes(header.dump(), data);
}

std::vector<fs::path> TestModelFiles() {
  std::vector<fs::path> files;
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(enclave::testing::TestDataDir() / "models", ec))
    if (fs::exists(entry.path() / "model.safetensors")) files.push_back(entry.path() / "model.safetensors");
  std::sort(files.begin(), files.end());
  return files;
}

}  // namespace

class SafetensorsTest : public QObject {
  Q_OBJECT

 private:
  QTemporaryDir dir_;

 private slots:
  void initTestCase() { QVERIFY(dir_.isValid()); }

  void validFileParses() {
    const std::vector<uint8_t> bytes = ValidBytes();
    auto parsed = SafetensorsFile::ParseBytes(bytes.data(), bytes.size());
    QVERIFY2(parsed.ok(), parsed.status().message().c_str());
    const SafetensorsFile& file = *parsed.value();
    QCOMPARE(file.tensors().size(), size_t{3});
    // Data order, not name order.
    QCOMPARE(file.tensors()[0].name, std::string("w"));
    QCOMPARE(file.tensors()[1].name, std::string("h"));
    QCOMPARE(file.tensors()[2].name, std::string("b"));
    const size_t data_begin = bytes.size() - kValidDataBytes;
    const TensorView* w = file.Find("w");
    QVERIFY(w != nullptr);
    QCOMPARE(w->type, DType::F32);
    QCOMPARE(w->ne, (Shape{3, 2, 1, 1}));  // row-major [2, 3] is ggml ne {3, 2}
    QCOMPARE(w->n_dims, 2);
    QCOMPARE(w->nbytes, size_t{24});
    QCOMPARE(static_cast<const uint8_t*>(w->data), bytes.data() + data_begin);
    const TensorView* h = file.Find("h");
    QCOMPARE(h->type, DType::F16);
    QCOMPARE(h->ne, (Shape{4, 1, 1, 1}));
    QCOMPARE(h->n_dims, 1);
    QCOMPARE(static_cast<const uint8_t*>(h->data), bytes.data() + data_begin + 24);
    const TensorView* b = file.Find("b");
    QCOMPARE(b->type, DType::BF16);
    QCOMPARE(b->ne, (Shape{2, 2, 2, 1}));
    QCOMPARE(b->n_dims, 3);
    QCOMPARE(b->nbytes, size_t{16});
    QVERIFY(file.Find("absent") == nullptr);
    QCOMPARE(file.metadata().size(), size_t{2});
    QCOMPARE(file.metadata().at("format"), std::string("pt"));
  }

  void otherAcceptedTypesScalarsAndEmptyTensors() {
    const json header = {
        {"ids", {{"dtype", "I64"}, {"shape", {1, 3}}, {"data_offsets", {0, 24}}}},
        {"mask", {{"dtype", "I32"}, {"shape", {2}}, {"data_offsets", {24, 32}}}},
        {"scale", {{"dtype", "F32"}, {"shape", json::array()}, {"data_offsets", {32, 36}}}},
        {"empty", {{"dtype", "F16"}, {"shape", {0, 5}}, {"data_offsets", {36, 36}}}},
        {"big", {{"dtype", "F64"}, {"shape", {1, 1, 1, 1}}, {"data_offsets", {36, 44}}}},
    };
    const std::vector<uint8_t> bytes = Bytes(header.dump(), Pattern(44));
    auto file = SafetensorsFile::ParseBytes(bytes.data(), bytes.size());
    QVERIFY2(file.ok(), file.status().message().c_str());
    QCOMPARE(file.value()->Find("ids")->type, DType::I64);
    QCOMPARE(file.value()->Find("mask")->type, DType::I32);
    const TensorView* scale = file.value()->Find("scale");
    QCOMPARE(scale->n_dims, 0);
    QCOMPARE(scale->ne, (Shape{1, 1, 1, 1}));
    QCOMPARE(scale->nbytes, size_t{4});
    const TensorView* empty = file.value()->Find("empty");
    QCOMPARE(empty->ne, (Shape{5, 0, 1, 1}));
    QCOMPARE(empty->nbytes, size_t{0});
    QCOMPARE(file.value()->Find("big")->n_dims, 4);
    QVERIFY(file.value()->metadata().empty());
  }

  void tooShort() {
    ExpectError(std::vector<uint8_t>{1, 2, 3}, {"too short", "8-byte header length"});
    QVERIFY(!SafetensorsFile::ParseBytes(nullptr, 0).ok());
  }

  void headerLengthPastEnd() {
    std::vector<uint8_t> bytes = ValidBytes();
    const uint64_t huge = uint64_t{1} << 50;
    std::memcpy(bytes.data(), &huge, 8);
    ExpectError(bytes, {"header length 1125899906842624", "past the end of the file"});
    const uint64_t off_by_one = bytes.size() - 7;
    std::memcpy(bytes.data(), &off_by_one, 8);
    ExpectError(bytes, {"past the end of the file"});
  }

  void invalidJson() {
    ExpectError(Bytes("{\"w\": {\"dtype\": \"F32\",", ""), {"not valid JSON"});
    ExpectError(Bytes("\xff\xfe garbage", ""), {"not valid JSON"});
    ExpectError(Bytes("[1, 2]", ""), {"not an object"});
    ExpectError(Bytes(std::string(100000, '[') + std::string(100000, ']'), ""), {"nests deeper"});
  }

  void duplicateTensorName() {
    const std::string header =
        R"({"w": {"dtype": "F32", "shape": [1], "data_offsets": [0, 4]},)"
        R"( "w": {"dtype": "F32", "shape": [1], "data_offsets": [4, 8]}})";
    ExpectError(Bytes(header, Pattern(8)), {"duplicate tensor name 'w'"});
  }

  void missingFields() {
    for (const char* field : {"dtype", "shape", "data_offsets"}) {
      json header = ValidHeader();
      header["h"].erase(field);
      ExpectError(header, {"tensor 'h'", "missing", field});
    }
    json header = ValidHeader();
    header["h"] = "F16";
    ExpectError(header, {"tensor 'h'", "not an object"});
  }

  void unsupportedDtype() {
    for (const char* dtype : {"U8", "BOOL", "F8_E4M3", "Q4"}) {
      json header = ValidHeader();
      header["h"]["dtype"] = dtype;
      ExpectError(header, {"tensor 'h'", dtype, "does not read"}, ErrorCode::kUnsupported);
    }
    json header = ValidHeader();
    header["h"]["dtype"] = 5;
    ExpectError(header, {"tensor 'h'", "\"dtype\" is not a string"});
  }

  void badShapes() {
    json header = ValidHeader();
    header["w"]["shape"] = "2x3";
    ExpectError(header, {"tensor 'w'", "\"shape\" is not an array"});
    header["w"]["shape"] = {2, -3};
    ExpectError(header, {"tensor 'w'", "shape entry 1 (-3)", "not a non-negative integer"});
    header["w"]["shape"] = {2, 3.5};
    ExpectError(header, {"tensor 'w'", "shape entry 1 (3.5)"});
    header["w"]["shape"] = {1, 1, 1, 2, 3};
    ExpectError(header, {"tensor 'w'", "5 dimensions"}, ErrorCode::kUnsupported);
    header["w"]["shape"] = {uint64_t{1} << 40, uint64_t{1} << 40};
    ExpectError(header, {"tensor 'w'", "element count", "overflows"});
    header["w"]["shape"] = {uint64_t{1} << 62, 2};
    ExpectError(header, {"tensor 'w'", "byte size", "overflows"});
    header["w"]["shape"] = {uint64_t{1} << 20, uint64_t{1} << 20};  // 4 TiB: fits 64 bits, not the file
    ExpectError(header, {"tensor 'w'", "hold 24 bytes", "needs 4398046511104"});
  }

  void badDataOffsets() {
    json header = ValidHeader();
    header["h"]["data_offsets"] = {24};
    ExpectError(header, {"tensor 'h'", "not a pair"});
    header["h"]["data_offsets"] = {24, -32};
    ExpectError(header, {"tensor 'h'", "not a pair"});
    header["h"]["data_offsets"] = {32, 24};
    ExpectError(header, {"tensor 'h'", "[32, 24]", "end before they begin"});
    header["h"]["data_offsets"] = {44, 52};
    ExpectError(header, {"tensor 'h'", "[44, 52]", "past the end of the data section (48 bytes)"});
    header["h"]["data_offsets"] = {24, 30};
    ExpectError(header, {"tensor 'h'", "hold 6 bytes", "shape [4] of F16 needs 8"});
    header["h"]["data_offsets"] = {~uint64_t{0} - 1, ~uint64_t{0}};
    ExpectError(header, {"tensor 'h'", "past the end of the data section"});
  }

  void overlappingTensors() {
    json header = ValidHeader();
    header["h"]["data_offsets"] = {16, 24};
    ExpectError(header, {"'w'", "'h'", "overlap"});
    header = ValidHeader();
    header["b"]["data_offsets"] = {0, 16};
    ExpectError(header, {"'b'", "'w'", "overlap"});
  }

  void badMetadata() {
    json header = ValidHeader();
    header["__metadata__"] = {1, 2};
    ExpectError(header, {"__metadata__ is not an object"});
    header["__metadata__"] = {{"format", 3}};
    ExpectError(header, {"__metadata__ value of 'format' is not a string"});
  }

  void truncatedAtEveryByte() {
    const std::vector<uint8_t> bytes = ValidBytes();
    for (size_t n = 0; n < bytes.size(); ++n) {
      const std::vector<uint8_t> prefix(bytes.begin(), bytes.begin() + static_cast<ptrdiff_t>(n));
      const Status st = ParseError(prefix);
      QVERIFY2(!st.ok(), qPrintable(QString("a %1-byte prefix parsed").arg(n)));
    }
  }

  void randomByteFlips() {
    const std::vector<uint8_t> valid = ValidBytes();
    std::mt19937 rng(99);
    int failures = 0;
    for (int iteration = 0; iteration < 5000; ++iteration) {
      std::vector<uint8_t> bytes = valid;
      const int flips = 1 + static_cast<int>(rng() % 3);
      for (int f = 0; f < flips; ++f) bytes[rng() % bytes.size()] = static_cast<uint8_t>(rng());
      auto file = SafetensorsFile::ParseBytes(bytes.data(), bytes.size());
      if (!file.ok()) {
        ++failures;
        continue;
      }
      for (const TensorView& v : file.value()->tensors()) {
        const auto* p = static_cast<const uint8_t*>(v.data);
        QVERIFY(p >= bytes.data() && p + v.nbytes <= bytes.data() + bytes.size());
      }
    }
    QVERIFY(failures > 0);
  }

  // The real test models: every tensor as an independent reading of the header describes it.
  void testModels_data() {
    QTest::addColumn<QString>("path");
    const auto files = TestModelFiles();
    if (files.empty()) QSKIP("no models/*/model.safetensors in the test data folder");
    for (const fs::path& p : files)
      QTest::newRow(p.parent_path().filename().c_str()) << QString::fromStdString(p.string());
  }

  void testModels() {
    QFETCH(QString, path);
    auto opened = SafetensorsFile::Open(path.toStdString());
    QVERIFY2(opened.ok(), opened.status().message().c_str());
    const SafetensorsFile& file = *opened.value();

    std::ifstream in(path.toStdString(), std::ios::binary);
    uint64_t header_length = 0;
    in.read(reinterpret_cast<char*>(&header_length), 8);
    std::string header_text(header_length, '\0');
    in.read(header_text.data(), static_cast<std::streamsize>(header_length));
    const json header = json::parse(header_text);
    const uint8_t* data_begin = file.mapped_file()->data() + 8 + header_length;

    size_t tensor_count = 0;
    for (const auto& [name, entry] : header.items()) {
      if (name == "__metadata__") {
        QCOMPARE(file.metadata().size(), entry.size());
        for (const auto& [key, value] : entry.items()) QCOMPARE(file.metadata().at(key), value.get<std::string>());
        continue;
      }
      ++tensor_count;
      const TensorView* view = file.Find(name);
      QVERIFY2(view != nullptr, name.c_str());
      const std::optional<DType> dtype = DTypeFromName(entry["dtype"].get<std::string>());
      QVERIFY(dtype.has_value());
      QCOMPARE(view->type, *dtype);
      const auto shape = entry["shape"].get<std::vector<int64_t>>();
      QCOMPARE(view->n_dims, static_cast<int>(shape.size()));
      for (size_t d = 0; d < shape.size(); ++d) QCOMPARE(view->ne[shape.size() - 1 - d], shape[d]);
      for (size_t d = shape.size(); d < 4; ++d) QCOMPARE(view->ne[d], int64_t{1});
      const auto offsets = entry["data_offsets"].get<std::vector<size_t>>();
      QCOMPARE(view->nbytes, offsets[1] - offsets[0]);
      QCOMPARE(static_cast<const uint8_t*>(view->data), data_begin + offsets[0]);
    }
    QCOMPARE(file.tensors().size(), tensor_count);
    QVERIFY(tensor_count > 0);

    // The folder opens as a model with the same tensors.
    auto model = SafetensorsModel::Open(fs::path(path.toStdString()).parent_path().string());
    QVERIFY2(model.ok(), model.status().message().c_str());
    QCOMPARE(model.value()->tensors().size(), tensor_count);
    QCOMPARE(model.value()->shards().size(), size_t{1});
    QCOMPARE(model.value()->metadata(), file.metadata());
  }

  // A model split into two shards with an index opens with every tensor, bytes intact.
  void shardedModel() {
    const auto files = TestModelFiles();
    if (files.empty()) QSKIP("no models/*/model.safetensors in the test data folder");
    auto source = SafetensorsFile::Open(files.front().string());
    QVERIFY(source.ok());
    const std::vector<TensorView>& all = source.value()->tensors();
    QVERIFY(all.size() >= 2);
    std::vector<const TensorView*> first, second;
    json weight_map = json::object();
    for (size_t i = 0; i < all.size(); ++i) {
      const bool in_first = i % 2 == 0;
      (in_first ? first : second).push_back(&all[i]);
      weight_map[all[i].name] = in_first ? "model-00001-of-00002.safetensors" : "model-00002-of-00002.safetensors";
    }
    const fs::path dir = dir_.filePath("sharded").toStdString();
    fs::create_directories(dir);
    WriteFile(dir / "model-00001-of-00002.safetensors", Serialize(first));
    WriteFile(dir / "model-00002-of-00002.safetensors", Serialize(second));
    const json index = {{"metadata", {{"total_size", 1234}}}, {"weight_map", weight_map}};
    std::ofstream(dir / "model.safetensors.index.json") << index.dump(2);

    auto model = SafetensorsModel::Open(dir.string());
    QVERIFY2(model.ok(), model.status().message().c_str());
    QCOMPARE(model.value()->shards().size(), size_t{2});
    QCOMPARE(model.value()->tensors().size(), all.size());
    QCOMPARE(model.value()->metadata().at("total_size"), std::string("1234"));
    for (const TensorView& want : all) {
      const TensorView* got = model.value()->Find(want.name);
      QVERIFY2(got != nullptr, want.name.c_str());
      QCOMPARE(got->ne, want.ne);
      QCOMPARE(got->n_dims, want.n_dims);
      QCOMPARE(got->nbytes, want.nbytes);
      QVERIFY(std::memcmp(got->data, want.data, want.nbytes) == 0);
    }
    // The index file itself is accepted as the path too.
    QVERIFY(SafetensorsModel::Open((dir / "model.safetensors.index.json").string()).ok());
  }

  void shardedModelErrors() {
    const fs::path dir = dir_.filePath("bad-shards").toStdString();
    fs::create_directories(dir);
    const json one = {{"a", {{"dtype", "F32"}, {"shape", {1}}, {"data_offsets", {0, 4}}}}};
    WriteFile(dir / "s1.safetensors", Bytes(one.dump(), Pattern(4)));
    const json two = {{"a", {{"dtype", "F32"}, {"shape", {1}}, {"data_offsets", {0, 4}}}},
                      {"c", {{"dtype", "F32"}, {"shape", {1}}, {"data_offsets", {4, 8}}}}};
    WriteFile(dir / "s2.safetensors", Bytes(two.dump(), Pattern(8)));  // "a" again
    const fs::path index = dir / "model.safetensors.index.json";
    auto expect = [&](const json& index_json, const char* fragment, ErrorCode code) {
      std::ofstream(index) << index_json.dump();
      auto model = SafetensorsModel::Open(dir.string());
      QVERIFY2(!model.ok(), fragment);
      QVERIFY2(model.status().message().find(fragment) != std::string::npos, model.status().message().c_str());
      QCOMPARE(static_cast<int>(model.status().code()), static_cast<int>(code));
    };
    expect({{"weight_map", {{"a", "s1.safetensors"}, {"c", "s2.safetensors"}}}},
           "appears in more than one shard", ErrorCode::kBadInput);
    expect({{"weight_map", {{"a", "s1.safetensors"}, {"zz", "s1.safetensors"}}}},
           "lists tensor 'zz' in s1.safetensors, which does not contain it", ErrorCode::kBadInput);
    expect({{"weight_map", {{"a", "missing.safetensors"}}}}, "no such file", ErrorCode::kNotFound);
    expect({{"weight_map", {{"a", "../s1.safetensors"}}}}, "not a file name in the model folder", ErrorCode::kBadInput);
    expect({{"nothing", 1}}, "no \"weight_map\" object", ErrorCode::kBadInput);
    expect({{"weight_map", json::object()}}, "weight_map lists no tensors", ErrorCode::kBadInput);
    std::ofstream(index) << "{ not json";
    QVERIFY(!SafetensorsModel::Open(dir.string()).ok());

    auto empty = SafetensorsModel::Open(dir_.path().toStdString());
    QVERIFY(!empty.ok());
    QCOMPARE(empty.status().code(), ErrorCode::kNotFound);
    QVERIFY(empty.status().message().find("no model.safetensors") != std::string::npos);

    const fs::path pytorch = dir_.filePath("pytorch-only").toStdString();
    fs::create_directories(pytorch);
    std::ofstream(pytorch / "pytorch_model.bin") << "pickle";
    auto bin = SafetensorsModel::Open(pytorch.string());
    QVERIFY(!bin.ok());
    QCOMPARE(bin.status().code(), ErrorCode::kUnsupported);
    QVERIFY(bin.status().message().find("pytorch_model.bin") != std::string::npos);
  }
};

QTEST_APPLESS_MAIN(SafetensorsTest)
#include "safetensors_test.moc"
