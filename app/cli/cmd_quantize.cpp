// enclave-cli quantize IN.gguf OUT.gguf TYPE: rewrites a GGUF with llama.cpp's per-tensor type
// rule for TYPE (f32, f16, bf16, q8_0, q4_0, q4_k_m; formats/quantize_model.h).
#include <cstdio>
#include <filesystem>
#include <string>

#include "args.h"
#include "cli_status.h"
#include "commands.h"
#include "formats/quantize_model.h"

namespace enclave::cli {

int CmdQuantize(int argc, char** argv) {
  auto parsed = Args::Parse(argc, argv, {}, {"-h", "--help"});
  if (!parsed.ok()) return Fail(parsed.status());
  const Args& args = *parsed;
  if (args.Has("-h") || args.Has("--help")) {
    std::printf("usage: enclave-cli quantize IN.gguf OUT.gguf TYPE   (f32, f16, bf16, q8_0, q4_0, q4_k_m)\n");
    return 0;
  }
  const auto& pos = args.positionals();
  if (pos.size() != 3)
    return Fail(InvalidArgument("usage: enclave-cli quantize IN.gguf OUT.gguf TYPE (f32, f16, bf16, q8_0, q4_0, q4_k_m)"));
  ENCLAVE_ASSIGN_OR_RETURN_CLI(FileType type, ParseFileType(pos[2]));
  std::error_code ec;
  if (std::filesystem::equivalent(pos[0], pos[1], ec))
    return Fail(InvalidArgument("OUT.gguf must differ from IN.gguf"));
  const Status st = QuantizeGguf(pos[0], pos[1], type);
  return st.ok() ? 0 : Fail(st);
}

}  // namespace enclave::cli
