// The scenarios of the benchmark against each target the C++ load generator drives.
#ifndef AGORA_SIG_BENCH_SCENARIOS_H_
#define AGORA_SIG_BENCH_SCENARIOS_H_

#include "loadgen_options.h"
#include "measurements.h"

namespace bench {

// Our stack: the server through the C++ core, one SDK instance per session, all in this process.
Metrics runAgoraScenario(const LoadgenOptions& options);

// The floor: raw sockets speaking the floor protocol to agora_sig_floor_relay.
Metrics runFloorScenario(const LoadgenOptions& options);

}  // namespace bench

#endif  // AGORA_SIG_BENCH_SCENARIOS_H_
