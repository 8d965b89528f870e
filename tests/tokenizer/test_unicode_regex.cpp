// The tokenizer's own Unicode tables, normalisation and pre-tokenizer regex engine.
#include <QtTest>

#include "tokenizer/pre_tokenizer.h"
#include "tokenizer/regex.h"
#include "tokenizer/unicode.h"

using namespace enclave;

namespace {

std::vector<std::string> Words(const PreTokenizer& pre, const std::string& text) {
  std::vector<std::pair<uint32_t, uint32_t>> spans;
  pre.Split(text, spans);
  std::vector<std::string> out;
  for (auto [b, e] : spans) out.push_back(text.substr(b, e - b));
  return out;
}

PreTokenizer Single(const std::string& pattern) {
  auto re = Regex::Compile(pattern);
  if (!re.ok()) qFatal("%s", re.status().message().c_str());
  PreTokenizer pre;
  pre.AddSplit(std::move(re).value(), PreTokenizer::Behavior::kIsolated);
  return pre;
}

using Strings = std::vector<std::string>;

}  // namespace

class TestUnicodeRegex : public QObject {
  Q_OBJECT

 private slots:
  void categories() {
    QCOMPARE(unicode::MajorCategory('a'), unicode::kLetter);
    QCOMPARE(unicode::MajorCategory(0x4E2D), unicode::kLetter);   // 中
    QCOMPARE(unicode::MajorCategory(0xFF10), unicode::kNumber);   // full-width 0
    QCOMPARE(unicode::MajorCategory(0x3002), unicode::kPunctuation);
    QCOMPARE(unicode::MajorCategory(0x1F600), unicode::kSymbol);  // 😀
    QCOMPARE(unicode::MajorCategory(0x0301), unicode::kMark);
    QCOMPARE(unicode::MajorCategory(0x200D), unicode::kOther);    // ZWJ is Cf
    QVERIFY(unicode::IsWhiteSpace(0x3000));
    QVERIFY(unicode::IsWhiteSpace(0xA0));
    QVERIFY(!unicode::IsWhiteSpace(0x200B));  // zero width space is not White_Space
    QVERIFY(!unicode::IsWhiteSpace(0x1C));
  }

  void normalisation() {
    QCOMPARE(unicode::Nfc("e\xCC\x81"), std::string("\xC3\xA9"));                  // e + U+0301 -> é
    QCOMPARE(unicode::Nfc("\xE2\x84\xAB"), std::string("\xC3\x85"));              // Angstrom sign -> Å
    QCOMPARE(unicode::Nfc("\xE1\x84\x92\xE1\x85\xA1\xE1\x86\xAB"), std::string("\xED\x95\x9C"));  // 한 from jamo
    QCOMPARE(unicode::Nfc("a\xCC\xA3\xCC\x87"), std::string("\xE1\xBA\xA1\xCC\x87"));  // ạ + dot above
    QCOMPARE(unicode::Nfc("a\xCC\x87\xCC\xA3"), std::string("\xE1\xBA\xA1\xCC\x87"));  // reordered first
    QCOMPARE(unicode::Nfc("plain ascii"), std::string("plain ascii"));
    QCOMPARE(unicode::Nfc("bad \xFF byte e\xCC\x81"), std::string("bad \xFF byte \xC3\xA9"));
    QCOMPARE(unicode::Nfd("\xC3\xA9"), std::string("e\xCC\x81"));
    std::string lower;
    for (uint32_t cp : {0x130u, 0x391u, 0x41u}) unicode::AppendLowercase(lower, cp);
    QCOMPARE(lower, std::string("i\xCC\x87\xCE\xB1" "a"));
  }

  void utf8Streaming() {
    QCOMPARE(unicode::CompleteUtf8Prefix("ab\xE4\xB8"), size_t{2});
    QCOMPARE(unicode::CompleteUtf8Prefix("ab\xE4\xB8\xAD"), size_t{5});
    QCOMPARE(unicode::CompleteUtf8Prefix("\xF0\x9F\x98"), size_t{0});
    QCOMPARE(unicode::CompleteUtf8Prefix("a\xFF"), size_t{2});  // invalid, not unfinished
    QCOMPARE(unicode::SanitizeUtf8("a\xE4\xB8" "b"), std::string("a\xEF\xBF\xBD" "b"));
    QCOMPARE(unicode::SanitizeUtf8("\xC0\x80"), std::string("\xEF\xBF\xBD\xEF\xBF\xBD"));
  }

  void regexSyntaxErrors() {
    for (const char* bad : {"(a", "a)", "[a", "\\p{Xx}", "a{3,1}", "a+?", "(?<x>a)", "\\"}) {
      auto re = Regex::Compile(bad);
      QVERIFY2(!re.ok(), bad);
      QCOMPARE(re.status().code(), ErrorCode::kBadInput);
    }
  }

  void qwen2Pattern() {
    const PreTokenizer pre = Single(
        "(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\\r\\n\\p{L}\\p{N}]?\\p{L}+|\\p{N}| ?[^\\s\\p{L}\\p{N}]+[\\r\\n]*|"
        "\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+");
    QCOMPARE(Words(pre, "Hello world"), (Strings{"Hello", " world"}));
    QCOMPARE(Words(pre, "a   b"), (Strings{"a", "  ", " b"}));  // \s+(?!\S) leaves one space to the word
    QCOMPARE(Words(pre, "IT'S 123"), (Strings{"IT", "'S", " ", "1", "2", "3"}));
    QCOMPARE(Words(pre, "x!!\n\ny"), (Strings{"x", "!!\n\n", "y"}));
    QCOMPARE(Words(pre, "你好，世界"), (Strings{"你好", "，世界"}));
    QCOMPARE(Words(pre, "end  "), (Strings{"end", "  "}));
  }

  void deepseekV3Pipeline() {
    auto pre = PreTokenizer::ForGgufName("deepseek-v3");
    QVERIFY2(pre.ok(), pre.status().message().c_str());
    QCOMPARE(Words(*pre, "12345 apples"), (Strings{"123", "45", " apples"}));
    QCOMPARE(Words(*pre, "我想在apple工作"), (Strings{"我想在", "apple", "工作"}));
    QCOMPARE(Words(*pre, "a.b"), (Strings{"a", ".b"}));
    QVERIFY(!PreTokenizer::ForGgufName("no-such-pre").ok());
  }

  void behaviours() {
    auto re = [](const char* p) { return std::move(Regex::Compile(p)).value(); };
    PreTokenizer removed, prev, next, inverted;
    removed.AddSplit(re("-"), PreTokenizer::Behavior::kRemoved);
    prev.AddSplit(re("-"), PreTokenizer::Behavior::kMergedWithPrevious);
    next.AddSplit(re("-"), PreTokenizer::Behavior::kMergedWithNext);
    inverted.AddSplit(re("\\w+|[^\\w\\s]+"), PreTokenizer::Behavior::kRemoved, /*invert=*/true);
    QCOMPARE(Words(removed, "the-final--countdown"), (Strings{"the", "final", "countdown"}));
    QCOMPARE(Words(prev, "the-final--countdown"), (Strings{"the-", "final-", "-", "countdown"}));
    QCOMPARE(Words(next, "the-final--countdown"), (Strings{"the", "-final", "-", "-countdown"}));
    QCOMPARE(Words(inverted, "Hey friend!  How?"), (Strings{"Hey", "friend", "!", "How", "?"}));
  }
};

QTEST_APPLESS_MAIN(TestUnicodeRegex)
#include "test_unicode_regex.moc"
