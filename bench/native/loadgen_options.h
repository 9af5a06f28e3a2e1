// The load generator's command line (the same as the Socket.IO load generator's):
//   --target agora|floor --server host:port --scenario NAME [--param value ...]
#ifndef AGORA_SIG_BENCH_LOADGEN_OPTIONS_H_
#define AGORA_SIG_BENCH_LOADGEN_OPTIONS_H_

#include <map>
#include <string>
#include <vector>

namespace bench {

struct LoadgenOptions {
  std::string target;
  std::string host;
  int port = 0;
  std::string scenario;
  std::map<std::string, long> params;  // every parameter of the scenario, defaults filled in
  // Seconds the idle scenario keeps its sessions open once all are connected (so the server's
  // memory can be read); not reported in params.
  long holdSeconds = 5;

  long param(const std::string& name) const { return params.at(name); }
};

// The parameters each scenario takes, in output order.
const std::vector<std::string>& scenarioParams(const std::string& scenario);

// Throws std::invalid_argument with a readable text on bad input.
LoadgenOptions parseLoadgenOptions(int argc, char** argv);

}  // namespace bench

#endif  // AGORA_SIG_BENCH_LOADGEN_OPTIONS_H_
