package io.agora.signal.client;

/**
 * Where sessions connect: "host:port" ("[v6addr]:port" for IPv6). Resolved, first found wins, from
 * the setter of {@code Signal}, the system property {@code agora.sig.server}, the environment
 * variable {@code AGORA_SIG_SERVER} (as the other SDKs), and the default 127.0.0.1:9720 (the TCP
 * port of {@code npm start}).
 */
public final class ServerAddress {
  public static final String SYSTEM_PROPERTY = "agora.sig.server";
  public static final String ENVIRONMENT_VARIABLE = "AGORA_SIG_SERVER";
  public static final String DEFAULT = "127.0.0.1:9720";

  public final String host;
  public final int port;

  private ServerAddress(String host, int port) {
    this.host = host;
    this.port = port;
  }

  /** Parses "host:port"; IllegalArgumentException names what is wrong. */
  public static ServerAddress parse(String text) {
    if (text == null) throw new IllegalArgumentException("server address is null");
    String t = text.trim();
    int colon = t.lastIndexOf(':');
    if (colon <= 0 || colon == t.length() - 1) throw new IllegalArgumentException("server address must be host:port, got \"" + text + "\"");
    String host = t.substring(0, colon);
    if (host.startsWith("[") && host.endsWith("]")) host = host.substring(1, host.length() - 1);
    int port;
    try {
      port = Integer.parseInt(t.substring(colon + 1));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("server address has a bad port: \"" + text + "\"");
    }
    if (port < 1 || port > 65535) throw new IllegalArgumentException("server address has a bad port: \"" + text + "\"");
    return new ServerAddress(host, port);
  }

  /** The address to use when the application set {@code explicit} (null: not set). */
  public static ServerAddress resolve(String explicit) {
    if (explicit != null) return parse(explicit);
    String fromProperty = System.getProperty(SYSTEM_PROPERTY);
    if (fromProperty != null && !fromProperty.trim().isEmpty()) return parse(fromProperty);
    String fromEnv = System.getenv(ENVIRONMENT_VARIABLE);
    if (fromEnv != null && !fromEnv.trim().isEmpty()) return parse(fromEnv);
    return parse(DEFAULT);
  }

  @Override
  public String toString() {
    return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + port;
  }
}
