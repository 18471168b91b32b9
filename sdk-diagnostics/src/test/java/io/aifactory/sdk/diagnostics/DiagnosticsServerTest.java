package io.aifactory.sdk.diagnostics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import io.aifactory.sdk.core.Quality;
import io.aifactory.sdk.core.pipeline.AlarmEvent;
import io.aifactory.sdk.core.pipeline.MachineResult;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.HttpURLConnection;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.Test;

/** The page's HTTP side without a browser: files, read-only, loopback hosts only, the event stream. */
class DiagnosticsServerTest {

  @Test
  void shouldServeThePageAndUplotFromTheWebJarAndNothingElse() throws Exception {
    try (DiagnosticsServer ui = DiagnosticsServer.newBuilder().build().start()) {
      URI base = ui.uri();
      assertEquals("127.0.0.1", base.getHost());
      assertTrue(get(base, "GET").body.contains("<title>AI Factory diagnostics</title>"));
      Response uplot = get(base.resolve("uPlot.iife.min.js"), "GET");
      assertEquals(200, uplot.status);
      assertTrue(uplot.contentType.startsWith("text/javascript"), uplot.contentType);
      assertTrue(uplot.body.contains("uPlot"), "the WebJar's script");
      assertEquals(200, get(base.resolve("diagnostics.js"), "GET").status);
      assertEquals(404, get(base.resolve("META-INF/maven/org.webjars.npm/uplot/pom.properties"), "GET").status);
      assertEquals(404, get(base.resolve("../io/aifactory/sdk/diagnostics/DiagnosticsServer.class"), "GET").status);
      assertEquals(405, get(base, "POST").status, "read-only");
    }
  }

  @Test
  void shouldRefuseAnotherHostNameWhileBoundToLoopback() throws Exception {
    try (DiagnosticsServer ui = DiagnosticsServer.newBuilder().build().start()) {
      // A web page elsewhere that rebinds its own name to 127.0.0.1 still sends its own name as Host.
      assertEquals(403, rawStatus(ui.uri(), "evil.example:" + ui.uri().getPort()));
      assertEquals(200, rawStatus(ui.uri(), "localhost:" + ui.uri().getPort()));
    }
  }

  @Test
  void shouldStreamASnapshotWithTheResultsSoFarToANewPage() throws Exception {
    try (DiagnosticsServer ui = DiagnosticsServer.newBuilder().build().start()) {
      long now = System.currentTimeMillis() * 1_000_000;
      ui.resultAction().onResult(new MachineResult("p", "m1", 1, now, Quality.GOOD, List.of("score"), new double[] {0.25}));
      ui.resultAction().onResult(MachineResult.bad("p", "m1", 2, now + 1, Quality.bad(Quality.Reason.TIMEOUT, "stalled"),
          List.of("score")));
      ui.alarmListener().onAlarm(new AlarmEvent("anomaly", "p", "m1", AlarmEvent.Kind.RAISED, 3, 1, now));
      // The first event is a snapshot; the results are in it or in an update right after it.
      List<String> events = events(ui.uri().resolve("events"), 5);
      assertTrue(events.get(0).startsWith("{\"type\":\"snapshot\""), events.get(0));
      assertTrue(events.get(0).contains("\"machines\":[\"m1\"]"), events.get(0));
      String all = String.join("\n", events);
      assertTrue(all.contains("\"v\":[0.25]"), all);
      assertTrue(all.contains("\"q\":\"BAD\",\"v\":[null]"), "a BAD result carries no number: " + all);
      assertTrue(all.contains("\"kind\":\"RAISED\""), all);
    }
  }

  @Test
  void shouldServeUnderAVendorsContextPath() throws Exception {
    HttpServer vendor = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    ExecutorService executor = Executors.newFixedThreadPool(4);
    vendor.setExecutor(executor);
    try (DiagnosticsServer ui = DiagnosticsServer.newBuilder().build()) {
      vendor.createContext("/vendor/aifactory/", ui.handler());
      vendor.start();
      URI base = URI.create("http://127.0.0.1:" + vendor.getAddress().getPort() + "/vendor/aifactory/");
      assertTrue(get(base, "GET").body.contains("diagnostics.js"));
      assertEquals(200, get(base.resolve("uPlot.min.css"), "GET").status);
      assertTrue(events(base.resolve("events"), 1).get(0).startsWith("{\"type\":\"snapshot\""));
    } finally {
      vendor.stop(0);
      executor.shutdownNow();
    }
  }

  private record Response(int status, String contentType, String body) {}

  private static Response get(URI uri, String method) throws IOException {
    HttpURLConnection c = (HttpURLConnection) uri.toURL().openConnection();
    c.setRequestMethod(method);
    c.setConnectTimeout(5000);
    c.setReadTimeout(10000);
    try {
      int status = c.getResponseCode();
      InputStream in = status < 400 ? c.getInputStream() : c.getErrorStream();
      String body = in == null ? "" : new String(in.readAllBytes(), StandardCharsets.UTF_8);
      return new Response(status, String.valueOf(c.getContentType()), body);
    } finally {
      c.disconnect();
    }
  }

  private static int rawStatus(URI base, String host) throws IOException {
    try (Socket s = new Socket(base.getHost(), base.getPort())) {
      s.setSoTimeout(10000);
      OutputStream out = s.getOutputStream();
      out.write(("GET / HTTP/1.1\r\nHost: " + host + "\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
      out.flush();
      String status = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.US_ASCII)).readLine();
      return Integer.parseInt(status.split(" ")[1]);
    }
  }

  /** Returns the first {@code n} events of the stream. */
  private static List<String> events(URI uri, int n) throws IOException {
    HttpURLConnection c = (HttpURLConnection) uri.toURL().openConnection();
    c.setConnectTimeout(5000);
    c.setReadTimeout(20000);
    try (BufferedReader r = new BufferedReader(new InputStreamReader(c.getInputStream(), StandardCharsets.UTF_8))) {
      assertTrue(c.getContentType().startsWith("text/event-stream"), c.getContentType());
      List<String> events = new java.util.ArrayList<>();
      String line;
      while (events.size() < n && (line = r.readLine()) != null) {
        if (line.startsWith("data: ")) events.add(line.substring("data: ".length()));
      }
      assertEquals(n, events.size(), "the stream ended early: " + events);
      return events;
    } finally {
      c.disconnect();
    }
  }
}
