// Status / Expected: errors as values with exit codes per the CLI contract.
#include <QtTest>

#include <memory>

#include "core/status.h"

using namespace enclave;

namespace {
Expected<int> Half(int x) {
  if (x % 2 != 0) return InvalidArgument(std::to_string(x) + " is odd");
  return x / 2;
}
Expected<int> Quarter(int x) {
  ENCLAVE_ASSIGN_OR_RETURN(int h, Half(x));
  return Half(h);
}
Status CheckPositive(int x) {
  if (x <= 0) return BadInput("not positive");
  return Status::Ok();
}
Status Both(int x) {
  ENCLAVE_RETURN_IF_ERROR(CheckPositive(x));
  return Status::Ok();
}
}  // namespace

class TestStatus : public QObject {
  Q_OBJECT
 private slots:
  void expectedValueAndError() {
    QCOMPARE(*Quarter(8), 2);
    auto e = Quarter(6);
    QVERIFY(!e.ok());
    QCOMPARE(QString::fromStdString(e.status().message()), QString("3 is odd"));
    QCOMPARE(e.status().code(), ErrorCode::kInvalidArgument);
  }
  void moveOnlyValues() {
    Expected<std::unique_ptr<int>> p = std::make_unique<int>(5);
    std::unique_ptr<int> v = std::move(p).value();
    QCOMPARE(*v, 5);
  }
  void exitCodes() {
    QCOMPARE(ExitCodeFor(Status::Ok()), 0);
    QCOMPARE(ExitCodeFor(BadInput("x")), 2);
    QCOMPARE(ExitCodeFor(InvalidArgument("x")), 2);
    QCOMPARE(ExitCodeFor(Unsupported("x")), 2);
    QCOMPARE(ExitCodeFor(InsufficientMemory("x")), 3);
    QCOMPARE(ExitCodeFor(InternalError("x")), 1);
  }
  void context() {
    QCOMPARE(QString::fromStdString(Both(-1).WithContext("m.gguf").message()), QString("m.gguf: not positive"));
    QVERIFY(Both(1).ok());
  }
};

QTEST_APPLESS_MAIN(TestStatus)
#include "test_status.moc"
