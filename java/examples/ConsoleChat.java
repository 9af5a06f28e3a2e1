// A console chat of a Java back end: several accounts logged in at once from one JVM (one Signal,
// one LoginSession each), all in the channel "lobby". Run it from java/ (JDK 11+ runs a single
// source file) against `npm start`:
//
//   mvn -B -q compile dependency:build-classpath -Dmdep.outputFile=target/classpath.txt
//   java -cp "target/classes:$(cat target/classpath.txt)" examples/ConsoleChat.java alice bob
//
// Then type lines:  alice: hello everyone      (alice says it in the lobby)
//                   bob @alice psst             (bob sends alice a peer-to-peer message)
//                   /quit
// AGORA_SIG_SERVER=host:port or -Dagora.sig.server=host:port points it at another server.
import io.agora.signal.Signal;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

public class ConsoleChat {
  private static final Map<String, Signal.LoginSession> sessions = new LinkedHashMap<>();
  private static final Map<String, Signal.LoginSession.Channel> lobbies = new LinkedHashMap<>();

  public static void main(String[] args) throws Exception {
    if (args.length == 0) {
      System.err.println("usage: ConsoleChat <account> [<account> ...]");
      System.exit(2);
    }
    Signal signal = new Signal(System.getProperty("appId", "console-chat"));
    CountDownLatch joined = new CountDownLatch(args.length);
    for (final String account : args) {
      Signal.LoginSession session = signal.login(account, "_no_need_token", new Signal.LoginCallback() {
        @Override
        public void onLoginSuccess(Signal.LoginSession session, int uid) {
          say(account, "logged in as uid " + uid);
          lobbies.put(account, session.channelJoin("lobby", new Signal.ChannelCallback() {
            @Override
            public void onChannelJoined(Signal.LoginSession session, Signal.LoginSession.Channel channel) {
              joined.countDown();
            }

            @Override
            public void onMessageChannelReceive(Signal.LoginSession session, Signal.LoginSession.Channel channel, String from, int uid, String msg) {
              say(account, "#lobby " + from + ": " + msg);
            }
          }));
        }

        @Override
        public void onLoginFailed(Signal.LoginSession session, int ecode) {
          say(account, "login failed: " + ecode);
          joined.countDown();
        }

        @Override
        public void onMessageInstantReceive(Signal.LoginSession session, String from, int uid, String msg) {
          say(account, from + " -> you: " + msg);
        }

        @Override
        public void onLogout(Signal.LoginSession session, int ecode) {
          say(account, "logged out (" + ecode + ")");
        }
      });
      sessions.put(account, session);
    }
    if (!joined.await(10, TimeUnit.SECONDS)) System.err.println("not every account joined the lobby");
    System.out.println("ready");

    BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
    String line;
    while ((line = in.readLine()) != null && !line.equals("/quit")) {
      int colon = line.indexOf(": ");
      int at = line.indexOf(" @");
      if (colon > 0 && (at < 0 || colon < at)) {
        Signal.LoginSession.Channel lobby = lobbies.get(line.substring(0, colon));
        if (lobby != null) lobby.messageChannelSend(line.substring(colon + 2));
        else System.out.println("unknown account in: " + line);
      } else if (at > 0) {
        Signal.LoginSession from = sessions.get(line.substring(0, at));
        int space = line.indexOf(' ', at + 2);
        if (from == null || space < 0) {
          System.out.println("say: <account> @<peer> <message>");
          continue;
        }
        from.messageInstantSend(line.substring(at + 2, space), line.substring(space + 1), new Signal.MessageCallback() {
          @Override
          public void onMessageSendError(Signal.LoginSession session, int ecode) {
            say(session.getAccount(), "message not sent: " + ecode);
          }
        });
      } else {
        System.out.println("say: <account>: <message>  or  <account> @<peer> <message>  or  /quit");
      }
    }
    for (Signal.LoginSession s : sessions.values()) s.logout();
    Thread.sleep(300);
    // No System.exit: the SDK's threads are daemons, so the JVM ends with main.
  }

  private static synchronized void say(String account, String text) {
    System.out.println("[" + account + "] " + text);
  }
}
