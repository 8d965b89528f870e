// The reasoning / answer split of DeepSeek-R1 style output: the expected split of each sample,
// and the same result however the output is cut into chunks (every split position, every pair
// of split positions, one byte at a time).
#include <QtTest>

#include "chat/reasoning.h"

using enclave::ReasoningEvent;
using enclave::ReasoningOptions;
using enclave::ReasoningSplitter;

namespace {

struct Sample {
  const char* name;
  std::string output;
  bool starts_in_reasoning;
  std::string reasoning;
  std::string answer;
};

const std::vector<Sample>& Samples() {
  static const std::vector<Sample> samples = {
      {"think block", "<think>\nThe user asks 2+2.\nThat is 4.\n</think>\n\nThe answer is **4**.", false,
       "The user asks 2+2.\nThat is 4.", "The answer is **4**."},
      {"template opened <think>", "Okay, the user wants a haiku.\n</think>\n\nAutumn moonlight", true,
       "Okay, the user wants a haiku.", "Autumn moonlight"},
      {"stray </think> without flag", "Okay, the user wants a haiku.\n</think>\n\nAutumn moonlight", false,
       "Okay, the user wants a haiku.", "Autumn moonlight"},
      {"redundant <think> after opened prompt", "<think>\nR1 thinks.\n</think>\n\nAnswer.", true, "R1 thinks.",
       "Answer."},
      {"quoted tags in answer",
       "<think>\nUser asks about tags.\n</think>\n\nClose it with `</think>`, like this:\n```xml\n<think>\nplan\n"
       "</think>\n```\nor inline ```<think>```. Done.",
       false, "User asks about tags.",
       "Close it with `</think>`, like this:\n```xml\n<think>\nplan\n</think>\n```\nor inline ```<think>```. Done."},
      {"quoted tags, no think block",
       "To end a block write `</think>`:\n~~~\n</think>\n~~~\nand ``a </think> b`` too.", false, "",
       "To end a block write `</think>`:\n~~~\n</think>\n~~~\nand ``a </think> b`` too."},
      {"plain answer", "Hello! How can I help you today?", false, "", "Hello! How can I help you today?"},
      {"cut off while reasoning", "<think>\nStill thinking about it\n\n", false, "Still thinking about it", ""},
      {"Chinese text", "<think>\n嗯，用户说你好。\n</think>\n\n你好！有什么可以帮你的吗？", false, "嗯，用户说你好。",
       "你好！有什么可以帮你的吗？"},
      {"CRLF newlines", "<think>\r\nR\r\n</think>\r\n\r\nA", false, "R", "A"},
      {"whitespace before <think>", " \n<think>Short.</think>Answer", false, "Short.", "Answer"},
      {"second </think> is text", "<think>a</think>\n\nb </think> c", false, "a", "b </think> c"},
      {"only </think>", "</think>\n\nJust the answer", false, "", "Just the answer"},
      {"<think> later in answer is text", "Use <think> tags. Then </think>.", false, "",
       "Use <think> tags. Then </think>."},
      {"empty", "", false, "", ""},
      {"answer starting with <", "<b>bold</b> text", false, "", "<b>bold</b> text"},
  };
  return samples;
}

// Merges neighbouring events of the same kind, so chunkings can be compared.
std::vector<ReasoningEvent> Coalesce(const std::vector<ReasoningEvent>& events) {
  std::vector<ReasoningEvent> out;
  for (const ReasoningEvent& e : events) {
    if (!out.empty() && out.back().kind == e.kind && e.kind != ReasoningEvent::Kind::kAnswerWasReasoning)
      out.back().text += e.text;
    else
      out.push_back(e);
  }
  return out;
}

struct Result {
  std::vector<ReasoningEvent> events;  // coalesced
  std::string applied_reasoning;       // what a UI shows after applying every event
  std::string applied_answer;
  std::string reasoning;               // the splitter's own state
  std::string answer;
};

Result Run(const Sample& s, const std::vector<size_t>& cuts) {
  ReasoningSplitter splitter(ReasoningOptions{s.starts_in_reasoning});
  std::vector<ReasoningEvent> events;
  size_t start = 0;
  for (size_t cut : cuts) {
    auto e = splitter.Feed(std::string_view(s.output).substr(start, cut - start));
    events.insert(events.end(), e.begin(), e.end());
    start = cut;
  }
  auto e = splitter.Feed(std::string_view(s.output).substr(start));
  events.insert(events.end(), e.begin(), e.end());
  e = splitter.Finish();
  events.insert(events.end(), e.begin(), e.end());
  Result r;
  for (const ReasoningEvent& ev : events) {
    if (ev.kind == ReasoningEvent::Kind::kReasoning) r.applied_reasoning += ev.text;
    if (ev.kind == ReasoningEvent::Kind::kAnswer) r.applied_answer += ev.text;
    if (ev.kind == ReasoningEvent::Kind::kAnswerWasReasoning) {
      r.applied_answer.clear();
      r.applied_reasoning += ev.text;
    }
  }
  r.events = Coalesce(events);
  r.reasoning = splitter.reasoning();
  r.answer = splitter.answer();
  return r;
}

bool Same(const Result& a, const Result& b) {
  if (a.events.size() != b.events.size()) return false;
  for (size_t i = 0; i < a.events.size(); ++i)
    if (a.events[i].kind != b.events[i].kind || a.events[i].text != b.events[i].text) return false;
  return a.reasoning == b.reasoning && a.answer == b.answer && a.applied_reasoning == b.applied_reasoning &&
         a.applied_answer == b.applied_answer;
}

bool IsUtf8Boundary(const std::string& s) {
  return s.empty() || (static_cast<unsigned char>(s.back()) & 0x80) == 0 ||
         (static_cast<unsigned char>(s.back()) & 0xC0) == 0x80;  // ends in ASCII or a continuation byte
}

QString Q(const std::string& s) { return QString::fromStdString(s); }

}  // namespace

class TestReasoning : public QObject {
  Q_OBJECT

 private slots:
  void wholeOutput_data() {
    QTest::addColumn<int>("index");
    for (size_t i = 0; i < Samples().size(); ++i) QTest::newRow(Samples()[i].name) << int(i);
  }

  void wholeOutput() {
    QFETCH(int, index);
    const Sample& s = Samples()[size_t(index)];
    const Result r = Run(s, {});
    QCOMPARE(Q(r.reasoning), Q(s.reasoning));
    QCOMPARE(Q(r.answer), Q(s.answer));
    QCOMPARE(Q(r.applied_reasoning), Q(s.reasoning));
    QCOMPARE(Q(r.applied_answer), Q(s.answer));
    const auto split = enclave::SplitReasoning(s.output, ReasoningOptions{s.starts_in_reasoning});
    QCOMPARE(Q(split.reasoning), Q(s.reasoning));
    QCOMPARE(Q(split.answer), Q(s.answer));
  }

  void everyChunking_data() { wholeOutput_data(); }

  // Two chunks split at every byte, three chunks at every pair of positions, and byte by byte.
  void everyChunking() {
    QFETCH(int, index);
    const Sample& s = Samples()[size_t(index)];
    const Result whole = Run(s, {});
    const size_t n = s.output.size();
    for (size_t i = 0; i <= n; ++i) {
      QVERIFY2(Same(Run(s, {i}), whole), ("split at " + std::to_string(i)).c_str());
      for (size_t j = i; j <= n; ++j)
        QVERIFY2(Same(Run(s, {i, j}), whole), ("split at " + std::to_string(i) + ", " + std::to_string(j)).c_str());
    }
    std::vector<size_t> bytes;
    for (size_t i = 1; i < n; ++i) bytes.push_back(i);
    QVERIFY(Same(Run(s, bytes), whole));
  }

  // Events carry whole UTF-8 characters even when chunks cut them.
  void eventsKeepUtf8Whole() {
    const Sample& s = Samples()[8];
    ReasoningSplitter splitter;
    for (char c : s.output) {
      for (const ReasoningEvent& e : splitter.Feed(std::string_view(&c, 1)))
        QVERIFY2(IsUtf8Boundary(e.text), e.text.c_str());
    }
    splitter.Finish();
    QCOMPARE(Q(splitter.answer()), Q(s.answer));
  }

  void streamingShowsTextEarly() {
    ReasoningSplitter splitter;
    auto e = splitter.Feed("<thi");
    QVERIFY(e.empty());  // could still be the open tag
    e = splitter.Feed("nk>\nStep one");
    QCOMPARE(int(e.size()), 1);
    QCOMPARE(e[0].kind, ReasoningEvent::Kind::kReasoning);
    QCOMPARE(Q(e[0].text), Q("Step one"));
    QVERIFY(splitter.in_reasoning());
    e = splitter.Feed("\n</thi");  // newline and a partial tag wait
    QVERIFY(e.empty());
    e = splitter.Feed("nk>\n\nAns");
    QCOMPARE(int(e.size()), 1);
    QCOMPARE(e[0].kind, ReasoningEvent::Kind::kAnswer);
    QCOMPARE(Q(e[0].text), Q("Ans"));
    QVERIFY(!splitter.in_reasoning());
    QVERIFY(splitter.reasoning_closed());
    QVERIFY(splitter.has_reasoning());
  }

  void strayCloseMovesShownAnswer() {
    ReasoningSplitter splitter;
    auto e = splitter.Feed("Let me think.\n");
    QCOMPARE(int(e.size()), 1);
    QCOMPARE(e[0].kind, ReasoningEvent::Kind::kAnswer);
    QVERIFY(!splitter.has_reasoning());
    e = splitter.Feed("</think>\n\nDone.");
    QCOMPARE(int(e.size()), 2);
    QCOMPARE(e[0].kind, ReasoningEvent::Kind::kAnswerWasReasoning);
    QCOMPARE(Q(e[0].text), Q("Let me think."));
    QCOMPARE(e[1].kind, ReasoningEvent::Kind::kAnswer);
    QCOMPARE(Q(splitter.reasoning()), Q("Let me think."));
    QCOMPARE(Q(splitter.answer()), Q("Done."));
  }
};

QTEST_APPLESS_MAIN(TestReasoning)
#include "test_reasoning.moc"
