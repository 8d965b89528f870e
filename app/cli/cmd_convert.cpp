// enclave-cli convert: a Hugging Face folder -> GGUF, or a random-weight GGUF of a preset's shape.
//   convert HF_DIR -o OUT.gguf [--type f32|f16|bf16|q8_0|q4_0|q4_k_m]
//   convert --random-preset NAME -o OUT.gguf [--type T] [--seed S]
#include <cstdio>
#include <string>

#include <unistd.h>

#include "args.h"
#include "cli_status.h"
#include "commands.h"
#include "formats/convert.h"
#include "formats/quantize_model.h"
#include "hw/presets.h"
#include "model/random_model.h"

namespace enclave::cli {
namespace {

constexpr const char* kConvertUsage =
    "usage: enclave-cli convert HF_DIR -o OUT.gguf [--type f32|f16|bf16|q8_0|q4_0|q4_k_m]\n"
    "       enclave-cli convert --random-preset NAME -o OUT.gguf [--type T] [--seed S]";

// A progress line on stderr when it is a terminal.
bool Progress(float fraction) {
  static int last = -1;
  const int percent = static_cast<int>(fraction * 100);
  if (percent != last && isatty(fileno(stderr))) {
    std::fprintf(stderr, "\r%3d%%", percent);
    if (percent >= 100) std::fprintf(stderr, "\n");
    last = percent;
  }
  return true;
}

}  // namespace

int CmdConvert(int argc, char** argv) {
  auto parsed = Args::Parse(argc, argv, {"-o", "--output", "--type", "--random-preset", "--seed"}, {"-h", "--help"});
  if (!parsed.ok()) return Fail(parsed.status());
  const Args& args = *parsed;
  if (args.Has("-h") || args.Has("--help")) {
    std::printf("%s\n", kConvertUsage);
    return 0;
  }
  const std::string out = args.GetOr("-o", args.GetOr("--output", ""));
  if (out.empty()) return Fail(InvalidArgument("convert needs -o OUT.gguf (enclave-cli convert --help)"));
  const std::string type_name = args.GetOr("--type", "f32");
  ENCLAVE_ASSIGN_OR_RETURN_CLI(FileType type, ParseFileType(type_name));

  if (auto preset_name = args.Get("--random-preset")) {
    if (!args.positionals().empty())
      return Fail(InvalidArgument("--random-preset takes no HF_DIR (got '" + args.positionals()[0] + "')"));
    ENCLAVE_ASSIGN_OR_RETURN_CLI(int64_t seed, args.GetInt("--seed", 1, 0, INT64_MAX));
    ENCLAVE_ASSIGN_OR_RETURN_CLI(hw::ModelPreset preset, hw::FindPreset(*preset_name));
    RandomModelOptions options;
    options.type = type;
    options.seed = static_cast<uint64_t>(seed);
    options.name = preset.display_name + " (random weights)";
    options.progress = Progress;
    const Status st = WriteRandomModel(hw::HfConfigJson(preset), out, options);
    return st.ok() ? 0 : Fail(st);
  }

  if (args.positionals().size() != 1)
    return Fail(InvalidArgument("convert needs one HF_DIR (enclave-cli convert --help)"));
  ConvertOptions options;
  options.type = type_name;
  options.progress = Progress;
  const Status st = ConvertHfToGguf(args.positionals()[0], out, options);
  return st.ok() ? 0 : Fail(st);
}

}  // namespace enclave::cli
