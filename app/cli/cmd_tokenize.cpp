// enclave-cli tokenize -m PATH|--tokenizer tokenizer.json [--special] [--json]
// Reads stdin byte for byte and prints its token ids: space-separated, or {"ids":[...]}.
// --special adds what the model adds around a prompt (BOS, [CLS] ... [SEP]); special tokens
// written in the text are always matched.
#include <cstdio>
#include <filesystem>
#include <string>

#include "args.h"
#include "commands.h"
#include "tokenizer/tokenizer.h"

namespace enclave::cli {
namespace {

Expected<std::string> ReadStdin() {
  std::string text;
  char buffer[1 << 16];
  for (;;) {
    const size_t n = std::fread(buffer, 1, sizeof(buffer), stdin);
    text.append(buffer, n);
    if (n < sizeof(buffer)) break;
  }
  if (std::ferror(stdin)) return IoError("cannot read standard input");
  return text;
}

Expected<std::unique_ptr<Tokenizer>> LoadFromArgs(const Args& args) {
  const auto model = args.Get("-m") ? args.Get("-m") : args.Get("--model");
  const auto tokenizer = args.Get("--tokenizer");
  if (model && tokenizer) return InvalidArgument("tokenize: give either -m or --tokenizer, not both");
  if (!model && !tokenizer)
    return InvalidArgument("tokenize needs -m MODEL (a .gguf file or a Hugging Face folder) or --tokenizer tokenizer.json");
  if (!args.positionals().empty())
    return InvalidArgument("tokenize reads its text from standard input, not from '" + args.positionals()[0] + "'");
  const std::string path = model ? *model : *tokenizer;
  std::error_code ec;
  if (!std::filesystem::exists(path, ec)) return NotFound(path + ": no such file or folder");
  if (model && !std::filesystem::is_directory(path, ec) && std::filesystem::path(path).extension() != ".gguf")
    return InvalidArgument(path + ": -m takes a .gguf file or a Hugging Face folder (use --tokenizer for tokenizer.json)");
  return LoadTokenizer(path);
}

}  // namespace

int CmdTokenize(int argc, char** argv) {
  auto args = Args::Parse(argc, argv, {"-m", "--model", "--tokenizer"}, {"--special", "--json"});
  if (!args.ok()) return Fail(args.status());
  auto tokenizer = LoadFromArgs(*args);
  if (!tokenizer.ok()) return Fail(tokenizer.status());
  auto text = ReadStdin();
  if (!text.ok()) return Fail(text.status());

  const std::vector<int32_t> ids = (*tokenizer)->Encode(*text, args->Has("--special"));
  const bool json = args->Has("--json");
  std::string out = json ? "{\"ids\":[" : "";
  for (size_t i = 0; i < ids.size(); ++i) {
    if (i > 0) out += json ? "," : " ";
    out += std::to_string(ids[i]);
  }
  out += json ? "]}\n" : "\n";
  std::fwrite(out.data(), 1, out.size(), stdout);
  return std::fflush(stdout) == 0 ? 0 : 1;
}

}  // namespace enclave::cli
