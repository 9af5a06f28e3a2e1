package io.agora.signal.client;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;

/**
 * The requests of a session that have no RESULT yet, in the order they were made, so that a
 * resume can re-send those the server had not processed and a fresh login can renumber them.
 * Used on the session's thread only.
 */
final class PendingRequests {
  static final class Pending {
    long reqId;
    final int op;
    final List<byte[]> args;
    final ResultHandler handler;

    Pending(long reqId, int op, List<byte[]> args, ResultHandler handler) {
      this.reqId = reqId;
      this.op = op;
      this.args = args;
      this.handler = handler;
    }
  }

  private final LinkedHashMap<Long, Pending> byId = new LinkedHashMap<Long, Pending>();
  private long nextId = 1;

  Pending add(int op, List<byte[]> args, ResultHandler handler) {
    Pending p = new Pending(nextId++, op, args, handler);
    byId.put(p.reqId, p);
    return p;
  }

  Pending take(long reqId) {
    return byId.remove(reqId);
  }

  /** The kept requests with an id above {@code lastReqId}, in order (the server never saw them). */
  List<Pending> after(long lastReqId) {
    List<Pending> out = new ArrayList<Pending>();
    for (Pending p : byId.values()) {
      if (p.reqId > lastReqId) out.add(p);
    }
    return out;
  }

  /** A fresh session numbers requests from 1: every kept one gets a new id, in order. */
  List<Pending> renumber() {
    List<Pending> all = new ArrayList<Pending>(byId.values());
    byId.clear();
    nextId = 1;
    for (Pending p : all) {
      p.reqId = nextId++;
      byId.put(p.reqId, p);
    }
    return all;
  }

  /** Forgets every kept request and returns them; the next id is 1 again. */
  List<Pending> drain() {
    List<Pending> all = new ArrayList<Pending>(byId.values());
    byId.clear();
    nextId = 1;
    return all;
  }
}
