// Writes the fuzzer's seed corpus from docs/protocol-vectors.json: every vector's body (valid and
// invalid), every valid body with its length prefix, and one stream of all valid frames.
//   write_seeds <protocol-vectors.json> <directory>
#include <stddef.h>
#include <stdint.h>

#include <fstream>
#include <iostream>
#include <stdexcept>
#include <string>

#include <nlohmann/json.hpp>

namespace {

using json = nlohmann::json;

std::string fromHex(const std::string& hex) {
  if (hex.size() % 2 != 0) throw std::runtime_error("odd hex string: " + hex);
  std::string out;
  for (size_t i = 0; i < hex.size(); i += 2) out += static_cast<char>(std::stoi(hex.substr(i, 2), nullptr, 16));
  return out;
}

std::string withLength(const std::string& body) {
  const size_t n = body.size();
  std::string out{static_cast<char>(n >> 24), static_cast<char>(n >> 16), static_cast<char>(n >> 8),
                  static_cast<char>(n)};
  return out + body;
}

void writeFile(const std::string& path, const std::string& bytes) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  if (!out) throw std::runtime_error("cannot write " + path);
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 3) {
    std::cerr << "usage: write_seeds <protocol-vectors.json> <directory>\n";
    return 2;
  }
  try {
    std::ifstream in(argv[1]);
    if (!in) throw std::runtime_error(std::string("cannot open ") + argv[1]);
    const json vectors = json::parse(in);
    const std::string dir = argv[2];
    std::string stream;
    size_t i = 0;
    for (const json& v : vectors.at("valid")) {
      const std::string body = fromHex(v.at("hex").get<std::string>());
      writeFile(dir + "/valid-" + std::to_string(i), body);
      writeFile(dir + "/valid-" + std::to_string(i) + "-framed", withLength(body));
      stream += withLength(body);
      ++i;
    }
    writeFile(dir + "/valid-stream", stream);
    i = 0;
    for (const json& v : vectors.at("invalid")) {
      writeFile(dir + "/invalid-" + std::to_string(i++), fromHex(v.at("hex").get<std::string>()));
    }
  } catch (const std::exception& e) {
    std::cerr << "write_seeds: " << e.what() << "\n";
    return 1;
  }
  return 0;
}
