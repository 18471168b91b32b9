package io.aifactory.sdk.it.modbus;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.ghgande.j2mod.modbus.ModbusException;
import com.ghgande.j2mod.modbus.procimg.SimpleDigitalOut;
import com.ghgande.j2mod.modbus.procimg.SimpleInputRegister;
import com.ghgande.j2mod.modbus.procimg.SimpleProcessImage;
import com.ghgande.j2mod.modbus.procimg.SimpleRegister;
import com.ghgande.j2mod.modbus.slave.ModbusSlave;
import com.ghgande.j2mod.modbus.slave.ModbusSlaveFactory;
import com.ghgande.j2mod.modbus.util.SerialParameters;
import io.aifactory.sdk.core.ConnectionState;
import io.aifactory.sdk.core.DataType;
import io.aifactory.sdk.core.Device;
import io.aifactory.sdk.core.DeviceOptions;
import io.aifactory.sdk.core.Devices;
import io.aifactory.sdk.core.Quality;
import io.aifactory.sdk.core.ReconnectPolicy;
import io.aifactory.sdk.core.SampleBatch;
import io.aifactory.sdk.core.Subscription;
import io.aifactory.sdk.core.SubscriptionOptions;
import io.aifactory.sdk.core.Tag;
import java.io.File;
import java.io.IOException;
import java.net.SocketTimeoutException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Serial RTU end to end: our device on one end of a pseudo-terminal pair made by {@code socat}, j2mod's own serial
 * slave (code independent of our driver's) on the other. A pseudo-terminal takes no parity setting, so the line
 * runs 8N1. Skipped, saying which package to install, where socat is missing.
 */
class ModbusSerialRtuTest {
  private static final int BAUD = 38400;
  private static final Duration REQUEST_TIMEOUT = Duration.ofMillis(500);
  private static final Tag LEVEL = Tag.of("level", "holding:0:float32", DataType.FLOAT32);
  private static final Tag SETPOINT = Tag.of("setpoint", "holding:10:int16", DataType.INT16);
  private static final Tag PUMP = Tag.of("pump", "coil:3", DataType.BOOL);
  private static final Tag SPEED = Tag.of("speed", "input:2:uint16", DataType.UINT16);

  @TempDir
  Path dir;
  private Process socat;
  private ModbusSlave slave;
  private SimpleProcessImage image;
  private Device device;
  private final List<ConnectionState> states = new CopyOnWriteArrayList<>();
  private final List<Throwable> causes = new CopyOnWriteArrayList<>();

  @BeforeEach
  void requireSocat() {
    assumeTrue(onPath("socat"), "socat is not installed: install Debian's 'socat' package (apt-get install socat) "
        + "to run the serial RTU test over a pseudo-terminal pair");
  }

  @AfterEach
  void tearDown() {
    try {
      if (device != null) device.close();
      stopSlave();
    } finally {
      stopSocat();
    }
  }

  @Test
  void shouldReadWriteAndPollAnIndependentRtuSlaveOverASerialLine() throws Exception {
    startSocat();
    startSlave();
    // 4.5f is 0x4090_0000, high word first (ABCD), set by hand so that a symmetric codec bug cannot hide.
    image.setRegister(0, new SimpleRegister(0x4090));
    image.setRegister(1, new SimpleRegister(0x0000));
    image.setInputRegister(2, new SimpleInputRegister(1450));
    device = open(port("b"));
    device.whenConnected(Duration.ofSeconds(30)).join();

    SampleBatch batch = device.read(List.of(LEVEL, SPEED)).get(30, TimeUnit.SECONDS);
    assertTrue(batch.isGood(0), "level: " + batch.quality(0));
    assertEquals(4.5, batch.doubleValue(0));
    assertTrue(batch.isGood(1), "speed: " + batch.quality(1));
    assertEquals(1450, batch.doubleValue(1));

    device.write(SETPOINT, (short) -7).get(30, TimeUnit.SECONDS);
    assertEquals(0xFFF9, image.getRegister(10).getValue(), "raw register the slave holds");
    device.write(PUMP, true).get(30, TimeUnit.SECONDS);
    assertTrue(image.getDigitalOut(3).isSet());

    List<SampleBatch> polled = new CopyOnWriteArrayList<>();
    try (Subscription s = device.subscribe(List.of(LEVEL, SETPOINT), SubscriptionOptions.every(Duration.ofMillis(50)), polled::add)) {
      Await.until("a polled setpoint of -7", () -> polled.stream().anyMatch(b -> b.isGood(1) && b.doubleValue(1) == -7));
      image.setRegister(0, new SimpleRegister(0x4120)); // 10.0f
      Await.until("the new level, polled", () -> polled.stream().anyMatch(b -> b.isGood(0) && b.doubleValue(0) == 10.0));
    }
    assertEquals(0, device.metrics().reconnects());
  }

  /**
   * A slave that stops answering is that slave's silence, not a lost port: its rows turn BAD(TIMEOUT) without the
   * port being closed. Closing a serial port can take hundreds of milliseconds, and the rows used to wait for that,
   * arriving long after the timeout; a port that is never closed cannot delay them.
   */
  @Test
  void shouldAnswerTimeoutsFromASilentSlaveWithoutClosingThePort() throws Exception {
    startSocat();
    startSlave();
    image.setRegister(0, new SimpleRegister(0x4090));
    device = open(port("b"));
    device.whenConnected(Duration.ofSeconds(30)).join();
    assertTrue(device.read(List.of(LEVEL)).get(30, TimeUnit.SECONDS).isGood(0));

    List<SampleBatch> polled = new CopyOnWriteArrayList<>();
    try (Subscription s = device.subscribe(List.of(LEVEL), SubscriptionOptions.every(Duration.ofMillis(100)), polled::add)) {
      Await.until("a GOOD poll", () -> polled.stream().anyMatch(b -> b.isGood(0)));
      stopSlave();
      Await.until("three polls answered BAD(TIMEOUT) by the silent slave",
          () -> polled.stream().filter(b -> b.quality(0).reason() == Quality.Reason.TIMEOUT).count() >= 3);
      startSlave();
      image.setRegister(0, new SimpleRegister(0x4120));
      Await.until("GOOD polls from the restarted slave", () -> polled.stream().anyMatch(b -> b.isGood(0) && b.doubleValue(0) == 10.0));
    }
    for (SampleBatch b : polled) {
      assertTrue(b.isGood(0) || b.quality(0).reason() == Quality.Reason.TIMEOUT, "GOOD or TIMEOUT only: " + b.quality(0));
    }
    assertTrue(device.metrics().timeouts() >= 3, "timeouts: " + device.metrics().timeouts());
    assertFalse(states.contains(ConnectionState.DISCONNECTED), "the port stayed open throughout: " + states);
    assertEquals(ConnectionState.CONNECTED, device.state());
    assertEquals(0, device.metrics().reconnects(), "the port was never closed and reopened");
  }

  /** The port itself vanishing (a USB adapter pulled; here socat ends) is a lost connection, not a silent slave. */
  @Test
  void shouldReportAVanishedPortAsDisconnectedNotAsATimeout() throws Exception {
    startSocat();
    startSlave();
    image.setRegister(0, new SimpleRegister(0x4090));
    device = open(port("b"));
    device.whenConnected(Duration.ofSeconds(30)).join();

    List<SampleBatch> polled = new CopyOnWriteArrayList<>();
    try (Subscription s = device.subscribe(List.of(LEVEL), SubscriptionOptions.every(Duration.ofMillis(50)), polled::add)) {
      Await.until("a GOOD poll", () -> polled.stream().anyMatch(b -> b.isGood(0)));
      // The line goes with the slave still running: nothing but the port's loss can fail the polls from here.
      stopSocat();
      Await.until("DISCONNECTED", () -> states.contains(ConnectionState.DISCONNECTED));
      Await.until("a poll answered BAD(DISCONNECTED)", () -> polled.stream().anyMatch(b -> b.quality(0).reason() == Quality.Reason.DISCONNECTED));
      Throwable cause = causes.get(states.indexOf(ConnectionState.DISCONNECTED));
      assertFalse(cause instanceof SocketTimeoutException, "the port's loss, not a timeout: " + cause);
      assertEquals(0, device.metrics().timeouts(), "no request on the vanished port counted as a timeout");
      for (SampleBatch b : polled) {
        // Polls that fell due while another ran are BAD(TIMEOUT) "could not run" by design (a loaded machine makes
        // them); no row may say that the device itself timed out.
        Quality q = b.quality(0);
        assertTrue(q.reason() != Quality.Reason.TIMEOUT || q.detail().contains("could not run"),
            "a vanished port is not a timeout: " + q);
      }

      // The port comes back (socat again, same paths): the device reopens it by itself. Its slave starts a moment
      // later, so polls in between may time out; they are the slave's silence, not the port's.
      stopSlave();
      startSocat();
      startSlave();
      Await.until("GOOD polls on the port that came back", () -> {
        List<SampleBatch> seen = new ArrayList<>(polled);
        return seen.get(seen.size() - 1).isGood(0);
      });
    }
    // Reopened once; timeouts do not close a serial port, so a reopened port whose slave was not yet back is not a
    // second reconnect.
    assertEquals(1, device.metrics().reconnects());
  }

  @Test
  void shouldReportAPortThatCannotBeOpenedAsDisconnectedWithTheReason() {
    String missing = dir.resolve("no-such-port").toString();
    device = open(missing);
    // Not the listener: the first attempt may fail before a listener added after open() could hear it.
    Await.until("DISCONNECTED", () -> device.state() == ConnectionState.DISCONNECTED);
    assertTrue(device.lastError().isPresent(), "lastError()");
    assertTrue(String.valueOf(device.lastError().get()).contains(missing), "lastError() names the port: " + device.lastError().get());
    SampleBatch batch = device.read(List.of(LEVEL)).join();
    assertEquals(Quality.Reason.DISCONNECTED, batch.quality(0).reason());
  }

  private Device open(String port) {
    Device d = Devices.open("modbus+rtu://" + port + "?baud=" + BAUD + "&parity=none&unit=1", DeviceOptions.newBuilder()
        .requestTimeout(REQUEST_TIMEOUT)
        .connectTimeout(Duration.ofSeconds(2))
        .reconnectPolicy(ReconnectPolicy.newBuilder().initialDelay(Duration.ofMillis(50)).maxDelay(Duration.ofMillis(200)).build())
        .build());
    d.addStateListener((dev, state, cause) -> {
      causes.add(cause);
      states.add(state);
    });
    return d;
  }

  private String port(String end) {
    return dir.resolve(end).toString();
  }

  private void startSocat() throws IOException {
    File log = dir.resolve("socat.log").toFile();
    socat = new ProcessBuilder("socat", "-d", "-d", "pty,raw,echo=0,link=" + port("a"), "pty,raw,echo=0,link=" + port("b"))
        .redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.appendTo(log))
        .start();
    Await.until("socat's two pseudo-terminals", () -> Files.exists(dir.resolve("a")) && Files.exists(dir.resolve("b")));
  }

  /** Ends socat by its own PID and waits for it, so that no socat outlives its test. */
  private void stopSocat() {
    Process p = socat;
    socat = null;
    if (p == null) return;
    p.destroy();
    try {
      if (!p.waitFor(10, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        p.waitFor(10, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      p.destroyForcibly();
      Thread.currentThread().interrupt();
    }
    // socat removes its links when it ends on SIGTERM; after a forced end they would point nowhere.
    try {
      Files.deleteIfExists(dir.resolve("a"));
      Files.deleteIfExists(dir.resolve("b"));
    } catch (IOException ignored) {
      // the temp dir goes anyway
    }
  }

  /** Starts j2mod's RTU slave on end "a", unit 1; the process image survives a restart, as a PLC's memory would. */
  private void startSlave() throws ModbusException {
    SerialParameters p = new SerialParameters();
    p.setPortName(port("a"));
    p.setBaudRate(BAUD);
    p.setDatabits(8);
    p.setParity("None");
    p.setStopbits(1);
    p.setEncoding("rtu");
    if (image == null) {
      image = new SimpleProcessImage(1);
      for (int i = 0; i < 16; i++) {
        image.addRegister(new SimpleRegister(0));
        image.addInputRegister(new SimpleInputRegister(0));
        image.addDigitalOut(new SimpleDigitalOut(false));
      }
    }
    ModbusSlave s = ModbusSlaveFactory.createSerialSlave(p);
    s.addProcessImage(1, image);
    s.open();
    slave = s;
  }

  private void stopSlave() {
    ModbusSlave s = slave;
    slave = null;
    if (s != null) ModbusSlaveFactory.close(s);
  }

  private static boolean onPath(String command) {
    String path = System.getenv("PATH");
    if (path == null) return false;
    for (String d : path.split(File.pathSeparator)) {
      if (Files.isExecutable(Path.of(d, command))) return true;
    }
    return false;
  }
}
