// enclave-cli: the engine without the GUI. Every capability is scriptable from here.
#include <cstdio>
#include <cstring>
#include <string_view>

#include "commands.h"

namespace {

struct Command {
  const char* name;
  int (*fn)(int, char**);
  const char* summary;
};

constexpr Command kCommands[] = {
    {"run", enclave::cli::CmdRun, "generate text from a prompt or token ids"},
    {"chat", enclave::cli::CmdChat, "interactive chat on the terminal"},
    {"tokenize", enclave::cli::CmdTokenize, "print the token ids of stdin"},
    {"bench", enclave::cli::CmdBench, "prefill (pp) and decode (tg) speed"},
    {"convert", enclave::cli::CmdConvert, "Hugging Face folder -> GGUF"},
    {"quantize", enclave::cli::CmdQuantize, "GGUF -> GGUF of another type"},
    {"estimate", enclave::cli::CmdEstimate, "will a model fit, how fast, at what cost"},
    {"gpu", enclave::cli::CmdGpu, "GPU status (NVML)"},
    {"index", enclave::cli::CmdIndex, "index document folders into a SQLite collection"},
    {"search", enclave::cli::CmdSearch, "retrieve passages from a collection"},
    {"ask", enclave::cli::CmdAsk, "answer a question from a collection with citations"},
    {"serve", enclave::cli::CmdServe, "OpenAI-compatible HTTP server"},
    {"perplexity", enclave::cli::CmdPerplexity, "perplexity and KL divergence over a text"},
};

void PrintUsage() {
  std::fprintf(stderr, "usage: enclave-cli COMMAND [options]   (enclave-cli --version)\n\ncommands:\n");
  for (const Command& c : kCommands) std::fprintf(stderr, "  %-11s %s\n", c.name, c.summary);
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    PrintUsage();
    return 2;
  }
  const std::string_view cmd = argv[1];
  if (cmd == "--version" || cmd == "version") return enclave::cli::CmdVersion(argc - 2, argv + 2);
  if (cmd == "--help" || cmd == "-h" || cmd == "help") {
    PrintUsage();
    return 0;
  }
  for (const Command& c : kCommands)
    if (cmd == c.name) return c.fn(argc - 2, argv + 2);
  std::fprintf(stderr, "enclave-cli: unknown command '%s'\n", argv[1]);
  PrintUsage();
  return 2;
}
