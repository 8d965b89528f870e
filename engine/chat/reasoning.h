// Splits a DeepSeek-R1 style output into its reasoning ("<think> ... </think>") and its answer,
// from whole text or while it streams in chunks that may cut a tag anywhere ("<thi" + "nk>").
//
// What real models emit, and what the splitter makes of it:
//   "<think>\nR\n</think>\n\nA"   reasoning "R", answer "A" (newlines around the tags are dropped,
//                                 as DeepSeek's API does for reasoning_content / content)
//   "R\n</think>\n\nA"            the template already opened <think>: pass starts_in_reasoning
//                                 (see PromptOpensReasoning); without it the text streams as answer
//                                 first and is moved to reasoning when the stray </think> arrives
//   "A with `</think>` or ```<think>```"  tags quoted in inline code or fenced code blocks in the
//                                 answer are text, not tags
//   "A <think> B </think> C"      a <think> that does not open the output is text: all answer
//   "A" (no tags)                 all answer
//   "<think>\nR" (cut off)        all reasoning
// Every chunking of the same text gives the same result (the events, merged, and the final state).
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace enclave {

struct ReasoningOptions {
  bool starts_in_reasoning = false;  // the prompt ended with an opened <think>
  std::string open_tag = "<think>";
  std::string close_tag = "</think>";
};

struct ReasoningEvent {
  enum class Kind {
    kReasoning,           // append text to the reasoning
    kAnswer,              // append text to the answer
    kAnswerWasReasoning,  // a stray close tag: drop the answer shown so far, append text (that
                          // answer, trimmed) to the reasoning
  };
  Kind kind;
  std::string text;
};

class ReasoningSplitter {
 public:
  explicit ReasoningSplitter(ReasoningOptions options = {});

  // Consumes the next piece of output; returns what can be shown now. Text that could still be
  // the start of a tag, newlines that may turn out to precede </think>, and an incomplete UTF-8
  // sequence are held back, so every event carries whole characters.
  std::vector<ReasoningEvent> Feed(std::string_view chunk);
  // End of output: releases held-back text.
  std::vector<ReasoningEvent> Finish();

  bool in_reasoning() const { return state_ == State::kReasoning; }
  bool has_reasoning() const { return reasoning_seen_; }  // a think block was opened or found
  bool reasoning_closed() const { return reasoning_closed_; }  // and it was closed by </think>
  const std::string& reasoning() const { return reasoning_; }  // as emitted so far
  const std::string& answer() const { return answer_; }

 private:
  enum class State {
    kStart,      // nothing classified yet: a leading open tag may follow (whitespace is held)
    kReasoning,  // inside <think>
    kAnswer,     // answer text
  };
  enum class LeadingTag { kOpened, kNotATag, kNeedMore };

  void Process(bool at_end, std::vector<ReasoningEvent>& events);
  LeadingTag ConsumeLeadingOpenTag(bool at_end);
  bool ProcessReasoning(bool at_end, std::vector<ReasoningEvent>& events);
  bool ProcessAnswer(bool at_end, std::vector<ReasoningEvent>& events);
  void EmitReasoning(std::string_view text, std::vector<ReasoningEvent>& events);
  void EmitAnswer(std::string_view text, std::vector<ReasoningEvent>& events);
  void MoveAnswerToReasoning(std::vector<ReasoningEvent>& events);
  void TrackCode(char c);
  void FinishRun();
  bool InCode() const { return fence_len_ > 0 || inline_code_len_ > 0; }

  ReasoningOptions options_;
  State state_ = State::kStart;
  std::string pending_;                // input not yet classified: a possible tag and what follows
  std::string utf8_tail_;              // an incomplete UTF-8 sequence at the end of the input so far
  std::string held_newlines_;          // reasoning newlines, dropped if </think> comes next
  bool skip_open_tag_ = false;         // starts_in_reasoning: a redundant leading <think> is dropped
  bool reasoning_started_ = false;     // reasoning text other than leading newlines was emitted
  bool skip_answer_newlines_ = false;  // right after </think>: the answer's leading newlines go
  bool tags_done_ = false;             // the answer is final: no tag can follow any more
  bool reasoning_seen_ = false;
  bool reasoning_closed_ = false;
  // Markdown code state of a provisional answer, so that quoted tags are not taken for tags.
  bool at_line_start_ = true;
  int line_indent_ = 0;        // spaces at the start of the current line
  int fence_len_ = 0;          // open fenced block: length of its ``` or ~~~ run; 0 when none
  char fence_char_ = 0;
  int run_len_ = 0;            // length of the backtick / tilde run being read
  char run_char_ = 0;
  bool run_at_line_start_ = false;
  int inline_code_len_ = 0;    // open `code` span: length of its opening backtick run
  std::string reasoning_;
  std::string answer_;
};

struct ReasoningSplit {
  std::string reasoning;
  std::string answer;
};

// Whole-text convenience over ReasoningSplitter.
ReasoningSplit SplitReasoning(std::string_view text, const ReasoningOptions& options = {});

}  // namespace enclave
