// Timestamps carried in payloads, percentiles, and the one-line JSON result.
#ifndef AGORA_SIG_BENCH_MEASUREMENTS_H_
#define AGORA_SIG_BENCH_MEASUREMENTS_H_

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/resource.h>

#include <algorithm>
#include <chrono>
#include <string>
#include <thread>
#include <utility>
#include <vector>

namespace bench {

using Clock = std::chrono::steady_clock;

inline int64_t nowNs() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(Clock::now().time_since_epoch())
      .count();
}

inline double secondsSince(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

// A payload of exactly size bytes (size >= 28): the send time in nanoseconds of the steady clock
// as 20 decimal digits, then filler. Sender and receiver share one process, so one clock.
inline std::string stampedPayload(size_t size) {
  std::string s(size, 'x');
  uint64_t ns = static_cast<uint64_t>(nowNs());
  for (int i = 19; i >= 0; --i) {
    s[static_cast<size_t>(i)] = static_cast<char>('0' + ns % 10);
    ns /= 10;
  }
  return s;
}

// Microseconds since the stamp in payload (-1 when it carries none).
inline int64_t latencyUs(const char* payload, size_t size) {
  if (size < 20) return -1;
  int64_t ns = 0;
  for (int i = 0; i < 20; ++i) {
    char c = payload[i];
    if (c < '0' || c > '9') return -1;
    ns = ns * 10 + (c - '0');
  }
  return (nowNs() - ns) / 1000;
}

inline double percentile(std::vector<int64_t>& sortedSamples, double p) {
  if (sortedSamples.empty()) return 0;
  size_t index = static_cast<size_t>(p * static_cast<double>(sortedSamples.size() - 1) + 0.5);
  return static_cast<double>(sortedSamples[std::min(index, sortedSamples.size() - 1)]);
}

// The "metrics" object: numbers and objects of numbers, in insertion order.
class Metrics {
 public:
  void set(const std::string& name, double value) { fields_.push_back({name, number(value)}); }
  void setObject(const std::string& name, const std::vector<std::pair<std::string, double>>& values) {
    std::string o = "{";
    for (size_t i = 0; i < values.size(); ++i) {
      if (i) o += ",";
      o += "\"" + values[i].first + "\":" + number(values[i].second);
    }
    fields_.push_back({name, o + "}"});
  }
  std::string json() const {
    std::string o = "{";
    for (size_t i = 0; i < fields_.size(); ++i) {
      if (i) o += ",";
      o += "\"" + fields_[i].first + "\":" + fields_[i].second;
    }
    return o + "}";
  }

 private:
  static std::string number(double v) {
    char buffer[64];
    if (v == static_cast<double>(static_cast<int64_t>(v))) {
      snprintf(buffer, sizeof buffer, "%lld", static_cast<long long>(v));
    } else {
      snprintf(buffer, sizeof buffer, "%.3f", v);
    }
    return buffer;
  }
  std::vector<std::pair<std::string, std::string>> fields_;
};

// User + system CPU seconds of this process so far, all threads.
inline double processCpuSeconds() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  auto seconds = [](const timeval& t) { return static_cast<double>(t.tv_sec) + static_cast<double>(t.tv_usec) / 1e6; };
  return seconds(usage.ru_utime) + seconds(usage.ru_stime);
}

// The measured part of a scenario (first send to last delivery, first connect to last login).
// Both processes' CPU is taken over this same interval: the load generator's own here, the
// server's by the runner, which reads it from /proc when it sees the two marks on stdout. A
// 2-core machine shared by server and load generator is only as fast as the two together allow.
// AGORA_SIG_BENCH_MARK_SETTLE_MS (set by the runner for the targets on Redis) makes each mark wait
// that long before the interval starts and before the scenario goes on after it ends: the runner
// reads Redis' command counters over the network at each mark, and they must not yet count the
// first messages, nor already count the logouts that follow the last delivery.
class MeasuredInterval {
 public:
  void begin() {
    mark("@measure-begin");
    cpuAtBegin_ = processCpuSeconds();
  }
  void end(Metrics& m) {
    double used = processCpuSeconds() - cpuAtBegin_;
    mark("@measure-end");
    m.set("loadgen_cpu_s", used);
  }

 private:
  static void mark(const char* line) {
    fputs(line, stdout);
    fputc('\n', stdout);
    fflush(stdout);
    static const long settleMs = [] {
      const char* text = getenv("AGORA_SIG_BENCH_MARK_SETTLE_MS");
      return text != nullptr ? strtol(text, nullptr, 10) : 0L;
    }();
    if (settleMs > 0) std::this_thread::sleep_for(std::chrono::milliseconds(settleMs));
  }
  double cpuAtBegin_ = 0;
};

// Latency percentiles in microseconds; sorts samples.
inline std::vector<std::pair<std::string, double>> latencySummary(std::vector<int64_t>& samples,
                                                                  bool withP999) {
  std::sort(samples.begin(), samples.end());
  std::vector<std::pair<std::string, double>> out = {{"p50", percentile(samples, 0.50)},
                                                     {"p99", percentile(samples, 0.99)}};
  if (withP999) out.push_back({"p999", percentile(samples, 0.999)});
  return out;
}

// The source address of session i when sessions are spread over 127.0.0.2, 127.0.0.3, ...
// (perAddress sessions each), so that one address never runs out of ports.
// The first three bytes come from AGORA_SIG_BENCH_SOURCE_PREFIX (default 127.0.0): the runner
// gives each scenario run addresses of its own, so the ports that the previous run's closed
// connections still hold (TIME_WAIT) cannot run a later run out of ports.
inline std::string spreadSourceAddress(size_t i, size_t perAddress = 20000) {
  static const std::string prefix = [] {
    const char* env = getenv("AGORA_SIG_BENCH_SOURCE_PREFIX");
    return std::string(env && *env ? env : "127.0.0");
  }();
  return prefix + "." + std::to_string(2 + i / perAddress);
}

}  // namespace bench

#endif  // AGORA_SIG_BENCH_MEASUREMENTS_H_
