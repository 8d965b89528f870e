// ThreadPool::ParallelFor covers every index exactly once, for any n and pool size.
#include <QtTest>

#include <atomic>
#include <vector>

#include "core/thread_pool.h"

using namespace enclave;

class TestThreadPool : public QObject {
  Q_OBJECT
 private slots:
  void coversEachIndexOnce() {
    for (int threads : {1, 2, 3, 5}) {
      ThreadPool pool(threads);
      QCOMPARE(pool.size(), threads);
      for (int64_t n : {0, 1, 2, 3, 7, 64, 1000}) {
        std::vector<std::atomic<int>> hits(static_cast<size_t>(n));
        pool.ParallelFor(n, [&](int64_t b, int64_t e) {
          for (int64_t i = b; i < e; ++i) hits[static_cast<size_t>(i)]++;
        });
        for (auto& h : hits) QCOMPARE(h.load(), 1);
      }
    }
  }
  void manyRoundsReuseWorkers() {
    ThreadPool pool(3);
    std::atomic<int64_t> sum{0};
    for (int round = 0; round < 2000; ++round)
      pool.ParallelFor(10, [&](int64_t b, int64_t e) { sum += e - b; });
    QCOMPARE(sum.load(), int64_t(20000));
  }
};

QTEST_APPLESS_MAIN(TestThreadPool)
#include "test_thread_pool.moc"
