package io.agora.signal;

import static org.junit.jupiter.api.Assertions.fail;

import java.util.ArrayList;
import java.util.List;

/**
 * What callbacks were called, as lines ("onLoginSuccess alice 7"), in order, with waits. Records
 * too whether every callback ran on a daemon thread of the SDK.
 */
final class Recorder {
  private final List<String> lines = new ArrayList<String>();
  private volatile boolean offSdkThread;

  synchronized void add(String line) {
    Thread t = Thread.currentThread();
    if (!t.isDaemon() || !t.getName().startsWith("agora-sig-")) offSdkThread = true;
    lines.add(line);
    notifyAll();
  }

  boolean calledOffSdkThreads() {
    return offSdkThread;
  }

  synchronized List<String> lines() {
    return new ArrayList<String>(lines);
  }

  synchronized int count(String prefix) {
    int n = 0;
    for (String l : lines) if (l.startsWith(prefix)) n++;
    return n;
  }

  /** The first line starting with {@code prefix}, waiting up to 10 s for it. */
  String await(String prefix) throws InterruptedException {
    return await(prefix, 1, 10000).get(0);
  }

  /** The first {@code n} lines starting with {@code prefix}, waiting up to {@code ms}. */
  synchronized List<String> await(String prefix, int n, long ms) throws InterruptedException {
    long end = System.currentTimeMillis() + ms;
    while (true) {
      List<String> found = new ArrayList<String>();
      for (String l : lines) if (l.startsWith(prefix)) found.add(l);
      if (found.size() >= n) return found.subList(0, n);
      long left = end - System.currentTimeMillis();
      if (left <= 0) fail("waited " + ms + " ms for " + n + " x \"" + prefix + "\"; got " + lines);
      wait(left);
    }
  }

  /** Asserts that no line starting with {@code prefix} arrives within {@code ms}. */
  synchronized void assertNone(String prefix, long ms) throws InterruptedException {
    long end = System.currentTimeMillis() + ms;
    while (true) {
      for (String l : lines) if (l.startsWith(prefix)) fail("unexpected \"" + l + "\" in " + lines);
      long left = end - System.currentTimeMillis();
      if (left <= 0) return;
      wait(left);
    }
  }
}
