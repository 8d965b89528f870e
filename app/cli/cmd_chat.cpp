// enclave-cli chat: an interactive conversation on the terminal. User turns are read from stdin
// line by line; each answer streams to stdout. The conversation is re-rendered through the
// model's chat template every turn and the Session reuses the KV cache for the common prefix,
// so only the new turn is prefilled. "/reset" starts over, "/exit" (or EOF) quits, Ctrl+C during
// an answer cancels that answer only.
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <csignal>
#include <cstdio>
#include <iostream>
#include <string>
#include <vector>

#include "args.h"
#include "chat/chat_template.h"
#include "chat/reasoning.h"
#include "cli_status.h"
#include "commands.h"
#include "model/model.h"
#include "runtime/session.h"
#include "tokenizer/tokenizer.h"

namespace enclave::cli {
namespace {

constexpr const char* kChatUsage =
    "usage: enclave-cli chat -m PATH [--ctx C] [--device cpu|cuda[:i]] [--threads N] [--temp T]\n"
    "                        [--top-p P] [--top-k K] [--seed S] [-n MAX_TOKENS] [--system TEXT]\n"
    "                        [--show-reasoning]\n"
    "Reads one user turn per line from stdin. /reset starts a new conversation, /exit quits;\n"
    "Ctrl+C cancels the answer being generated.";

constexpr const char* kDim = "\x1b[2m";
constexpr const char* kResetStyle = "\x1b[0m";

// Set by SIGINT while an answer is generated; the token callback stops the answer when it is set.
std::atomic<bool> g_interrupted{false};
static_assert(std::atomic<bool>::is_always_lock_free, "signal handlers need a lock-free flag");

extern "C" void OnInterrupt(int) { g_interrupted.store(true); }

// Installs the cancelling SIGINT handler for the lifetime of one answer; outside answers Ctrl+C
// keeps its default meaning (quit).
class InterruptScope {
 public:
  InterruptScope() {
    g_interrupted.store(false);
    previous_ = std::signal(SIGINT, OnInterrupt);
  }
  ~InterruptScope() { std::signal(SIGINT, previous_); }
  InterruptScope(const InterruptScope&) = delete;
  InterruptScope& operator=(const InterruptScope&) = delete;

 private:
  void (*previous_)(int) = SIG_DFL;
};

void Write(std::string_view text) {
  std::fwrite(text.data(), 1, text.size(), stdout);
  std::fflush(stdout);
}

// Prints the reasoning/answer events of one streamed answer. On a terminal the reasoning goes
// dimmed and indented under a "Thinking…" header; elsewhere it is left out unless asked for.
class AnswerPrinter {
 public:
  AnswerPrinter(bool terminal, bool show_reasoning) : terminal_(terminal), show_reasoning_(show_reasoning) {}

  void Print(const std::vector<ReasoningEvent>& events) {
    for (const ReasoningEvent& e : events) {
      if (e.kind == ReasoningEvent::Kind::kAnswer) {
        EndReasoning();
        Write(e.text);
        answer_printed_ = true;
      } else if (terminal_ || show_reasoning_) {
        // kAnswerWasReasoning: the answer already printed cannot be taken back on a stream;
        // the moved text is shown again as reasoning so the reader sees where it belongs.
        PrintReasoning(e.text);
      }
    }
  }

  void Finish() {
    EndReasoning();
    Write("\n");
  }

 private:
  void PrintReasoning(std::string_view text) {
    if (text.empty()) return;
    if (!in_reasoning_) {
      if (answer_printed_) Write("\n");
      Write(terminal_ ? std::string(kDim) + "Thinking…\n  " : std::string("Thinking…\n  "));
      in_reasoning_ = true;
    }
    std::string indented;
    for (char c : text) {
      indented += c;
      if (c == '\n') indented += "  ";
    }
    Write(indented);
  }

  void EndReasoning() {
    if (!in_reasoning_) return;
    Write(terminal_ ? std::string(kResetStyle) + "\n\n" : std::string("\n\n"));
    in_reasoning_ = false;
  }

  bool terminal_;
  bool show_reasoning_;
  bool in_reasoning_ = false;
  bool answer_printed_ = false;
};

// The conversation rendered through the model's chat template and tokenized.
class ChatPromptBuilder {
 public:
  explicit ChatPromptBuilder(const Model& model) : model_(model) {
    const Tokenizer* tokenizer = model.tokenizer();
    if (tokenizer && tokenizer->bos_id()) context_.bos_token = tokenizer->TokenText(*tokenizer->bos_id());
    if (tokenizer && tokenizer->eos_id()) context_.eos_token = tokenizer->TokenText(*tokenizer->eos_id());
    FamilyHints hints;
    hints.chat_template = model.chat_template();
    hints.architecture = model.info().architecture;
    hints.model_name = model.info().name;
    hints.bos_token = context_.bos_token;
    hints.eos_token = context_.eos_token;
    ResolvedTemplate resolved = ResolveChatTemplate(hints);
    if (!resolved.warning.empty()) std::fprintf(stderr, "enclave-cli: %s\n", resolved.warning.c_str());
    template_ = std::move(resolved.chat_template);
  }

  struct Prompt {
    std::vector<int32_t> ids;
    bool opens_reasoning = false;  // the template ended the prompt inside <think>
  };

  Expected<Prompt> Build(const std::vector<ChatMessage>& messages) const {
    ENCLAVE_ASSIGN_OR_RETURN(std::string text, template_.Render(messages, true, context_));
    Prompt prompt;
    prompt.opens_reasoning = PromptOpensReasoning(text);
    // The template writes BOS itself when the model wants one.
    prompt.ids = model_.tokenizer()->Encode(text, /*add_special=*/false);
    if (model_.add_bos() && model_.bos_id() >= 0 && (prompt.ids.empty() || prompt.ids.front() != model_.bos_id()))
      prompt.ids.insert(prompt.ids.begin(), model_.bos_id());
    return prompt;
  }

 private:
  const Model& model_;
  TemplateContext context_;
  ChatTemplate template_;
};

// Index of the first message after the system prompt, if any.
size_t FirstTurn(const std::vector<ChatMessage>& messages) {
  return !messages.empty() && messages.front().role == "system" ? 1 : 0;
}

int Chat(int argc, char** argv) {
  auto parsed = Args::Parse(argc, argv,
                            {"-m", "--model", "-n", "--temp", "--top-p", "--top-k", "--seed", "--ctx", "--device",
                             "--threads", "-t", "--system"},
                            {"--show-reasoning", "-h", "--help"});
  if (!parsed.ok()) return Fail(parsed.status());
  const Args& args = *parsed;
  if (args.Has("-h") || args.Has("--help")) {
    std::printf("%s\n", kChatUsage);
    return 0;
  }
  const std::string model_path = args.GetOr("-m", args.GetOr("--model", ""));
  if (model_path.empty()) return Fail(InvalidArgument("chat needs -m PATH (enclave-cli chat --help)"));
  if (!args.positionals().empty()) return Fail(InvalidArgument("unexpected argument '" + args.positionals()[0] + "'"));

  GenerateOptions options;
  ENCLAVE_ASSIGN_OR_RETURN_CLI(int64_t n, args.GetInt("-n", 1024, 1, 1 << 24));
  ENCLAVE_ASSIGN_OR_RETURN_CLI(double temp, args.GetDouble("--temp", 0.7, 0.0, 100.0));
  ENCLAVE_ASSIGN_OR_RETURN_CLI(double top_p, args.GetDouble("--top-p", 0.95, 0.0, 1.0));
  ENCLAVE_ASSIGN_OR_RETURN_CLI(int64_t top_k, args.GetInt("--top-k", 0, 0, 1 << 24));
  ENCLAVE_ASSIGN_OR_RETURN_CLI(int64_t seed, args.GetInt("--seed", 0, 0, INT64_MAX));
  ENCLAVE_ASSIGN_OR_RETURN_CLI(int64_t ctx, args.GetInt("--ctx", 0, 0, 1 << 24));
  ENCLAVE_ASSIGN_OR_RETURN_CLI(int64_t threads, args.GetInt(args.Has("-t") ? "-t" : "--threads", 0, 0, 1024));
  options.max_tokens = n;
  options.sampling.temperature = static_cast<float>(temp);
  options.sampling.top_p = static_cast<float>(top_p);
  options.sampling.top_k = static_cast<int>(top_k);
  options.sampling.seed = static_cast<uint64_t>(seed);
  const bool show_reasoning = args.Has("--show-reasoning");

  LoadOptions load;
  load.device = args.GetOr("--device", "cpu");
  load.n_threads = static_cast<int>(threads);
  load.context = ctx;
  ENCLAVE_ASSIGN_OR_RETURN_CLI(std::unique_ptr<Model> model, LoadModel(model_path, load));
  if (!model->tokenizer())
    return Fail(Unsupported("chat needs the vocabulary of " + model_path + ": " + model->tokenizer_error()));
  SessionOptions session_options;
  session_options.context = ctx;
  ENCLAVE_ASSIGN_OR_RETURN_CLI(std::unique_ptr<Session> session, Session::Create(*model, session_options));
  const ChatPromptBuilder prompt_builder(*model);

  const bool stdin_terminal = isatty(STDIN_FILENO) != 0;
  const bool stdout_terminal = isatty(STDOUT_FILENO) != 0;
  // Room kept free for the answer when old turns must be dropped to fit the context.
  const int64_t answer_room = std::min<int64_t>(n, session->context() / 2);

  std::vector<ChatMessage> messages;
  if (auto system = args.Get("--system")) messages.push_back({"system", *system, ""});

  std::string line;
  while (true) {
    if (stdin_terminal) std::fputs("> ", stderr);
    if (!std::getline(std::cin, line)) break;
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line.find_first_not_of(" \t") == std::string::npos) continue;
    if (line == "/exit" || line == "/quit") break;
    if (line == "/reset") {
      messages.resize(FirstTurn(messages));
      session->Reset();
      std::fputs("(new conversation)\n", stderr);
      continue;
    }

    messages.push_back({"user", line, ""});
    auto prompt = prompt_builder.Build(messages);
    // Drop the oldest turns (a user message and its answer) until the prompt and the answer fit.
    int dropped_turns = 0;
    while (prompt.ok() && static_cast<int64_t>(prompt->ids.size()) + answer_room > session->context() &&
           messages.size() - FirstTurn(messages) > 1) {
      auto first = messages.begin() + static_cast<std::ptrdiff_t>(FirstTurn(messages));
      auto end = first + 1;
      while (end != messages.end() - 1 && end->role != "user") ++end;  // the turn's answer(s)
      messages.erase(first, end);
      ++dropped_turns;
      prompt = prompt_builder.Build(messages);
    }
    if (dropped_turns > 0)
      std::fprintf(stderr, "enclave-cli: the context is full: dropped the %d oldest turn%s\n", dropped_turns,
                   dropped_turns == 1 ? "" : "s");
    if (!prompt.ok() || static_cast<int64_t>(prompt->ids.size()) >= session->context()) {
      std::fprintf(stderr, "enclave-cli: %s\n",
                   prompt.ok() ? ("this message has " + std::to_string(prompt->ids.size()) +
                                  " tokens, the context holds " + std::to_string(session->context()) +
                                  ": send a shorter one or pass a larger --ctx")
                                     .c_str()
                               : prompt.status().message().c_str());
      messages.pop_back();
      continue;
    }

    ReasoningOptions reasoning_options;
    reasoning_options.starts_in_reasoning = prompt->opens_reasoning;
    ReasoningSplitter splitter(reasoning_options);
    AnswerPrinter printer(stdout_terminal, show_reasoning);
    Expected<GenerateResult> result = [&] {
      InterruptScope interrupt_scope;
      return session->Generate(prompt->ids, options, [&](int32_t, std::string_view text) {
        if (!text.empty()) printer.Print(splitter.Feed(text));
        return !g_interrupted.load();
      });
    }();
    printer.Print(splitter.Finish());
    printer.Finish();
    if (!result.ok()) {
      std::fprintf(stderr, "enclave-cli: %s\n", result.status().message().c_str());
      messages.pop_back();
      continue;
    }
    if (result->stats.stop_reason == StopReason::kCancelled) std::fputs("(answer cancelled)\n", stderr);
    if (result->stats.stop_reason == StopReason::kContextFull)
      std::fputs("enclave-cli: the context filled up during the answer; it was cut off\n", stderr);
    // The reasoning is not fed back: DeepSeek-R1 templates drop it from earlier turns anyway.
    messages.push_back({"assistant", splitter.answer(), ""});
  }
  return 0;
}

}  // namespace

int CmdChat(int argc, char** argv) { return Chat(argc, argv); }

}  // namespace enclave::cli
