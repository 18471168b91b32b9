package io.aifactory.sdk.diagnostics.internal;

import com.sun.net.httpserver.Headers;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Serves the page, its script and style, uPlot from its WebJar, and {@code events}: the Server-Sent Events stream.
 * Read-only: GET and HEAD only, a fixed list of files (nothing else on the class path can be read through it), and a
 * Content-Security-Policy that allows no script but the page's own. All links are relative, so the page works under
 * whatever context path a vendor mounts it.
 */
public final class PageHandler implements HttpHandler {
  private static final String PAGE = "/io/aifactory/sdk/diagnostics/page/";
  private static final Duration KEEP_ALIVE = Duration.ofSeconds(15);
  private static final String CSP = "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self';"
      + " connect-src 'self'; frame-ancestors 'self'";

  private final Broadcaster broadcaster;
  private final boolean loopbackHostsOnly;
  private final Map<String, String[]> files; // name -> {class path resource, content type}
  private final Map<String, byte[]> cache = new ConcurrentHashMap<>();

  /**
   * @param loopbackHostsOnly answer only requests addressed to localhost, 127.0.0.1 or [::1]: for a server bound to
   *     the loopback interface, this stops a web page elsewhere from reading it through DNS rebinding
   */
  public PageHandler(Broadcaster broadcaster, boolean loopbackHostsOnly) {
    this.broadcaster = broadcaster;
    this.loopbackHostsOnly = loopbackHostsOnly;
    String uplot = "/META-INF/resources/webjars/uplot/" + uplotVersion() + "/dist/";
    this.files = Map.of(
        "", new String[] {PAGE + "index.html", "text/html; charset=utf-8"},
        "index.html", new String[] {PAGE + "index.html", "text/html; charset=utf-8"},
        "diagnostics.js", new String[] {PAGE + "diagnostics.js", "text/javascript; charset=utf-8"},
        "diagnostics.css", new String[] {PAGE + "diagnostics.css", "text/css; charset=utf-8"},
        "uPlot.iife.min.js", new String[] {uplot + "uPlot.iife.min.js", "text/javascript; charset=utf-8"},
        "uPlot.min.css", new String[] {uplot + "uPlot.min.css", "text/css; charset=utf-8"});
  }

  /** The WebJar names its folder by version; reading it from the jar means a version bump in the pom is enough. */
  private static String uplotVersion() {
    try (InputStream in = PageHandler.class.getResourceAsStream("/META-INF/maven/org.webjars.npm/uplot/pom.properties")) {
      if (in == null) throw new IllegalStateException("the uPlot WebJar (org.webjars.npm:uplot) is not on the class path");
      Properties p = new Properties();
      p.load(in);
      return p.getProperty("version");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public void handle(HttpExchange exchange) throws IOException {
    try {
      String method = exchange.getRequestMethod();
      if (!method.equals("GET") && !method.equals("HEAD")) {
        exchange.getResponseHeaders().set("Allow", "GET, HEAD");
        send(exchange, 405, "text/plain; charset=utf-8", "read-only: GET and HEAD only\n".getBytes(StandardCharsets.UTF_8));
        return;
      }
      if (loopbackHostsOnly && !loopbackHost(exchange.getRequestHeaders().getFirst("Host"))) {
        send(exchange, 403, "text/plain; charset=utf-8", "forbidden host\n".getBytes(StandardCharsets.UTF_8));
        return;
      }
      String context = exchange.getHttpContext().getPath();
      String path = exchange.getRequestURI().getPath();
      String name = path.startsWith(context) ? path.substring(context.length()) : path;
      if (name.startsWith("/")) name = name.substring(1);
      if (name.isEmpty() && !path.endsWith("/")) {
        // Relative links need the trailing slash: /diagnostics -> /diagnostics/
        exchange.getResponseHeaders().set("Location", path + "/");
        send(exchange, 301, "text/plain; charset=utf-8", new byte[0]);
        return;
      }
      if (name.equals("events")) {
        stream(exchange);
        return;
      }
      String[] file = files.get(name);
      if (file == null) {
        send(exchange, 404, "text/plain; charset=utf-8", "not found\n".getBytes(StandardCharsets.UTF_8));
        return;
      }
      send(exchange, 200, file[1], cache.computeIfAbsent(file[0], PageHandler::read));
    } finally {
      exchange.close();
    }
  }

  /** Streams the page's messages until it goes away, is dropped for falling behind, or the server closes. */
  private void stream(HttpExchange exchange) throws IOException {
    Broadcaster.Client client = broadcaster.open();
    if (client == null) {
      send(exchange, 503, "text/plain; charset=utf-8", "too many open diagnostics pages\n".getBytes(StandardCharsets.UTF_8));
      return;
    }
    try {
      Headers h = exchange.getResponseHeaders();
      h.set("Content-Type", "text/event-stream; charset=utf-8");
      h.set("Cache-Control", "no-store");
      h.set("X-Content-Type-Options", "nosniff");
      exchange.sendResponseHeaders(200, 0); // chunked: the stream has no end
      OutputStream out = exchange.getResponseBody();
      out.write("retry: 1000\n\n".getBytes(StandardCharsets.UTF_8));
      out.flush();
      while (true) {
        String message = client.next(KEEP_ALIVE);
        if (message == Broadcaster.DROPPED) {
          return;
        }
        // A comment line keeps proxies and the browser from timing an idle stream out.
        String frame = message == null ? ": keep-alive\n\n" : "data: " + message + "\n\n";
        out.write(frame.getBytes(StandardCharsets.UTF_8));
        out.flush();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (IOException e) {
      // The browser went away: nothing to report.
    } finally {
      broadcaster.close(client);
    }
  }

  private static void send(HttpExchange exchange, int status, String contentType, byte[] body) throws IOException {
    Headers h = exchange.getResponseHeaders();
    h.set("Content-Type", contentType);
    h.set("X-Content-Type-Options", "nosniff");
    h.set("Content-Security-Policy", CSP);
    h.set("Referrer-Policy", "no-referrer");
    h.set("Cache-Control", "no-cache");
    boolean head = exchange.getRequestMethod().equals("HEAD");
    exchange.sendResponseHeaders(status, head || body.length == 0 ? -1 : body.length);
    if (!head && body.length > 0) {
      try (OutputStream out = exchange.getResponseBody()) {
        out.write(body);
      }
    }
  }

  private static boolean loopbackHost(String host) {
    if (host == null) return false;
    String h = host.toLowerCase(java.util.Locale.ROOT);
    if (h.startsWith("[")) {
      int end = h.indexOf(']');
      h = end < 0 ? h : h.substring(0, end + 1);
    } else if (h.indexOf(':') >= 0) {
      h = h.substring(0, h.indexOf(':'));
    }
    return h.equals("localhost") || h.equals("127.0.0.1") || h.equals("[::1]");
  }

  private static byte[] read(String resource) {
    try (InputStream in = PageHandler.class.getResourceAsStream(resource)) {
      if (in == null) throw new IllegalStateException("missing from the class path: " + resource);
      return in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
