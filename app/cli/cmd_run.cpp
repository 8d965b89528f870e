// enclave-cli run: generate from a prompt (text or token ids); streams text to stdout, or with
// --json prints one object at the end:
//   {"ids":[...],"text":"...","prompt_tokens":N,"gen_tokens":N,"prefill_tok_s":X,"decode_tok_s":Y}
#include <cstdio>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "args.h"
#include "cli_status.h"
#include "chat/chat_template.h"
#include "commands.h"
#include "model/model.h"
#include "runtime/session.h"
#include "tokenizer/tokenizer.h"

namespace enclave::cli {
namespace {

constexpr const char* kRunUsage =
    "usage: enclave-cli run -m PATH (-p TEXT | --token-ids 1,2,3) [-n N] [--temp T] [--top-p P]\n"
    "                       [--top-k K] [--min-p P] [--repeat-penalty R] [--seed S] [--ctx C]\n"
    "                       [--device cpu|cuda[:i]] [--threads N] [--stop TEXT] [--chat] [--ignore-eos] [--json]";

Expected<std::vector<int32_t>> ParseTokenIds(const std::string& text) {
  std::vector<int32_t> ids;
  size_t pos = 0;
  while (pos <= text.size()) {
    const size_t comma = text.find(',', pos);
    const std::string item = text.substr(pos, comma == std::string::npos ? std::string::npos : comma - pos);
    char* end = nullptr;
    const long long v = std::strtoll(item.c_str(), &end, 10);
    if (item.empty() || *end != '\0' || v < 0 || v > INT32_MAX)
      return InvalidArgument("--token-ids expects comma-separated non-negative integers, got '" + item + "'");
    ids.push_back(static_cast<int32_t>(v));
    if (comma == std::string::npos) break;
    pos = comma + 1;
  }
  return ids;
}

// The user's text as one chat turn in the model's own template (or the built-in one for its
// family when the file has none or it uses something unsupported).
Expected<std::vector<int32_t>> ChatPrompt(const Model& model, const std::string& text) {
  const Tokenizer* tokenizer = model.tokenizer();
  std::string bos, eos;
  if (tokenizer && tokenizer->bos_id()) bos = tokenizer->TokenText(*tokenizer->bos_id());
  if (tokenizer && tokenizer->eos_id()) eos = tokenizer->TokenText(*tokenizer->eos_id());
  FamilyHints hints;
  hints.chat_template = model.chat_template();
  hints.architecture = model.info().architecture;
  hints.model_name = model.info().name;
  hints.bos_token = bos;
  hints.eos_token = eos;
  ResolvedTemplate resolved = ResolveChatTemplate(hints);
  if (!resolved.warning.empty()) std::fprintf(stderr, "enclave-cli: %s\n", resolved.warning.c_str());
  TemplateContext context;
  context.bos_token = bos;
  context.eos_token = eos;
  ENCLAVE_ASSIGN_OR_RETURN(std::string prompt, resolved.chat_template.Render({{"user", text, ""}}, true, context));
  if (!tokenizer) return Unsupported("--chat needs the model's vocabulary: " + model.tokenizer_error());
  // The template writes BOS itself when the model wants one.
  std::vector<int32_t> ids = tokenizer->Encode(prompt, /*add_special=*/false);
  if (model.add_bos() && model.bos_id() >= 0 && (ids.empty() || ids.front() != model.bos_id()))
    ids.insert(ids.begin(), model.bos_id());
  return ids;
}

int Run(int argc, char** argv) {
  auto parsed = Args::Parse(argc, argv,
                            {"-m", "--model", "-p", "--prompt", "--token-ids", "-n", "--temp", "--top-p", "--top-k",
                             "--min-p", "--repeat-penalty", "--presence-penalty", "--seed", "--ctx", "--device",
                             "--threads", "-t", "--stop"},
                            {"--chat", "--ignore-eos", "--json", "-h", "--help"});
  if (!parsed.ok()) return Fail(parsed.status());
  const Args& args = *parsed;
  if (args.Has("-h") || args.Has("--help")) {
    std::printf("%s\n", kRunUsage);
    return 0;
  }
  const std::string model_path = args.GetOr("-m", args.GetOr("--model", ""));
  const std::optional<std::string> prompt_text = args.Has("-p") ? args.Get("-p") : args.Get("--prompt");
  const std::optional<std::string> token_ids = args.Get("--token-ids");
  if (model_path.empty()) return Fail(InvalidArgument("run needs -m PATH (enclave-cli run --help)"));
  if (prompt_text.has_value() == token_ids.has_value())
    return Fail(InvalidArgument("run needs exactly one of -p TEXT or --token-ids 1,2,3"));
  if (!args.positionals().empty()) return Fail(InvalidArgument("unexpected argument '" + args.positionals()[0] + "'"));
  if (args.Has("--chat") && token_ids) return Fail(InvalidArgument("--chat applies to -p TEXT, not to --token-ids"));

  GenerateOptions options;
  SamplerOptions& s = options.sampling;
  ENCLAVE_ASSIGN_OR_RETURN_CLI(int64_t n, args.GetInt("-n", 128, 0, 1 << 24));
  ENCLAVE_ASSIGN_OR_RETURN_CLI(double temp, args.GetDouble("--temp", 0.0, 0.0, 100.0));
  ENCLAVE_ASSIGN_OR_RETURN_CLI(double top_p, args.GetDouble("--top-p", 1.0, 0.0, 1.0));
  ENCLAVE_ASSIGN_OR_RETURN_CLI(int64_t top_k, args.GetInt("--top-k", 0, 0, 1 << 24));
  ENCLAVE_ASSIGN_OR_RETURN_CLI(double min_p, args.GetDouble("--min-p", 0.0, 0.0, 1.0));
  ENCLAVE_ASSIGN_OR_RETURN_CLI(double repeat, args.GetDouble("--repeat-penalty", 1.0, 0.01, 100.0));
  ENCLAVE_ASSIGN_OR_RETURN_CLI(double presence, args.GetDouble("--presence-penalty", 0.0, -100.0, 100.0));
  ENCLAVE_ASSIGN_OR_RETURN_CLI(int64_t seed, args.GetInt("--seed", 0, 0, INT64_MAX));
  ENCLAVE_ASSIGN_OR_RETURN_CLI(int64_t ctx, args.GetInt("--ctx", 0, 0, 1 << 24));
  ENCLAVE_ASSIGN_OR_RETURN_CLI(int64_t threads, args.GetInt("--threads", 0, 0, 1024));
  options.max_tokens = n;
  s.temperature = static_cast<float>(temp);
  s.top_p = static_cast<float>(top_p);
  s.top_k = static_cast<int>(top_k);
  s.min_p = static_cast<float>(min_p);
  s.repetition_penalty = static_cast<float>(repeat);
  s.presence_penalty = static_cast<float>(presence);
  s.seed = static_cast<uint64_t>(seed);
  options.ignore_eos = args.Has("--ignore-eos");
  if (auto stop = args.Get("--stop")) options.stop.push_back(*stop);
  const bool json = args.Has("--json");

  std::vector<int32_t> prompt;
  if (token_ids) {
    ENCLAVE_ASSIGN_OR_RETURN_CLI(prompt, ParseTokenIds(*token_ids));
  }

  LoadOptions load;
  load.device = args.GetOr("--device", "cpu");
  load.n_threads = static_cast<int>(threads);
  load.context = ctx;
  ENCLAVE_ASSIGN_OR_RETURN_CLI(std::unique_ptr<Model> model, LoadModel(model_path, load));

  if (prompt_text) {
    if (args.Has("--chat")) {
      ENCLAVE_ASSIGN_OR_RETURN_CLI(prompt, ChatPrompt(*model, *prompt_text));
    } else {
      if (!model->tokenizer())
        return Fail(Unsupported(model->tokenizer_error().empty()
                                    ? model_path + " has no vocabulary: pass --token-ids instead of -p"
                                    : "the vocabulary of " + model_path + " could not be loaded: " + model->tokenizer_error()));
      prompt = model->tokenizer()->Encode(*prompt_text, /*add_special=*/true);
    }
  }

  ENCLAVE_ASSIGN_OR_RETURN_CLI(std::unique_ptr<Session> session, Session::Create(*model));
  auto result = session->Generate(prompt, options, [&](int32_t, std::string_view text) {
    if (!json && !text.empty()) {
      std::fwrite(text.data(), 1, text.size(), stdout);
      std::fflush(stdout);
    }
    return true;
  });
  if (!result.ok()) return Fail(result.status());

  if (json) {
    nlohmann::json out;
    out["ids"] = result->ids;
    out["text"] = result->text;
    out["prompt_tokens"] = result->stats.prompt_tokens;
    out["gen_tokens"] = result->stats.generated_tokens;
    out["prefill_tok_s"] = result->stats.prefill_tok_s();
    out["decode_tok_s"] = result->stats.decode_tok_s();
    out["stop_reason"] = std::string(StopReasonName(result->stats.stop_reason));
    std::printf("%s\n", out.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace).c_str());
  } else {
    if (!model->tokenizer()) {  // nothing to show as text: print the ids
      for (size_t i = 0; i < result->ids.size(); ++i) std::printf("%s%d", i ? "," : "", result->ids[i]);
    }
    std::printf("\n");
  }
  return 0;
}

}  // namespace

int CmdRun(int argc, char** argv) { return Run(argc, argv); }

}  // namespace enclave::cli
