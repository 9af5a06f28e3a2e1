package io.agora.signal.client;

import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * A task for a session's executor that logs what it throws. A ScheduledThreadPoolExecutor keeps a
 * task's exception in its Future, which nobody reads: without this, a fault would vanish silently.
 */
public final class GuardedTask implements Runnable {
  private static final Logger LOG = Logger.getLogger("io.agora.signal");
  private final Runnable task;

  private GuardedTask(Runnable task) {
    this.task = task;
  }

  public static Runnable of(Runnable task) {
    return task instanceof GuardedTask ? task : new GuardedTask(task);
  }

  @Override
  public void run() {
    try {
      task.run();
    } catch (RuntimeException e) {
      LOG.log(Level.WARNING, "agora-sig: an SDK task failed; the session carries on", e);
    }
  }
}
