// GgufWriter -> GgufFile: every metadata type and several tensor types and alignments come back
// exactly; the real vocab-only files written by llama.cpp's converter read (and re-write) right.
#include <QtTest>

#include <cstring>
#include <filesystem>
#include <fstream>

#include "formats/gguf.h"
#include "gguf_samples.h"
#include "testdata.h"

using namespace enclave;
using namespace enclave::testing;
namespace fs = std::filesystem;

namespace {

std::vector<uint8_t> ReadAll(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  return std::vector<uint8_t>(std::istreambuf_iterator<char>(in), {});
}

std::vector<fs::path> VocabFiles() {
  std::vector<fs::path> files;
  const fs::path dir = enclave::testing::TestDataDir() / "gguf-vocab";
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(dir, ec))
    if (entry.path().extension() == ".gguf") files.push_back(entry.path());
  std::sort(files.begin(), files.end());
  return files;
}

}  // namespace

class GgufRoundTripTest : public QObject {
  Q_OBJECT

 private:
  QTemporaryDir dir_;
  std::string Path(const char* name) const { return dir_.filePath(name).toStdString(); }

 private slots:
  void initTestCase() { QVERIFY(dir_.isValid()); }

  void metadataOfEveryType() {
    const auto expected = EveryKindOfValue();
    GgufWriter writer;
    for (const auto& [key, value] : expected) writer.SetValue(key, value);
    const std::string path = Path("metadata.gguf");
    const Status written = writer.Write(path);
    QVERIFY2(written.ok(), written.message().c_str());

    auto file = GgufFile::Open(path);
    QVERIFY2(file.ok(), file.status().message().c_str());
    QCOMPARE(file.value()->version(), 3u);
    QCOMPARE(file.value()->metadata().size(), expected.size());
    for (size_t i = 0; i < expected.size(); ++i) {
      const auto& [key, value] = file.value()->metadata()[i];
      QCOMPARE(key, expected[i].first);
      QVERIFY2(value == expected[i].second,
               qPrintable(QString::fromStdString(key + ": read " + value.ToString() +
                                                 ", wrote " + expected[i].second.ToString())));
    }
    // Empty arrays keep their element type.
    QCOMPARE(file.value()->Find("array.empty.string")->AsArray()->element_type, GgufType::kString);
    QCOMPARE(file.value()->Find("array.empty.array")->AsArray()->element_type, GgufType::kArray);
  }

  void typedSettersAndAccessors() {
    GgufWriter writer;
    writer.SetString("s", "text");
    writer.SetUint32("u32", 4000000000u);
    writer.SetInt32("i32", -7);
    writer.SetUint64("u64", uint64_t{1} << 40);
    writer.SetFloat32("f32", 0.125f);
    writer.SetBool("b", true);
    writer.SetStringArray("sa", {"x", "yy"});
    writer.SetInt32Array("ia", {-1, 0, 1});
    writer.SetFloat32Array("fa", {0.5f, -2.0f});
    writer.SetUint32("u32", 12);  // replaces the earlier value, keeps its position
    const std::string path = Path("typed.gguf");
    QVERIFY(writer.Write(path).ok());
    auto file = GgufFile::Open(path);
    QVERIFY2(file.ok(), file.status().message().c_str());
    const GgufFile& f = *file.value();
    QCOMPARE(f.metadata().size(), size_t{9});
    QCOMPARE(f.metadata()[1].first, std::string("u32"));
    QCOMPARE(f.Find("u32")->type(), GgufType::kUint32);
    QCOMPARE(f.GetInt("u32"), std::optional<int64_t>(12));
    QCOMPARE(f.Find("i32")->type(), GgufType::kInt32);
    QCOMPARE(f.GetInt("i32"), std::optional<int64_t>(-7));
    QCOMPARE(f.GetInt("u64"), std::optional<int64_t>(int64_t{1} << 40));
    QCOMPARE(f.GetFloat("f32"), std::optional<double>(0.125));
    QCOMPARE(f.GetBool("b"), std::optional<bool>(true));
    QCOMPARE(f.GetString("s"), std::optional<std::string>("text"));
    QCOMPARE(f.GetStringArray("sa"), (std::optional<std::vector<std::string>>({"x", "yy"})));
    QCOMPARE(f.GetIntArray("ia"), (std::optional<std::vector<int64_t>>({-1, 0, 1})));
    QCOMPARE(f.GetFloatArray("fa"), (std::optional<std::vector<float>>({0.5f, -2.0f})));
    // Wrong-kind lookups answer nullopt rather than guessing.
    QVERIFY(!f.GetString("u32"));
    QVERIFY(!f.GetInt("s"));
    QVERIFY(!f.GetBool("u32"));
    QVERIFY(!f.GetStringArray("ia"));
    QVERIFY(!f.GetIntArray("sa"));
    QVERIFY(!f.GetInt("missing"));
    QCOMPARE(f.architecture(), std::string());
  }

  void valueConversionsAndRendering() {
    using T = GgufType;
    QCOMPARE(U(T::kUint64, ~uint64_t{0}).AsInt(), std::nullopt);  // does not fit int64
    QCOMPARE(U(T::kUint64, ~uint64_t{0}).AsUint(), std::optional<uint64_t>(~uint64_t{0}));
    QCOMPARE(I(T::kInt8, -5).AsUint(), std::nullopt);
    QCOMPARE(I(T::kInt8, -5).AsFloat(), std::optional<double>(-5.0));
    QCOMPARE(GgufValue(true).AsInt(), std::optional<int64_t>(1));
    QCOMPARE(U(T::kUint8, 1).AsBool(), std::nullopt);
    QCOMPARE(F(T::kFloat32, 1.5).AsInt(), std::nullopt);
    QVERIFY(S("x").AsArray() == nullptr && A(T::kUint8, {}).AsString() == nullptr);
    QVERIFY(U(T::kUint32, 7) != U(T::kUint64, 7));  // same number, different type
    QCOMPARE(S("qwen2").ToString(), std::string("\"qwen2\""));
    QCOMPARE(I(T::kInt32, -3).ToString(), std::string("-3"));
    QCOMPARE(GgufValue(false).ToString(), std::string("false"));
    QCOMPARE(A(T::kUint32, {U(T::kUint32, 1), U(T::kUint32, 2), U(T::kUint32, 3)}).ToString(),
             std::string("[uint32 x 3: 1, 2, 3]"));
    QCOMPARE(A(T::kUint32, {U(T::kUint32, 1), U(T::kUint32, 2), U(T::kUint32, 3)}).ToString(2),
             std::string("[uint32 x 3: 1, 2, ...]"));
    QCOMPARE(GgufTypeName(T::kFloat64), std::string_view("float64"));
    QCOMPARE(GgufTypeName(static_cast<GgufType>(77)), std::string_view("unknown"));
    QCOMPARE(GgufScalarSize(T::kInt16), size_t{2});
    QCOMPARE(GgufScalarSize(T::kString), size_t{0});
  }

  void tensorsRoundTrip_data() {
    QTest::addColumn<int>("alignment");
    for (int a : {1, 8, 32, 64, 4096}) QTest::newRow(qPrintable(QString::number(a))) << a;
  }

  void tensorsRoundTrip() {
    QFETCH(int, alignment);
    const std::vector<SourceTensor> tensors = SeveralTensors();
    GgufWriter writer;
    writer.SetString("general.architecture", "test");
    for (const SourceTensor& t : tensors) writer.AddTensor(t.name, t.type, t.ne, t.n_dims, t.bytes.data());
    const std::string path = Path("tensors.gguf");
    const Status written = writer.Write(path, static_cast<uint64_t>(alignment));
    QVERIFY2(written.ok(), written.message().c_str());

    auto opened = GgufFile::Open(path);
    QVERIFY2(opened.ok(), opened.status().message().c_str());
    const GgufFile& file = *opened.value();
    QCOMPARE(file.alignment(), static_cast<uint64_t>(alignment));
    // general.alignment is written only when it differs from the default, as llama.cpp does.
    QCOMPARE(file.Find("general.alignment") != nullptr, alignment != 32);
    if (alignment != 32) QCOMPARE(file.Find("general.alignment")->type(), GgufType::kUint32);
    QCOMPARE(file.data_offset() % static_cast<uint64_t>(alignment), uint64_t{0});
    QCOMPARE(file.tensors().size(), tensors.size());
    const uint8_t* map_begin = file.mapped_file()->data();
    const uint8_t* map_end = map_begin + file.mapped_file()->size();
    for (size_t i = 0; i < tensors.size(); ++i) {
      const SourceTensor& want = tensors[i];
      const GgufTensorInfo& info = file.tensors()[i];
      QCOMPARE(info.name, want.name);
      QCOMPARE(info.type, want.type);
      QCOMPARE(info.ne, want.ne);
      QCOMPARE(info.n_dims, want.n_dims);
      QCOMPARE(info.nbytes, want.bytes.size());
      QCOMPARE(info.offset % static_cast<uint64_t>(alignment), uint64_t{0});
      QCOMPARE(file.FindTensor(want.name), &info);
      const TensorView view = file.View(info);
      const auto* data = static_cast<const uint8_t*>(view.data);
      QVERIFY2(data >= map_begin && data + view.nbytes <= map_end, "view is not inside the map");
      QCOMPARE(data, map_begin + file.data_offset() + info.offset);
      QVERIFY(std::memcmp(data, want.bytes.data(), want.bytes.size()) == 0);
      QCOMPARE(view.name, want.name);
      QCOMPARE(view.ne, want.ne);
    }
    QVERIFY(file.FindTensor("absent") == nullptr);
  }

  void producerStreamsTensorData() {
    GgufWriter writer;
    int calls = 0;
    writer.AddTensor("produced", DType::F32, {4, 2, 1, 1}, 2, [&](uint8_t* dst) {
      ++calls;
      for (int i = 0; i < 8; ++i) {
        const float v = static_cast<float>(i) * 0.5f;
        std::memcpy(dst + 4 * i, &v, 4);
      }
      return Status::Ok();
    });
    const std::string path = Path("produced.gguf");
    QVERIFY(writer.Write(path).ok());
    QCOMPARE(calls, 1);
    auto file = GgufFile::Open(path);
    QVERIFY2(file.ok(), file.status().message().c_str());
    const TensorView view = file.value()->View(file.value()->tensors()[0]);
    float values[8];
    std::memcpy(values, view.data, sizeof values);
    for (int i = 0; i < 8; ++i) QCOMPARE(values[i], static_cast<float>(i) * 0.5f);
  }

  // A failing producer fails Write() with its message, leaves no file and no temporary, and an
  // existing file at the destination untouched.
  void failedWriteLeavesNothingBehind() {
    const std::string path = Path("keep.gguf");
    {
      std::ofstream existing(path, std::ios::binary);
      existing << "previous contents";
    }
    GgufWriter writer;
    writer.AddTensor("bad", DType::F32, {4, 1, 1, 1}, 1, [](uint8_t*) { return IoError("disk on fire"); });
    const Status st = writer.Write(path);
    QVERIFY(!st.ok());
    QVERIFY2(st.message().find("tensor 'bad'") != std::string::npos, st.message().c_str());
    QVERIFY2(st.message().find("disk on fire") != std::string::npos, st.message().c_str());
    const std::vector<uint8_t> after = ReadAll(path);
    QCOMPARE(std::string(after.begin(), after.end()), std::string("previous contents"));
    for (const auto& entry : fs::directory_iterator(dir_.path().toStdString()))
      QVERIFY2(entry.path().string().find(".partial") == std::string::npos, "temporary left behind");
    QVERIFY(!GgufWriter().Write(dir_.filePath("no/such/dir/x.gguf").toStdString()).ok());
  }

  void writerRejectsInvalidTensors() {
    const float data[16] = {};
    struct Case {
      const char* why;
      std::function<void(GgufWriter&)> add;
      const char* fragment;
    };
    const std::vector<Case> cases = {
        {"duplicate", [&](GgufWriter& w) {
           w.AddTensor("t", DType::F32, {4, 1, 1, 1}, 1, data);
           w.AddTensor("t", DType::F32, {4, 1, 1, 1}, 1, data);
         }, "duplicate tensor 't'"},
        {"n_dims 5", [&](GgufWriter& w) { w.AddTensor("t", DType::F32, {4, 1, 1, 1}, 5, data); }, "n_dims is 5"},
        {"n_dims 0", [&](GgufWriter& w) { w.AddTensor("t", DType::F32, {4, 1, 1, 1}, 0, data); }, "n_dims is 0"},
        {"zero dim", [&](GgufWriter& w) { w.AddTensor("t", DType::F32, {4, 0, 1, 1}, 2, data); }, "ne[1] is 0"},
        {"dim beyond n_dims", [&](GgufWriter& w) { w.AddTensor("t", DType::F32, {4, 2, 1, 1}, 1, data); }, "ne[1] is 2 with n_dims 1"},
        {"block size", [&](GgufWriter& w) { w.AddTensor("t", DType::Q8_0, {16, 1, 1, 1}, 1, data); }, "block size 32"},
        {"unknown type", [&](GgufWriter& w) { w.AddTensor("t", static_cast<DType>(99), {4, 1, 1, 1}, 1, data); }, "unknown type 99"},
        {"no data", [&](GgufWriter& w) { w.AddTensor("t", DType::F32, {4, 1, 1, 1}, 1, static_cast<const void*>(nullptr)); }, "has no data"},
        {"long name", [&](GgufWriter& w) { w.AddTensor(std::string(64, 'n'), DType::F32, {4, 1, 1, 1}, 1, data); }, "at most 63"},
        {"empty name", [&](GgufWriter& w) { w.AddTensor("", DType::F32, {4, 1, 1, 1}, 1, data); }, "has no name"},
        {"overflow", [&](GgufWriter& w) { w.AddTensor("t", DType::F32, {int64_t{1} << 62, 4, 1, 1}, 2, data); }, "overflows"},
    };
    for (const Case& c : cases) {
      GgufWriter writer;
      c.add(writer);
      const Status st = writer.Write(Path("invalid.gguf"));
      QVERIFY2(!st.ok(), c.why);
      QVERIFY2(st.message().find(c.fragment) != std::string::npos,
               qPrintable(QString("%1: %2").arg(c.why, QString::fromStdString(st.message()))));
      QVERIFY(!fs::exists(Path("invalid.gguf")));
    }
  }

  void writerRejectsInvalidValues() {
    using T = GgufType;
    const std::vector<std::tuple<const char*, GgufValue, const char*>> cases = {
        {"u8 300", U(T::kUint8, 300), "does not fit in uint8"},
        {"i8 -200", I(T::kInt8, -200), "does not fit in int8"},
        {"u32 negative", I(T::kUint32, -1), "does not fit in uint32"},
        {"string from int", U(T::kString, 1), "string value holds data of another kind"},
        {"mixed array", A(T::kUint32, {U(T::kUint32, 1), S("x")}), "[1] is a string in an array of uint32"},
        {"bad element", A(T::kUint8, {U(T::kUint8, 1000)}), "does not fit in uint8"},
    };
    for (const auto& [why, value, fragment] : cases) {
      GgufWriter writer;
      writer.SetValue("key", value);
      const Status st = writer.Write(Path("invalid.gguf"));
      QVERIFY2(!st.ok(), why);
      QVERIFY2(st.message().find(fragment) != std::string::npos && st.message().find("'key'") != std::string::npos,
               qPrintable(QString("%1: %2").arg(why, QString::fromStdString(st.message()))));
    }
    GgufWriter writer;
    writer.SetUint32("general.alignment", 64);
    const Status st = writer.Write(Path("invalid.gguf"), 32);
    QVERIFY(!st.ok());
    QVERIFY2(st.message().find("general.alignment") != std::string::npos, st.message().c_str());
    QVERIFY(!GgufWriter().Write(Path("invalid.gguf"), 48).ok());
  }

  void openReportsMissingFile() {
    auto file = GgufFile::Open(Path("does-not-exist.gguf"));
    QVERIFY(!file.ok());
    QCOMPARE(file.status().code(), ErrorCode::kNotFound);
    // Errors from Open name the file.
    const std::string path = Path("garbage.gguf");
    std::ofstream(path) << "this is not a model";
    auto garbage = GgufFile::Open(path);
    QVERIFY(!garbage.ok());
    QVERIFY2(garbage.status().message().rfind(path + ": not a GGUF file", 0) == 0,
             garbage.status().message().c_str());
  }

  void vocabFiles_data() {
    QTest::addColumn<QString>("path");
    const auto files = VocabFiles();
    if (files.empty()) QSKIP("no gguf-vocab/*.gguf in the test data folder");
    for (const fs::path& p : files)
      QTest::newRow(p.filename().c_str()) << QString::fromStdString(p.string());
  }

  void vocabFiles() {
    QFETCH(QString, path);
    auto opened = GgufFile::Open(path.toStdString());
    QVERIFY2(opened.ok(), opened.status().message().c_str());
    const GgufFile& file = *opened.value();
    QCOMPARE(file.version(), 3u);
    QVERIFY(file.tensors().empty());
    const std::string arch = file.architecture();
    const std::string name = file.GetString("general.name").value_or("");
    QVERIFY2(arch == "llama" || arch == "qwen2", arch.c_str());
    // The files are named ggml-vocab-<general.name>.gguf; the pre-tokenizer has the same name.
    QVERIFY(path.endsWith(QString::fromStdString("ggml-vocab-" + name + ".gguf")));
    QCOMPARE(file.GetString("tokenizer.ggml.pre"), std::optional<std::string>(name));
    QCOMPARE(file.GetString("tokenizer.ggml.model"), std::optional<std::string>("gpt2"));
    const auto tokens = file.GetStringArray("tokenizer.ggml.tokens");
    QVERIFY(tokens && tokens->size() > 30000);
    const auto token_types = file.GetIntArray("tokenizer.ggml.token_type");
    QVERIFY(token_types);
    QCOMPARE(token_types->size(), tokens->size());
    if (auto vocab_size = file.GetInt(arch + ".vocab_size")) QCOMPARE(*vocab_size, static_cast<int64_t>(tokens->size()));
    const auto merges = file.GetStringArray("tokenizer.ggml.merges");
    QVERIFY(merges && merges->size() > 30000);
    for (const std::string& merge : *merges) QVERIFY2(merge.find(' ') != std::string::npos, merge.c_str());
    const auto eos = file.GetInt("tokenizer.ggml.eos_token_id");
    QVERIFY(eos && *eos >= 0 && *eos < static_cast<int64_t>(tokens->size()));
    QVERIFY(file.GetInt(arch + ".context_length").value_or(0) > 0);
  }

  // Re-writing a llama.cpp file's metadata with GgufWriter reproduces it byte for byte (up to the
  // padding llama.cpp leaves off a file without tensors).
  void vocabFilesRewriteIdentically() {
    const auto files = VocabFiles();
    if (files.empty()) QSKIP("no gguf-vocab/*.gguf in the test data folder");
    for (const fs::path& p : files) {
      auto original = GgufFile::Open(p.string());
      QVERIFY2(original.ok(), original.status().message().c_str());
      GgufWriter writer;
      for (const auto& [key, value] : original.value()->metadata()) writer.SetValue(key, value);
      const std::string path = Path("rewritten.gguf");
      QVERIFY(writer.Write(path).ok());
      const std::vector<uint8_t> want = ReadAll(p);
      std::vector<uint8_t> got = ReadAll(path);
      QVERIFY(got.size() >= want.size() && got.size() - want.size() < 32);
      QVERIFY(std::all_of(got.begin() + static_cast<ptrdiff_t>(want.size()), got.end(), [](uint8_t b) { return b == 0; }));
      got.resize(want.size());
      QVERIFY2(got == want, p.c_str());
    }
  }
};

QTEST_APPLESS_MAIN(GgufRoundTripTest)
#include "gguf_roundtrip_test.moc"
