// Interoperability with ggml's own Python GGUF package (PyPI `gguf`, installer/requirements-test.txt):
// files GgufWriter writes read back identically in gguf.GGUFReader, files gguf.GGUFWriter writes
// read identically here, and both readers agree on every value of llama.cpp's vocab files.
// Skips when python3 or the package is missing.
#include <QtTest>

#include <QCryptographicHash>
#include <QProcess>

#include <filesystem>
#include <nlohmann/json.hpp>

#include "formats/gguf.h"
#include "gguf_samples.h"
#include "testdata.h"

using namespace enclave;
using namespace enclave::testing;
using json = nlohmann::json;
namespace fs = std::filesystem;

namespace {

std::string Hex(const std::string& bytes) {
  return QByteArray(bytes.data(), static_cast<qsizetype>(bytes.size())).toHex().toStdString();
}

std::string Sha256(const void* data, size_t n) {
  return QCryptographicHash::hash(QByteArrayView(static_cast<const char*>(data), static_cast<qsizetype>(n)),
                                  QCryptographicHash::Sha256).toHex().toStdString();
}

// The bridge script's encoding of a value (see gguf_py_bridge.py).
json ToJson(const GgufValue& value) {
  const int type = static_cast<int>(value.type());
  if (const std::string* s = value.AsString()) return {{"t", type}, {"v", Hex(*s)}};
  if (const GgufValue::Array* a = value.AsArray()) {
    json items = json::array();
    for (const GgufValue& item : a->items) items.push_back(ToJson(item));
    if (a->element_type == GgufType::kArray)
      return {{"t", type}, {"e", static_cast<int>(a->element_type)}, {"items", items}};
    json bare = json::array();
    for (json& item : items) bare.push_back(std::move(item["v"]));
    return {{"t", type}, {"e", static_cast<int>(a->element_type)}, {"v", bare}};
  }
  if (auto b = value.AsBool()) return {{"t", type}, {"v", *b}};
  if (value.is_float()) return {{"t", type}, {"v", *value.AsFloat()}};
  if (auto i = value.AsInt()) return {{"t", type}, {"v", *i}};
  return {{"t", type}, {"v", *value.AsUint()}};  // a uint64 above INT64_MAX
}

json FieldsToJson(const GgufFile& file) {
  json fields = json::array();
  for (const auto& [key, value] : file.metadata()) fields.push_back({{"key", key}, {"value", ToJson(value)}});
  return fields;
}

}  // namespace

class GgufInteropTest : public QObject {
  Q_OBJECT

 private:
  QTemporaryDir dir_;

  // Runs the bridge script; QSKIPs (from the caller, via the bool) when gguf-py is unavailable.
  bool RunBridge(const QString& mode, const QString& path, json* out, QString* skip_reason) {
    const QString script = QString::fromStdString((SourceDir() / "tests/formats/gguf_py_bridge.py").string());
    QProcess process;
    process.start("python3", {script, mode, path});
    if (!process.waitForStarted()) {
      *skip_reason = "python3 is not installed";
      return false;
    }
    process.waitForFinished(600000);
    const QString stderr_text = QString::fromUtf8(process.readAllStandardError());
    if (process.exitStatus() == QProcess::NormalExit && process.exitCode() == 77) {
      *skip_reason = "the Python package gguf is not installed (pip install gguf): " + stderr_text;
      return false;
    }
    if (process.exitStatus() != QProcess::NormalExit || process.exitCode() != 0) {
      *skip_reason = QString();
      qWarning().noquote() << "gguf_py_bridge.py failed:" << stderr_text;
      return false;
    }
    const QByteArray stdout_bytes = process.readAllStandardOutput();
    *out = json::parse(stdout_bytes.begin(), stdout_bytes.end(), nullptr, false);
    return !out->is_discarded();
  }

 private slots:
  void initTestCase() { QVERIFY(dir_.isValid()); }

  void ourFileReadByGgufPy() {
    GgufWriter writer;
    writer.SetString("general.architecture", "llama");
    for (const auto& [key, value] : EveryKindOfValue()) writer.SetValue(key, value);
    const std::vector<SourceTensor> tensors = SeveralTensors();
    for (const SourceTensor& t : tensors) writer.AddTensor(t.name, t.type, t.ne, t.n_dims, t.bytes.data());
    const QString path = dir_.filePath("ours.gguf");
    QVERIFY(writer.Write(path.toStdString(), 64).ok());
    auto ours = GgufFile::Open(path.toStdString());
    QVERIFY2(ours.ok(), ours.status().message().c_str());

    json theirs;
    QString skip;
    if (!RunBridge("dump", path, &theirs, &skip)) {
      if (!skip.isEmpty()) QSKIP(qPrintable(skip));
      QFAIL("the gguf Python package could not read the file");
    }
    QCOMPARE(theirs["version"].get<int>(), 3);
    QCOMPARE(theirs["alignment"].get<uint64_t>(), uint64_t{64});
    QCOMPARE(theirs["data_offset"].get<uint64_t>(), ours.value()->data_offset());
    const json fields = FieldsToJson(*ours.value());
    QCOMPARE(theirs["fields"].size(), fields.size());
    for (size_t i = 0; i < fields.size(); ++i)
      QVERIFY2(theirs["fields"][i] == fields[i],
               qPrintable(QString::fromStdString("gguf-py read " + theirs["fields"][i].dump().substr(0, 300) +
                                                 "\nwe wrote " + fields[i].dump().substr(0, 300))));
    QCOMPARE(theirs["tensors"].size(), tensors.size());
    for (size_t i = 0; i < tensors.size(); ++i) {
      const json& t = theirs["tensors"][i];
      const SourceTensor& want = tensors[i];
      QCOMPARE(t["name"].get<std::string>(), want.name);
      QCOMPARE(t["type"].get<uint32_t>(), static_cast<uint32_t>(want.type));
      std::vector<int64_t> ne(want.ne.begin(), want.ne.begin() + want.n_dims);
      QCOMPARE(t["ne"].get<std::vector<int64_t>>(), ne);
      QCOMPARE(t["n_bytes"].get<size_t>(), want.bytes.size());
      QCOMPARE(t["data_bytes"].get<size_t>(), want.bytes.size());
      const GgufTensorInfo& info = ours.value()->tensors()[i];
      QCOMPARE(t["file_offset"].get<uint64_t>(), ours.value()->data_offset() + info.offset);
      QCOMPARE(t["sha256"].get<std::string>(), Sha256(want.bytes.data(), want.bytes.size()));
    }
  }

  void ggufPyFileReadByUs() {
    const QString path = dir_.filePath("theirs.gguf");
    json expected;
    QString skip;
    if (!RunBridge("write", path, &expected, &skip)) {
      if (!skip.isEmpty()) QSKIP(qPrintable(skip));
      QFAIL("the gguf Python package could not write a file");
    }
    auto file = GgufFile::Open(path.toStdString());
    QVERIFY2(file.ok(), file.status().message().c_str());
    QCOMPARE(file.value()->alignment(), uint64_t{64});
    const json fields = FieldsToJson(*file.value());
    QCOMPARE(fields.size(), expected["fields"].size());
    for (size_t i = 0; i < fields.size(); ++i)
      QVERIFY2(fields[i] == expected["fields"][i],
               qPrintable(QString::fromStdString("read " + fields[i].dump() + "\ngguf-py wrote " +
                                                 expected["fields"][i].dump())));
    QCOMPARE(file.value()->tensors().size(), expected["tensors"].size());
    for (const json& want : expected["tensors"]) {
      const GgufTensorInfo* info = file.value()->FindTensor(want["name"].get<std::string>());
      QVERIFY2(info != nullptr, want["name"].get<std::string>().c_str());
      QCOMPARE(static_cast<uint32_t>(info->type), want["type"].get<uint32_t>());
      const std::vector<int64_t> ne(info->ne.begin(), info->ne.begin() + info->n_dims);
      QCOMPARE(ne, want["ne"].get<std::vector<int64_t>>());
      const TensorView view = file.value()->View(*info);
      QCOMPARE(Sha256(view.data, view.nbytes), want["sha256"].get<std::string>());
    }
  }

  void vocabFilesAgreeWithGgufPy_data() {
    QTest::addColumn<QString>("path");
    std::vector<fs::path> files;
    std::error_code ec;
    for (const auto& entry : fs::directory_iterator(TestDataDir() / "gguf-vocab", ec))
      if (entry.path().extension() == ".gguf") files.push_back(entry.path());
    if (files.empty()) QSKIP("no gguf-vocab/*.gguf in the test data folder");
    std::sort(files.begin(), files.end());
    for (const fs::path& p : files) QTest::newRow(p.filename().c_str()) << QString::fromStdString(p.string());
  }

  void vocabFilesAgreeWithGgufPy() {
    QFETCH(QString, path);
    auto ours = GgufFile::Open(path.toStdString());
    QVERIFY2(ours.ok(), ours.status().message().c_str());
    json theirs;
    QString skip;
    if (!RunBridge("dump", path, &theirs, &skip)) {
      if (!skip.isEmpty()) QSKIP(qPrintable(skip));
      QFAIL("the gguf Python package could not read the file");
    }
    QCOMPARE(theirs["version"].get<uint32_t>(), ours.value()->version());
    QVERIFY(theirs["tensors"].empty());
    const json fields = FieldsToJson(*ours.value());
    QCOMPARE(theirs["fields"].size(), fields.size());
    for (size_t i = 0; i < fields.size(); ++i)
      QVERIFY2(theirs["fields"][i] == fields[i],
               qPrintable(QString::fromStdString("field " + fields[i]["key"].get<std::string>() + " differs")));
  }
};

QTEST_APPLESS_MAIN(GgufInteropTest)
#include "gguf_interop_test.moc"
