// The Java SDK as a load generator target: the p2p scenarios of the benchmark (bench/, docs/performance.md)
// with the command line and output of agora_sig_loadgen, every session a LoginSession of
// io.agora.signal in this JVM. Run from java/ after `mvn -B -q compile dependency:build-classpath
// -Dmdep.outputFile=target/classpath.txt`:
//
//   java -cp "target/classes:$(cat target/classpath.txt)" bench/JavaLoadgen.java \
//     --target java --server 127.0.0.1:9720 --scenario p2p-throughput --pairs 20 --messages-per-pair 2000 --size 100
//
// Progress goes to stderr; stdout has the marks "@measure-begin" / "@measure-end" around the measured
// part (p2p-throughput) and, last, one JSON object {"target","scenario","params","metrics"}.
// Exit status 2 for a bad command line, 1 when the run fails.
import io.agora.signal.Signal;
import java.lang.management.ManagementFactory;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

public class JavaLoadgen {
  /** Requests in flight per p2p sender, as the C++ load generator (refilled on onMessageSendSuccess). */
  private static final int WINDOW = 100;
  private static final Map<String, Long> params = new LinkedHashMap<>();

  public static void main(String[] args) throws Exception {
    String server = null;
    String scenario = null;
    Map<String, Long> raw = new LinkedHashMap<>();
    try {
      for (int i = 0; i < args.length; i += 2) {
        if (!args[i].startsWith("--") || i + 1 >= args.length) throw new IllegalArgumentException("bad argument " + args[i]);
        String name = args[i].substring(2);
        if (name.equals("target")) {
          if (!args[i + 1].equals("java")) throw new IllegalArgumentException("--target must be java");
        } else if (name.equals("server")) server = args[i + 1];
        else if (name.equals("scenario")) scenario = args[i + 1];
        else raw.put(name, Long.parseLong(args[i + 1]));
      }
      if (server == null || !server.matches("[^:]+:\\d+")) throw new IllegalArgumentException("--server must be host:port");
      if ("p2p-latency".equals(scenario)) {
        param(raw, "rate", 1000);
        param(raw, "messages", 20000);
        param(raw, "size", 100);
      } else if ("p2p-throughput".equals(scenario)) {
        param(raw, "pairs", 100);
        param(raw, "messages-per-pair", 2000);
        param(raw, "size", 100);
      } else {
        throw new IllegalArgumentException("--scenario must be p2p-latency or p2p-throughput (the Java target runs the p2p scenarios)");
      }
    } catch (IllegalArgumentException e) {
      System.err.println("JavaLoadgen: " + e.getMessage());
      System.exit(2);
    }
    Map<String, Object> metrics;
    try {
      metrics = scenario.equals("p2p-latency") ? p2pLatency(server) : p2pThroughput(server);
    } catch (Exception e) {
      System.err.println("JavaLoadgen: " + e.getMessage());
      System.exit(1);
      return;
    }
    StringBuilder out = new StringBuilder("{\"target\":\"java\",\"scenario\":\"").append(scenario).append("\",\"params\":");
    out.append(json(new LinkedHashMap<String, Object>(params))).append(",\"metrics\":").append(json(metrics)).append('}');
    System.out.println(out);
    System.out.flush();
    System.exit(0);
  }

  private static void param(Map<String, Long> raw, String name, long dflt) {
    params.put(name, raw.containsKey(name) ? raw.get(name) : dflt);
  }

  /** A payload of {@code size} bytes whose first 20 are the send time (System.nanoTime, decimal). */
  private static String stamped(int size) {
    String t = String.format("%020d", System.nanoTime());
    StringBuilder sb = new StringBuilder(Math.max(size, 20)).append(t);
    while (sb.length() < size) sb.append('x');
    return sb.toString();
  }

  private static long latencyUs(String msg) {
    if (msg.length() < 20) return -1;
    try {
      return (System.nanoTime() - Long.parseLong(msg.substring(0, 20))) / 1000;
    } catch (NumberFormatException e) {
      return -1;
    }
  }

  /** Logs in {@code n} sessions, all of them in this JVM; each delivery goes to {@code onMessage}. */
  private static Signal.LoginSession[] loginAll(String server, String prefix, int n, final Delivery onMessage) throws Exception {
    Signal signal = new Signal("bench");
    signal.setServer(server);
    final CountDownLatch in = new CountDownLatch(n);
    final AtomicInteger failed = new AtomicInteger();
    Signal.LoginSession[] sessions = new Signal.LoginSession[n];
    for (int i = 0; i < n; i++) {
      final int index = i;
      sessions[i] = signal.login(prefix + "-" + i + "-" + ProcessHandle.current().pid(), "_no_need_token", new Signal.LoginCallback() {
        @Override
        public void onLoginSuccess(Signal.LoginSession session, int uid) {
          in.countDown();
        }

        @Override
        public void onLoginFailed(Signal.LoginSession session, int ecode) {
          failed.incrementAndGet();
          in.countDown();
        }

        @Override
        public void onMessageInstantReceive(Signal.LoginSession session, String account, int uid, String msg) {
          onMessage.received(index, msg);
        }
      });
    }
    if (!in.await(60, TimeUnit.SECONDS) || failed.get() > 0) throw new IllegalStateException("logins failed or timed out");
    return sessions;
  }

  private interface Delivery {
    void received(int session, String msg);
  }

  /** Waits until {@code count} reaches {@code target}; false when it stalls for {@code stallSeconds}. */
  private static boolean awaitCount(AtomicLong count, long target, double stallSeconds) throws InterruptedException {
    long last = count.get();
    long lastChange = System.nanoTime();
    while (count.get() < target) {
      Thread.sleep(0, 200000);
      long now = count.get();
      if (now != last) {
        last = now;
        lastChange = System.nanoTime();
      } else if ((System.nanoTime() - lastChange) / 1e9 > stallSeconds) {
        return false;
      }
    }
    return true;
  }

  private static Map<String, Object> p2pLatency(String server) throws Exception {
    final int messages = params.get("messages").intValue();
    final int size = params.get("size").intValue();
    double rate = params.get("rate");
    final long[] samples = new long[messages];
    final AtomicInteger sampleCount = new AtomicInteger();
    final AtomicLong count = new AtomicLong();
    final AtomicLong acked = new AtomicLong();
    final AtomicLong failed = new AtomicLong();
    final AtomicLong burstLeft = new AtomicLong();
    final boolean[] recording = {false};
    Signal.LoginSession[] s = loginAll(server, "lat", 2, (session, msg) -> {
      long us = latencyUs(msg);
      if (us >= 0 && recording[0]) {
        int k = sampleCount.getAndIncrement();
        if (k < samples.length) samples[k] = us;
      }
      count.incrementAndGet();
    });
    final Signal.LoginSession sender = s[0];
    final String to = s[1].getAccount();
    Map<String, Object> m = new LinkedHashMap<>();
    Signal.MessageCallback cb = new Signal.MessageCallback() {
      @Override
      public void onMessageSendSuccess(Signal.LoginSession session) {
        acked.incrementAndGet();
        if (burstLeft.get() > 0 && burstLeft.getAndDecrement() > 0) sender.messageInstantSend(to, stamped(size), this);
      }

      @Override
      public void onMessageSendError(Signal.LoginSession session, int ecode) {
        failed.incrementAndGet();
      }
    };
    if (rate <= 0) {
      int probe = Math.min(messages, 20000);
      int window = Math.min(probe, WINDOW);
      burstLeft.set(probe - window);
      long start = System.nanoTime();
      for (int i = 0; i < window; i++) sender.messageInstantSend(to, stamped(size), cb);
      if (!awaitCount(count, probe, 10)) throw new IllegalStateException("the maximum-rate run stalled");
      double maxRate = probe / ((System.nanoTime() - start) / 1e9);
      awaitCount(acked, probe, 10);
      rate = maxRate / 2;
      m.put("max_rate", maxRate);
      System.err.printf("  maximum %.0f msgs/s; measuring at %.0f%n", maxRate, rate);
      count.set(0);
    }
    recording[0] = true;
    long start = System.nanoTime();
    double intervalNs = 1e9 / rate;
    for (int k = 0; k < messages; k++) {
      long due = start + (long) (intervalNs * k);
      long wait = due - System.nanoTime();
      if (wait > 0) TimeUnit.NANOSECONDS.sleep(wait);
      sender.messageInstantSend(to, stamped(size), cb);
    }
    boolean complete = awaitCount(count, messages, 10);
    double seconds = (System.nanoTime() - start) / 1e9;
    recording[0] = false;
    Thread.sleep(50);
    long[] sorted = Arrays.copyOf(samples, Math.min(sampleCount.get(), samples.length));
    Arrays.sort(sorted);
    Map<String, Object> lat = new LinkedHashMap<>();
    lat.put("p50", percentile(sorted, 0.50));
    lat.put("p99", percentile(sorted, 0.99));
    lat.put("p999", percentile(sorted, 0.999));
    m.put("latency_us", lat);
    m.put("rate", rate);
    m.put("messages", count.get());
    m.put("seconds", seconds);
    if (!complete) m.put("lost", messages - count.get());
    m.put("send_errors", failed.get());
    return m;
  }

  private static Map<String, Object> p2pThroughput(String server) throws Exception {
    final int pairs = params.get("pairs").intValue();
    final long perPair = params.get("messages-per-pair");
    final int size = params.get("size").intValue();
    StringBuilder sb = new StringBuilder();
    while (sb.length() < size) sb.append('x');
    final String payload = sb.toString();
    final AtomicLong delivered = new AtomicLong();
    final AtomicLong failed = new AtomicLong();
    final Signal.LoginSession[] s = loginAll(server, "tp", 2 * pairs, (session, msg) -> delivered.incrementAndGet());
    final AtomicLong[] issued = new AtomicLong[pairs];
    for (int p = 0; p < pairs; p++) issued[p] = new AtomicLong();
    final Signal.MessageCallback[] callbacks = new Signal.MessageCallback[pairs];
    for (int p = 0; p < pairs; p++) {
      final int pair = p;
      callbacks[p] = new Signal.MessageCallback() {
        @Override
        public void onMessageSendSuccess(Signal.LoginSession session) {
          sendNext(pair);
        }

        @Override
        public void onMessageSendError(Signal.LoginSession session, int ecode) {
          failed.incrementAndGet();
          sendNext(pair);
        }

        void sendNext(int q) {
          if (issued[q].incrementAndGet() > perPair) return;
          s[q].messageInstantSend(s[pairs + q].getAccount(), payload, callbacks[q]);
        }
      };
    }
    long total = pairs * perPair;
    mark("@measure-begin");
    double cpuBegin = cpuSeconds();
    long start = System.nanoTime();
    for (int p = 0; p < pairs; p++) {
      for (int i = 0; i < WINDOW && issued[p].incrementAndGet() <= perPair; i++) {
        s[p].messageInstantSend(s[pairs + p].getAccount(), payload, callbacks[p]);
      }
    }
    boolean complete = awaitCount(delivered, total, 10);
    double seconds = (System.nanoTime() - start) / 1e9;
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("loadgen_cpu_s", cpuSeconds() - cpuBegin);
    mark("@measure-end");
    m.put("delivered_per_s", delivered.get() / seconds);
    m.put("delivered", delivered.get());
    m.put("seconds", seconds);
    m.put("send_errors", failed.get());
    if (!complete) m.put("lost", total - delivered.get());
    return m;
  }

  private static double percentile(long[] sorted, double q) {
    if (sorted.length == 0) return 0;
    return sorted[(int) Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
  }

  private static void mark(String line) {
    System.out.println(line);
    System.out.flush();
  }

  /** This process's CPU time (user + system) in seconds. */
  private static double cpuSeconds() {
    java.lang.management.OperatingSystemMXBean os = ManagementFactory.getOperatingSystemMXBean();
    if (os instanceof com.sun.management.OperatingSystemMXBean) {
      return ((com.sun.management.OperatingSystemMXBean) os).getProcessCpuTime() / 1e9;
    }
    return -1;
  }

  private static String json(Map<String, Object> map) {
    StringBuilder sb = new StringBuilder("{");
    for (Map.Entry<String, Object> e : map.entrySet()) {
      if (sb.length() > 1) sb.append(',');
      sb.append('"').append(e.getKey()).append("\":");
      Object v = e.getValue();
      if (v instanceof Map) {
        @SuppressWarnings("unchecked")
        Map<String, Object> inner = (Map<String, Object>) v;
        sb.append(json(inner));
      } else if (v instanceof Double) sb.append(String.format("%.3f", (Double) v));
      else sb.append(v);
    }
    return sb.append('}').toString();
  }
}
