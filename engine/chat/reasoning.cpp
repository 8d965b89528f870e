#include "chat/reasoning.h"

#include <algorithm>

namespace enclave {
namespace {

bool IsNewline(char c) { return c == '\n' || c == '\r'; }
bool IsSpace(char c) { return c == ' ' || c == '\t' || IsNewline(c); }

std::string_view TrimNewlines(std::string_view s) {
  while (!s.empty() && IsNewline(s.front())) s.remove_prefix(1);
  while (!s.empty() && IsNewline(s.back())) s.remove_suffix(1);
  return s;
}

// Bytes at the end of `s` that start a UTF-8 sequence the input has not completed yet.
size_t IncompleteUtf8Suffix(std::string_view s) {
  for (size_t back = 1; back <= 3 && back <= s.size(); ++back) {
    const auto c = static_cast<unsigned char>(s[s.size() - back]);
    if ((c & 0xC0) == 0x80) continue;  // continuation byte: look further back
    const size_t needed = c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : c >= 0xC0 ? 2 : 1;
    return needed > back ? back : 0;
  }
  return 0;
}

// Length of the longest suffix of `text` that is a proper prefix of `tag` (a tag cut by the chunk).
size_t PartialTagSuffix(std::string_view text, std::string_view tag) {
  for (size_t n = std::min(text.size(), tag.size() - 1); n > 0; --n)
    if (text.substr(text.size() - n) == tag.substr(0, n)) return n;
  return 0;
}

}  // namespace

ReasoningSplitter::ReasoningSplitter(ReasoningOptions options) : options_(std::move(options)) {
  if (options_.starts_in_reasoning) {
    state_ = State::kReasoning;
    skip_open_tag_ = true;
    reasoning_seen_ = true;
  }
}

std::vector<ReasoningEvent> ReasoningSplitter::Feed(std::string_view chunk) {
  std::vector<ReasoningEvent> events;
  pending_.append(utf8_tail_);
  pending_.append(chunk);
  const size_t incomplete = IncompleteUtf8Suffix(pending_);
  utf8_tail_ = pending_.substr(pending_.size() - incomplete);
  pending_.resize(pending_.size() - incomplete);
  Process(false, events);
  return events;
}

std::vector<ReasoningEvent> ReasoningSplitter::Finish() {
  std::vector<ReasoningEvent> events;
  pending_.append(utf8_tail_);
  utf8_tail_.clear();
  Process(true, events);
  held_newlines_.clear();
  return events;
}

void ReasoningSplitter::Process(bool at_end, std::vector<ReasoningEvent>& events) {
  while (!pending_.empty()) {
    bool progressed = false;
    switch (state_) {
      case State::kStart:
        switch (ConsumeLeadingOpenTag(at_end)) {
          case LeadingTag::kOpened:
            state_ = State::kReasoning;
            reasoning_seen_ = true;
            progressed = true;
            break;
          case LeadingTag::kNotATag:
            state_ = State::kAnswer;
            progressed = true;
            break;
          case LeadingTag::kNeedMore: break;
        }
        break;
      case State::kReasoning: progressed = ProcessReasoning(at_end, events); break;
      case State::kAnswer: progressed = ProcessAnswer(at_end, events); break;
    }
    if (!progressed) return;
  }
}

// Whitespace, then the open tag? Consumes both when so; waits while the input could still be.
ReasoningSplitter::LeadingTag ReasoningSplitter::ConsumeLeadingOpenTag(bool at_end) {
  size_t spaces = 0;
  while (spaces < pending_.size() && IsSpace(pending_[spaces])) ++spaces;
  const std::string_view rest = std::string_view(pending_).substr(spaces);
  const std::string_view tag = options_.open_tag;
  if (rest.substr(0, tag.size()) == tag) {
    pending_.erase(0, spaces + tag.size());
    return LeadingTag::kOpened;
  }
  if (!at_end && tag.substr(0, rest.size()) == rest) return LeadingTag::kNeedMore;
  return LeadingTag::kNotATag;
}

bool ReasoningSplitter::ProcessReasoning(bool at_end, std::vector<ReasoningEvent>& events) {
  if (skip_open_tag_) {
    const LeadingTag leading = ConsumeLeadingOpenTag(at_end);
    if (leading == LeadingTag::kNeedMore) return false;
    skip_open_tag_ = false;
    return true;
  }
  const size_t close = pending_.find(options_.close_tag);
  if (close != std::string::npos) {
    EmitReasoning(std::string_view(pending_).substr(0, close), events);
    held_newlines_.clear();  // newlines right before </think> are not part of the reasoning
    pending_.erase(0, close + options_.close_tag.size());
    state_ = State::kAnswer;
    reasoning_closed_ = true;
    tags_done_ = true;
    skip_answer_newlines_ = true;
    return true;
  }
  const size_t keep = at_end ? 0 : PartialTagSuffix(pending_, options_.close_tag);
  EmitReasoning(std::string_view(pending_).substr(0, pending_.size() - keep), events);
  pending_.erase(0, pending_.size() - keep);
  return false;
}

bool ReasoningSplitter::ProcessAnswer(bool at_end, std::vector<ReasoningEvent>& events) {
  if (skip_answer_newlines_) {
    size_t n = 0;
    while (n < pending_.size() && IsNewline(pending_[n])) ++n;
    pending_.erase(0, n);
    if (pending_.empty()) return false;
    skip_answer_newlines_ = false;
  }
  if (tags_done_) {
    EmitAnswer(pending_, events);
    pending_.clear();
    return false;
  }
  // A provisional answer: no think block was opened, so a </think> outside code means everything
  // before it was reasoning whose opening tag the prompt already carried.
  const std::string_view close = options_.close_tag;
  const std::string_view open = options_.open_tag;
  for (size_t i = 0; i < pending_.size(); ++i) {
    const char c = pending_[i];
    if (run_len_ > 0 && c != run_char_) FinishRun();
    if (c == '<' && !InCode()) {
      const std::string_view rest = std::string_view(pending_).substr(i);
      if (rest.substr(0, close.size()) == close) {
        EmitAnswer(std::string_view(pending_).substr(0, i), events);
        pending_.erase(0, i + close.size());
        MoveAnswerToReasoning(events);
        return true;
      }
      if (rest.substr(0, open.size()) == open) {
        // An unquoted <think> inside the answer: the model is writing about tags; keep it all as text.
        tags_done_ = true;
        EmitAnswer(pending_, events);
        pending_.clear();
        return false;
      }
      if (!at_end && (close.substr(0, rest.size()) == rest || open.substr(0, rest.size()) == rest)) {
        EmitAnswer(std::string_view(pending_).substr(0, i), events);
        pending_.erase(0, i);
        return false;
      }
    }
    TrackCode(c);
  }
  EmitAnswer(pending_, events);
  pending_.clear();
  return false;
}

void ReasoningSplitter::EmitReasoning(std::string_view text, std::vector<ReasoningEvent>& events) {
  if (!reasoning_started_) {
    while (!text.empty() && IsNewline(text.front())) text.remove_prefix(1);
    if (text.empty()) return;
    reasoning_started_ = true;
  }
  // Trailing newlines wait: they are dropped if </think> follows them.
  size_t body = text.size();
  while (body > 0 && IsNewline(text[body - 1])) --body;
  if (body > 0) {
    std::string out = std::move(held_newlines_);
    held_newlines_.clear();
    out.append(text.substr(0, body));
    reasoning_ += out;
    events.push_back({ReasoningEvent::Kind::kReasoning, std::move(out)});
  }
  held_newlines_.append(text.substr(body));
}

void ReasoningSplitter::EmitAnswer(std::string_view text, std::vector<ReasoningEvent>& events) {
  if (text.empty()) return;
  answer_.append(text);
  events.push_back({ReasoningEvent::Kind::kAnswer, std::string(text)});
}

void ReasoningSplitter::MoveAnswerToReasoning(std::vector<ReasoningEvent>& events) {
  const bool shown = !answer_.empty();
  reasoning_ = std::string(TrimNewlines(answer_));
  answer_.clear();
  if (shown) events.push_back({ReasoningEvent::Kind::kAnswerWasReasoning, reasoning_});
  reasoning_seen_ = true;
  reasoning_closed_ = true;
  tags_done_ = true;
  skip_answer_newlines_ = true;
}

// Markdown code spans and fences, read one character at a time (CommonMark, simplified: a code
// span ends at the end of its line).
void ReasoningSplitter::FinishRun() {
  if (run_len_ == 0) return;
  if (fence_len_ > 0) {
    if (run_at_line_start_ && run_char_ == fence_char_ && run_len_ >= fence_len_) fence_len_ = 0;
  } else if (inline_code_len_ > 0) {
    if (run_char_ == '`' && run_len_ == inline_code_len_) inline_code_len_ = 0;
  } else if (run_at_line_start_ && run_len_ >= 3) {
    fence_len_ = run_len_;
    fence_char_ = run_char_;
  } else if (run_char_ == '`') {
    inline_code_len_ = run_len_;
  }
  run_len_ = 0;
}

void ReasoningSplitter::TrackCode(char c) {
  if (run_len_ > 0 && c == run_char_) {
    ++run_len_;
    return;
  }
  FinishRun();
  if (c == '`' || c == '~') {
    run_char_ = c;
    run_len_ = 1;
    run_at_line_start_ = at_line_start_ && line_indent_ <= 3;
    at_line_start_ = false;
    return;
  }
  if (c == '\n') {
    at_line_start_ = true;
    line_indent_ = 0;
    inline_code_len_ = 0;
    return;
  }
  if (c == ' ' && at_line_start_) {
    ++line_indent_;
    return;
  }
  at_line_start_ = false;
}

ReasoningSplit SplitReasoning(std::string_view text, const ReasoningOptions& options) {
  ReasoningSplitter splitter(options);
  splitter.Feed(text);
  splitter.Finish();
  return {splitter.reasoning(), splitter.answer()};
}

}  // namespace enclave
