package io.agora.signal.client;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;

import io.agora.signal.wire.Op;

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
    /**
     * Its bytes went to a connection's output. A session lost while a written request is
     * unanswered leaves its outcome unknown: the server may have processed it and lost the RESULT.
     */
    boolean written;

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

  /** Removes and returns the written, unanswered message requests, in order. */
  List<Pending> takeWrittenMessages() {
    List<Pending> out = new ArrayList<Pending>();
    for (Pending p : byId.values()) {
      if (p.written && Op.isMessage(p.op)) out.add(p);
    }
    for (Pending p : out) byId.remove(p.reqId);
    return out;
  }

  /** A fresh session numbers requests from 1: every kept one gets a new id, in order. */
  List<Pending> renumber() {
    List<Pending> all = new ArrayList<Pending>(byId.values());
    byId.clear();
    nextId = 1;
    for (Pending p : all) {
      p.reqId = nextId++;
      p.written = false;
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
