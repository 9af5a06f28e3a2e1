// Raises the open-file limit as far as the process may, for tens of thousands of sockets.
#ifndef AGORA_SIG_BENCH_RAISE_FD_LIMIT_H_
#define AGORA_SIG_BENCH_RAISE_FD_LIMIT_H_

#include <sys/resource.h>

#include <stdexcept>
#include <string>

inline rlim_t raiseFdLimit() {
  rlimit limit;
  if (getrlimit(RLIMIT_NOFILE, &limit) != 0) return 0;
  // Root may raise the hard limit too; fs.nr_open caps it (1048576 by default).
  rlimit wanted{200000, 200000};
  if (limit.rlim_max < wanted.rlim_max && setrlimit(RLIMIT_NOFILE, &wanted) == 0) return wanted.rlim_cur;
  limit.rlim_cur = limit.rlim_max;
  setrlimit(RLIMIT_NOFILE, &limit);
  getrlimit(RLIMIT_NOFILE, &limit);
  return limit.rlim_cur;
}

// Throws a readable error when count more descriptors cannot be open at once in this process.
inline void requireDescriptors(size_t count) {
  rlimit limit;
  if (getrlimit(RLIMIT_NOFILE, &limit) != 0) return;
  size_t needed = count + 64;  // the loop's own descriptors, stdio, the core's wakeup pair
  if (limit.rlim_cur != RLIM_INFINITY && needed > limit.rlim_cur) {
    throw std::runtime_error(std::to_string(count) + " sockets need " + std::to_string(needed) +
                             " open files, but this process may open " +
                             std::to_string(limit.rlim_cur) +
                             " (the hard limit; a privileged shell can raise it with ulimit -Hn)");
  }
}

#endif  // AGORA_SIG_BENCH_RAISE_FD_LIMIT_H_
