// enclave-cli bench: prefill (pp) and decode (tg) speed like llama-bench. Each repetition
// prefills -p random tokens into an empty cache (pp), then decodes -n tokens greedily after that
// context (tg); the table shows mean and standard deviation over -r repetitions after one
// warm-up run. --json prints one object per test.
#include <cmath>
#include <cstdio>
#include <random>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "args.h"
#include "cli_status.h"
#include "commands.h"
#include "model/model.h"
#include "runtime/session.h"

namespace enclave::cli {
namespace {

struct Series {
  std::string test;  // "pp512", "tg128"
  int64_t n_prompt = 0;
  int64_t n_gen = 0;
  std::vector<double> samples;  // tokens per second

  double mean() const {
    double s = 0;
    for (double x : samples) s += x;
    return samples.empty() ? 0 : s / static_cast<double>(samples.size());
  }
  double stddev() const {  // sample standard deviation, as llama-bench reports
    if (samples.size() < 2) return 0;
    const double m = mean();
    double s = 0;
    for (double x : samples) s += (x - m) * (x - m);
    return std::sqrt(s / static_cast<double>(samples.size() - 1));
  }
};

std::string HumanBytes(int64_t bytes) {
  char buf[32];
  const double mib = static_cast<double>(bytes) / (1024.0 * 1024.0);
  if (mib >= 1024) std::snprintf(buf, sizeof(buf), "%.2f GiB", mib / 1024);
  else std::snprintf(buf, sizeof(buf), "%.2f MiB", mib);
  return buf;
}

std::string HumanCount(int64_t n) {
  char buf[32];
  if (n >= 1'000'000'000) std::snprintf(buf, sizeof(buf), "%.2f B", static_cast<double>(n) / 1e9);
  else std::snprintf(buf, sizeof(buf), "%.2f M", static_cast<double>(n) / 1e6);
  return buf;
}

}  // namespace

int CmdBench(int argc, char** argv) {
  auto parsed = Args::Parse(argc, argv, {"-m", "--model", "-p", "-n", "-r", "--device", "--threads", "-t", "--seed"},
                            {"--json", "-h", "--help"});
  if (!parsed.ok()) return Fail(parsed.status());
  const Args& args = *parsed;
  if (args.Has("-h") || args.Has("--help")) {
    std::printf("usage: enclave-cli bench -m PATH [-p 512] [-n 128] [-r 5] [--device cpu|cuda[:i]] [--threads N] [--json]\n");
    return 0;
  }
  const std::string path = args.GetOr("-m", args.GetOr("--model", ""));
  if (path.empty()) return Fail(InvalidArgument("bench needs -m PATH"));
  ENCLAVE_ASSIGN_OR_RETURN_CLI(int64_t n_prompt, args.GetInt("-p", 512, 0, 1 << 20));
  ENCLAVE_ASSIGN_OR_RETURN_CLI(int64_t n_gen, args.GetInt("-n", 128, 0, 1 << 20));
  ENCLAVE_ASSIGN_OR_RETURN_CLI(int64_t reps, args.GetInt("-r", 5, 1, 1000));
  ENCLAVE_ASSIGN_OR_RETURN_CLI(int64_t threads, args.GetInt("--threads", 0, 0, 1024));
  ENCLAVE_ASSIGN_OR_RETURN_CLI(int64_t seed, args.GetInt("--seed", 42, 0, INT64_MAX));
  if (n_prompt == 0 && n_gen == 0) return Fail(InvalidArgument("nothing to measure: -p and -n are both 0"));
  const bool json = args.Has("--json");

  LoadOptions load;
  load.device = args.GetOr("--device", "cpu");
  load.n_threads = static_cast<int>(threads);
  ENCLAVE_ASSIGN_OR_RETURN_CLI(std::unique_ptr<Model> model, LoadModel(path, load));
  // tg decodes after the pp context; with -p 0 it starts after a single token.
  const int64_t context_tokens = std::max<int64_t>(n_prompt, 1);
  SessionOptions session_options;
  session_options.context = context_tokens + n_gen + 1;
  session_options.max_batch = std::min<int64_t>(512, context_tokens);
  ENCLAVE_ASSIGN_OR_RETURN_CLI(std::unique_ptr<Session> session, Session::Create(*model, session_options));

  std::mt19937 rng(static_cast<uint32_t>(seed));
  std::uniform_int_distribution<int32_t> token(0, static_cast<int32_t>(model->config().vocab_size - 1));
  std::vector<int32_t> prompt(static_cast<size_t>(context_tokens));
  for (int32_t& id : prompt) id = token(rng);

  GenerateOptions gen;
  gen.max_tokens = n_gen + 1;  // the first token comes from the prefill logits; n_gen decode steps follow
  gen.ignore_eos = true;
  Series pp{"pp" + std::to_string(n_prompt), n_prompt, 0, {}};
  Series tg{"tg" + std::to_string(n_gen), 0, n_gen, {}};
  for (int64_t r = -1; r < reps; ++r) {  // r = -1: warm-up
    session->Reset();
    auto result = session->Generate(prompt, gen);
    if (!result.ok()) return Fail(result.status());
    if (r < 0) continue;
    if (n_prompt > 0) pp.samples.push_back(result->stats.prefill_tok_s());
    if (n_gen > 0) tg.samples.push_back(result->stats.decode_tok_s());
  }

  const ModelInfo& info = model->info();
  const std::string model_label = info.architecture + " " + info.name + " " + info.quantization;
  std::vector<const Series*> series;
  if (n_prompt > 0) series.push_back(&pp);
  if (n_gen > 0) series.push_back(&tg);
  if (json) {
    for (const Series* s : series) {
      nlohmann::json j;
      j["model"] = info.name;
      j["architecture"] = info.architecture;
      j["model_type"] = info.quantization;
      j["model_size"] = info.file_bytes;
      j["model_n_params"] = info.parameter_count;
      j["backend"] = model->backend().name();
      j["test"] = s->test;
      j["n_prompt"] = s->n_prompt;
      j["n_gen"] = s->n_gen;
      j["n_context"] = s->n_gen > 0 ? context_tokens : 0;
      j["repetitions"] = reps;
      j["avg_ts"] = s->mean();
      j["stddev_ts"] = s->stddev();
      j["samples_ts"] = s->samples;
      std::printf("%s\n", j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace).c_str());
    }
  } else {
    std::printf("| %-40s | %12s | %10s | %-8s | %8s | %20s |\n", "model", "size", "params", "backend", "test", "t/s");
    std::printf("| %s | %s | %s | %s | %s | %s |\n", std::string(40, '-').c_str(), std::string(12, '-').c_str(),
                std::string(10, '-').c_str(), std::string(8, '-').c_str(), std::string(8, '-').c_str(),
                std::string(20, '-').c_str());
    for (const Series* s : series) {
      char rate[64];
      std::snprintf(rate, sizeof(rate), "%.2f ± %.2f", s->mean(), s->stddev());
      std::printf("| %-40s | %12s | %10s | %-8s | %8s | %20s |\n", model_label.substr(0, 40).c_str(),
                  HumanBytes(info.file_bytes).c_str(), HumanCount(info.parameter_count).c_str(),
                  model->backend().name().c_str(), s->test.c_str(), rate);
    }
  }
  return 0;
}

}  // namespace enclave::cli
