// enclave-cli subcommands. Each takes the arguments after its name and returns the exit status
// (0 ok, 2 bad arguments or input files, 3 hardware too small; DESIGN.md).
#pragma once

namespace enclave::cli {

int CmdVersion(int argc, char** argv);
int CmdTokenize(int argc, char** argv);
int CmdRun(int argc, char** argv);
int CmdChat(int argc, char** argv);
int CmdBench(int argc, char** argv);
int CmdConvert(int argc, char** argv);
int CmdQuantize(int argc, char** argv);
int CmdEstimate(int argc, char** argv);
int CmdGpu(int argc, char** argv);
int CmdIndex(int argc, char** argv);
int CmdSearch(int argc, char** argv);
int CmdAsk(int argc, char** argv);
int CmdServe(int argc, char** argv);
int CmdPerplexity(int argc, char** argv);

}  // namespace enclave::cli
