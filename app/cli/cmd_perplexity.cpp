// enclave-cli perplexity: perplexity of a model over a text file in non-overlapping windows
// (the second half of each window scored), and with --kl-base the KL divergence of its
// next-token distribution from a base model's. Progress on stderr; --json prints one object:
//   {"perplexity":X,"perplexity_stderr":E,"mean_nll":N,"nll_stderr":S,"tokens":T,"chunks":C,
//    "ctx":W,"seconds":S[,"kl_mean":K,"kl_mean_stderr":E,"kl_p99":P,"kl_max":M,"top1_agreement":A]}
#include <cstdio>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "args.h"
#include "cli_status.h"
#include "commands.h"
#include "model/model.h"
#include "runtime/perplexity.h"
#include "tokenizer/tokenizer.h"

namespace enclave::cli {
namespace {

constexpr const char* kPerplexityUsage =
    "usage: enclave-cli perplexity -m PATH (-f TEXT | --token-ids-file IDS) [--ctx 512] [--chunks N]\n"
    "                              [--kl-base BASE.gguf] [--batch 32] [--device cpu|cuda[:i]]\n"
    "                              [--threads N] [--json]\n"
    "  IDS: token ids separated by spaces, commas or newlines, or a JSON array / {\"ids\":[...]}\n"
    "       (for models without a vocabulary)";

Expected<std::string> ReadWholeFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return InvalidArgument("cannot open '" + path + "': check the path");
  std::ostringstream out;
  out << in.rdbuf();
  if (in.bad()) return InvalidArgument("cannot read '" + path + "'");
  return out.str();
}

Expected<std::vector<int32_t>> ParseTokenIdsFile(const std::string& path, const std::string& text) {
  const size_t first = text.find_first_not_of(" \t\r\n");
  if (first != std::string::npos && (text[first] == '[' || text[first] == '{')) {
    auto json = nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false);
    if (json.is_object() && json.contains("ids")) json = json["ids"];
    if (!json.is_array()) return InvalidArgument(path + ": expected a JSON array of token ids or {\"ids\":[...]}");
    std::vector<int32_t> ids;
    for (const auto& v : json) {
      if (!v.is_number_integer() || v.get<int64_t>() < 0 || v.get<int64_t>() > INT32_MAX)
        return InvalidArgument(path + ": token ids must be non-negative integers, got " + v.dump());
      ids.push_back(static_cast<int32_t>(v.get<int64_t>()));
    }
    return ids;
  }
  std::vector<int32_t> ids;
  std::string item;
  auto flush = [&]() -> Status {
    if (item.empty()) return Status::Ok();
    char* end = nullptr;
    const long long v = std::strtoll(item.c_str(), &end, 10);
    if (*end != '\0' || v < 0 || v > INT32_MAX)
      return InvalidArgument(path + ": token ids must be non-negative integers, got '" + item + "'");
    ids.push_back(static_cast<int32_t>(v));
    item.clear();
    return Status::Ok();
  };
  for (char c : text) {
    if (c == ',' || c == ' ' || c == '\t' || c == '\r' || c == '\n') {
      ENCLAVE_RETURN_IF_ERROR(flush());
    } else {
      item += c;
    }
  }
  ENCLAVE_RETURN_IF_ERROR(flush());
  return ids;
}

}  // namespace

int CmdPerplexity(int argc, char** argv) {
  auto parsed = Args::Parse(argc, argv,
                            {"-m", "--model", "-f", "--file", "--token-ids-file", "--ctx", "--chunks", "--kl-base",
                             "--batch", "--device", "--threads", "-t"},
                            {"--json", "-h", "--help"});
  if (!parsed.ok()) return Fail(parsed.status());
  const Args& args = *parsed;
  if (args.Has("-h") || args.Has("--help")) {
    std::printf("%s\n", kPerplexityUsage);
    return 0;
  }
  const std::string model_path = args.GetOr("-m", args.GetOr("--model", ""));
  const std::optional<std::string> text_path = args.Has("-f") ? args.Get("-f") : args.Get("--file");
  const std::optional<std::string> ids_path = args.Get("--token-ids-file");
  if (model_path.empty()) return Fail(InvalidArgument("perplexity needs -m PATH (see enclave-cli perplexity --help)"));
  if (text_path.has_value() == ids_path.has_value())
    return Fail(InvalidArgument("perplexity needs exactly one of -f TEXT or --token-ids-file IDS"));
  if (!args.positionals().empty()) return Fail(InvalidArgument("unexpected argument '" + args.positionals()[0] + "'"));

  PerplexityOptions options;
  ENCLAVE_ASSIGN_OR_RETURN_CLI(options.context, args.GetInt("--ctx", 512, 4, 1 << 20));
  ENCLAVE_ASSIGN_OR_RETURN_CLI(options.max_chunks, args.GetInt("--chunks", 0, 0, 1 << 30));
  ENCLAVE_ASSIGN_OR_RETURN_CLI(options.batch, args.GetInt("--batch", 32, 1, 4096));
  ENCLAVE_ASSIGN_OR_RETURN_CLI(int64_t threads, args.GetInt(args.Has("-t") ? "-t" : "--threads", 0, 0, 1024));
  const bool json = args.Has("--json");
  const std::optional<std::string> base_path = args.Get("--kl-base");

  ENCLAVE_ASSIGN_OR_RETURN_CLI(std::string input, ReadWholeFile(text_path ? *text_path : *ids_path));

  LoadOptions load;
  load.device = args.GetOr("--device", "cpu");
  load.n_threads = static_cast<int>(threads);
  load.context = options.context;
  std::fprintf(stderr, "loading %s\n", model_path.c_str());
  ENCLAVE_ASSIGN_OR_RETURN_CLI(std::unique_ptr<Model> model, LoadModel(model_path, load));
  std::unique_ptr<Model> base;
  if (base_path) {
    std::fprintf(stderr, "loading base %s\n", base_path->c_str());
    ENCLAVE_ASSIGN_OR_RETURN_CLI(base, LoadModel(*base_path, load));
  }

  std::vector<int32_t> tokens;
  if (ids_path) {
    ENCLAVE_ASSIGN_OR_RETURN_CLI(tokens, ParseTokenIdsFile(*ids_path, input));
  } else {
    if (!model->tokenizer())
      return Fail(Unsupported(model->tokenizer_error().empty()
                                  ? model_path + " has no vocabulary: pass --token-ids-file instead of -f"
                                  : "the vocabulary of " + model_path + " could not be loaded: " +
                                        model->tokenizer_error()));
    // No BOS here: MeasurePerplexity puts one at the start of every window when the model wants it.
    tokens = model->tokenizer()->Encode(input, /*add_special=*/false);
  }
  const int64_t windows = static_cast<int64_t>(tokens.size()) / options.context;
  std::fprintf(stderr, "%zu tokens, %lld windows of %lld (scoring the second half of each)\n", tokens.size(),
               static_cast<long long>(windows), static_cast<long long>(options.context));

  options.progress = [](const PerplexityProgress& p) {
    std::fprintf(stderr, "[%lld/%lld] perplexity %.4f  (%.1f s)\n", static_cast<long long>(p.chunks_done),
                 static_cast<long long>(p.chunks_total), p.perplexity, p.seconds);
    return true;
  };
  ENCLAVE_ASSIGN_OR_RETURN_CLI(PerplexityResult r, MeasurePerplexity(*model, tokens, options, base.get()));

  if (json) {
    nlohmann::json out;
    out["perplexity"] = r.perplexity;
    out["perplexity_stderr"] = r.perplexity_stderr;
    out["mean_nll"] = r.mean_nll;
    out["nll_stderr"] = r.nll_stderr;
    out["tokens"] = r.scored_tokens;
    out["chunks"] = r.chunks;
    out["ctx"] = r.context;
    out["seconds"] = r.seconds;
    if (r.kl) {
      out["kl_mean"] = r.kl->mean;
      out["kl_mean_stderr"] = r.kl->mean_stderr;
      out["kl_p99"] = r.kl->p99;
      out["kl_max"] = r.kl->max;
      out["top1_agreement"] = r.kl->top1_agreement;
    }
    std::printf("%s\n", out.dump().c_str());
    return 0;
  }
  std::printf("perplexity %.4f +/- %.4f  (mean NLL %.5f +/- %.5f nats over %lld tokens, %lld windows of %lld, %.1f s)\n",
              r.perplexity, r.perplexity_stderr, r.mean_nll, r.nll_stderr, static_cast<long long>(r.scored_tokens),
              static_cast<long long>(r.chunks), static_cast<long long>(r.context), r.seconds);
  if (r.kl)
    std::printf("KL(base || model) mean %.6f +/- %.6f, p99 %.6f, max %.6f; top-1 agreement %.2f%%\n", r.kl->mean,
                r.kl->mean_stderr, r.kl->p99, r.kl->max, 100.0 * r.kl->top1_agreement);
  return 0;
}

}  // namespace enclave::cli
