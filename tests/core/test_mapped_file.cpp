// MappedFile: maps whole files read-only; missing files and folders are clear errors.
#include <QtTest>

#include <QTemporaryDir>
#include <fstream>

#include "core/mapped_file.h"

using namespace enclave;

class TestMappedFile : public QObject {
  Q_OBJECT
 private slots:
  void mapsContents() {
    QTemporaryDir dir;
    const std::string path = dir.filePath("a.bin").toStdString();
    std::ofstream(path, std::ios::binary) << "hello";
    auto f = MappedFile::Open(path);
    QVERIFY(f.ok());
    QCOMPARE((*f)->size(), size_t(5));
    QCOMPARE(std::string(reinterpret_cast<const char*>((*f)->data()), 5), std::string("hello"));
  }
  void emptyFile() {
    QTemporaryDir dir;
    const std::string path = dir.filePath("empty").toStdString();
    std::ofstream(path, std::ios::binary).flush();
    auto f = MappedFile::Open(path);
    QVERIFY(f.ok());
    QCOMPARE((*f)->size(), size_t(0));
  }
  void errors() {
    auto missing = MappedFile::Open("/nonexistent/x.gguf");
    QCOMPARE(missing.status().code(), ErrorCode::kNotFound);
    QVERIFY(missing.status().message().find("/nonexistent/x.gguf") != std::string::npos);
    QTemporaryDir dir;
    auto folder = MappedFile::Open(dir.path().toStdString());
    QCOMPARE(folder.status().code(), ErrorCode::kBadInput);
  }
};

QTEST_APPLESS_MAIN(TestMappedFile)
#include "test_mapped_file.moc"
