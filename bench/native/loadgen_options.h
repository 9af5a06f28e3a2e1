// The load generator's command line (the same as the Socket.IO load generator's):
//   --target agora|floor --server host:port [--server2 host:port] --scenario NAME [--param value ...]
// --server2 (agora only) places the sessions over two nodes of a cluster (nodeOf).
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
  // The second node of a two-node cluster; port2 == 0 when not given.
  std::string host2;
  int port2 = 0;
  std::string scenario;
  std::map<std::string, long> params;  // every parameter of the scenario, defaults filled in
  // Seconds the idle scenario keeps its sessions open once all are connected (so the server's
  // memory can be read); not reported in params.
  long holdSeconds = 5;

  long param(const std::string& name) const { return params.at(name); }
};

// Which node (0: --server, 1: --server2) session `index` of the scenario talks to when there are
// two: p2p senders on the first and receivers on the second, so that every message crosses nodes;
// fan-out's sender (session 0) on the first and the other members alternating; logins and idle
// sessions alternating. bench/loadgen-options.ts nodeOf places the Socket.IO clients the same way.
int nodeOf(const LoadgenOptions& options, size_t index);

// The parameters each scenario takes, in output order.
const std::vector<std::string>& scenarioParams(const std::string& scenario);

// Throws std::invalid_argument with a readable text on bad input.
LoadgenOptions parseLoadgenOptions(int argc, char** argv);

}  // namespace bench

#endif  // AGORA_SIG_BENCH_LOADGEN_OPTIONS_H_
