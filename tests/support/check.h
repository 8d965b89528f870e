// A minimal test harness for plain CTest executables (tests/gpu, which must build without Qt).
//   TEST_CASE(name) { CHECK(cond); CHECK_NEAR(a, b, tol); }
//   int main() { return enclave::testing::RunAll(); }   // or ENCLAVE_TEST_MAIN()
// SKIP("reason") ends the whole executable with exit code 77, which CTest reports as skipped.
#pragma once

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <functional>
#include <string>
#include <vector>

namespace enclave::testing {

struct Case {
  const char* name;
  std::function<void()> fn;
};
inline std::vector<Case>& Registry() {
  static std::vector<Case> cases;
  return cases;
}
inline int& Failures() {
  static int n = 0;
  return n;
}
struct Registrar {
  Registrar(const char* name, std::function<void()> fn) { Registry().push_back({name, std::move(fn)}); }
};
[[noreturn]] inline void Skip(const std::string& why) {
  std::printf("SKIP: %s\n", why.c_str());
  std::fflush(stdout);
  std::exit(77);
}
inline int RunAll() {
  int failed_cases = 0;
  for (const Case& c : Registry()) {
    const int before = Failures();
    c.fn();
    const bool ok = Failures() == before;
    std::printf("%s %s\n", ok ? "PASS" : "FAIL", c.name);
    if (!ok) ++failed_cases;
  }
  std::printf("%d passed, %d failed\n", static_cast<int>(Registry().size()) - failed_cases, failed_cases);
  return failed_cases == 0 ? 0 : 1;
}

}  // namespace enclave::testing

#define TEST_CASE(name)                                                            \
  static void name();                                                              \
  static ::enclave::testing::Registrar name##_registrar(#name, name);              \
  static void name()
#define CHECK(cond)                                                                \
  do {                                                                             \
    if (!(cond)) {                                                                 \
      std::printf("  %s:%d: CHECK(%s) failed\n", __FILE__, __LINE__, #cond);       \
      ++::enclave::testing::Failures();                                            \
    }                                                                              \
  } while (0)
#define CHECK_NEAR(a, b, tol)                                                      \
  do {                                                                             \
    const double _a = (a), _b = (b);                                               \
    if (!(std::fabs(_a - _b) <= (tol))) {                                          \
      std::printf("  %s:%d: |%s - %s| = |%g - %g| > %g\n", __FILE__, __LINE__, #a, #b, _a, _b, \
                  static_cast<double>(tol));                                       \
      ++::enclave::testing::Failures();                                            \
    }                                                                              \
  } while (0)
#define SKIP(why) ::enclave::testing::Skip(why)
#define ENCLAVE_TEST_MAIN() \
  int main() { return ::enclave::testing::RunAll(); }
