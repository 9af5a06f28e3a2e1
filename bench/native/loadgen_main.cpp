// agora_sig_loadgen: one scenario against one target; progress on stderr, and one JSON object on
// the last line of stdout: {"target":..., "scenario":..., "params":{...}, "metrics":{...}}.
#include <signal.h>
#include <stdio.h>

#include <stdexcept>

#include "loadgen_options.h"
#include "raise_fd_limit.h"
#include "scenarios.h"

int main(int argc, char** argv) {
  bench::LoadgenOptions options;
  try {
    options = bench::parseLoadgenOptions(argc, argv);
  } catch (const std::invalid_argument& e) {
    fprintf(stderr,
            "agora_sig_loadgen: %s\nusage: agora_sig_loadgen --target agora|floor --server host:port "
            "[--server2 host:port] --scenario p2p-latency|p2p-throughput|fanout|login-storm|idle [--rate N] [--messages N] "
            "[--size N] [--pairs N] [--messages-per-pair N] [--members N] [--accounts N] "
            "[--sessions N] [--hold SECONDS]\n",
            e.what());
    return 2;
  }
  signal(SIGPIPE, SIG_IGN);
  raiseFdLimit();
  bench::Metrics metrics;
  try {
    metrics = options.target == "agora" ? bench::runAgoraScenario(options)
                                        : bench::runFloorScenario(options);
  } catch (const std::exception& e) {
    fprintf(stderr, "agora_sig_loadgen: %s\n", e.what());
    return 1;
  }
  std::string params = "{";
  bool first = true;
  for (const std::string& name : bench::scenarioParams(options.scenario)) {
    if (!first) params += ",";
    first = false;
    params += "\"" + name + "\":" + std::to_string(options.param(name));
  }
  params += "}";
  printf("{\"target\":\"%s\",\"scenario\":\"%s\",\"params\":%s,\"metrics\":%s}\n",
         options.target.c_str(), options.scenario.c_str(), params.c_str(), metrics.json().c_str());
  fflush(stdout);
  return 0;
}
