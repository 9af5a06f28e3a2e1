#include "loadgen_options.h"

#include <stdlib.h>

#include <stdexcept>

namespace bench {

namespace {

const std::map<std::string, long>& defaults() {
  static const std::map<std::string, long> d = {
      {"rate", 1000},   {"messages", 20000}, {"size", 100},        {"pairs", 100},
      {"messages-per-pair", 2000}, {"members", 1000}, {"accounts", 10000}, {"sessions", 10000}};
  return d;
}

long parseCount(const std::string& flag, const std::string& value) {
  char* end = nullptr;
  long n = strtol(value.c_str(), &end, 10);
  if (value.empty() || *end || n < 0) {
    throw std::invalid_argument(flag + " must be a non-negative integer, got " + value);
  }
  return n;
}

// host:port into its parts; throws with `flag` named on bad input.
void parseAddress(const std::string& flag, const std::string& text, std::string& host, int& port) {
  size_t colon = text.rfind(':');
  if (text.empty() || colon == std::string::npos || colon == 0) {
    throw std::invalid_argument(flag + " must be host:port");
  }
  host = text.substr(0, colon);
  long n = parseCount(flag + " port", text.substr(colon + 1));
  if (n < 1 || n > 65535) throw std::invalid_argument(flag + " port must be 1-65535");
  port = static_cast<int>(n);
}

}  // namespace

const std::vector<std::string>& scenarioParams(const std::string& scenario) {
  static const std::map<std::string, std::vector<std::string>> table = {
      {"p2p-latency", {"rate", "messages", "size"}},
      {"p2p-throughput", {"pairs", "messages-per-pair", "size"}},
      {"fanout", {"members", "messages", "size"}},
      {"login-storm", {"accounts"}},
      {"idle", {"sessions"}}};
  auto it = table.find(scenario);
  if (it == table.end()) {
    throw std::invalid_argument("unknown scenario " + scenario +
                                " (p2p-latency, p2p-throughput, fanout, login-storm, idle)");
  }
  return it->second;
}

int nodeOf(const LoadgenOptions& o, size_t index) {
  if (o.scenario == "p2p-latency") return index == 0 ? 0 : 1;
  if (o.scenario == "p2p-throughput") return index < static_cast<size_t>(o.param("pairs")) ? 0 : 1;
  return static_cast<int>(index % 2);
}

LoadgenOptions parseLoadgenOptions(int argc, char** argv) {
  LoadgenOptions o;
  std::string server;
  std::string server2;
  std::map<std::string, long> given;
  for (int i = 1; i < argc; i += 2) {
    std::string flag = argv[i];
    if (flag.rfind("--", 0) != 0) throw std::invalid_argument("unexpected argument " + flag);
    if (i + 1 >= argc) throw std::invalid_argument(flag + " needs a value");
    std::string value = argv[i + 1];
    std::string name = flag.substr(2);
    if (name == "target") {
      o.target = value;
    } else if (name == "server") {
      server = value;
    } else if (name == "server2") {
      server2 = value;
    } else if (name == "scenario") {
      o.scenario = value;
    } else if (name == "hold") {
      o.holdSeconds = parseCount(flag, value);
    } else if (defaults().count(name)) {
      given[name] = parseCount(flag, value);
    } else {
      throw std::invalid_argument("unknown option " + flag);
    }
  }
  if (o.target != "agora" && o.target != "floor") {
    throw std::invalid_argument("--target must be agora or floor (socketio has its own load generator)");
  }
  parseAddress("--server", server, o.host, o.port);
  if (!server2.empty()) {
    // The floor relay is one process with no way to reach another.
    if (o.target != "agora") throw std::invalid_argument("--server2 is for --target agora only");
    parseAddress("--server2", server2, o.host2, o.port2);
  }
  if (o.scenario.empty()) throw std::invalid_argument("--scenario is required");
  for (const std::string& name : scenarioParams(o.scenario)) {
    long value = defaults().at(name);
    if (o.scenario == "fanout" && name == "messages") value = 200;
    auto g = given.find(name);
    o.params[name] = g != given.end() ? g->second : value;
  }
  for (auto& g : given) {
    if (!o.params.count(g.first)) {
      throw std::invalid_argument("--" + g.first + " is not a parameter of " + o.scenario);
    }
  }
  if (o.params.count("size") && o.params["size"] < 28) {
    throw std::invalid_argument("--size must be at least 28 (the payload carries a timestamp and an index)");
  }
  return o;
}

}  // namespace bench
