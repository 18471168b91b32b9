package io.aifactory.sdk.diagnostics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.logging.Level;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.logging.LoggingPreferences;
import org.openqa.selenium.support.ui.ExpectedCondition;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The page in a real browser (Debian's chromium, driven through chromium-driver) against a pipeline on the simulated
 * plant with a real ONNX model: the faulty machine's trend rises and its alarm shows, a PLC stall shows as a marked
 * gap, the write guard's decisions fill their table, and nothing is logged to the browser's console as an error.
 * Keeps a screenshot in {@code target/diagnostics-screenshot.png}.
 *
 * <p>Skipped (not failed) on a machine without Chromium; install it with {@code apt-get install chromium
 * chromium-driver}, or point {@code -Dchromium.binary} and {@code -Dchromedriver.binary} at another build.
 */
class DiagnosticsPageBrowserTest {
  /** Generous: a loaded 2-core CI machine runs the PLC, the model, Chromium and this test at once. */
  private static final Duration DEADLINE = Duration.ofSeconds(30);

  @Test
  void shouldShowTheFaultyMachineRisingItsAlarmAStallAsAGapAndTheGuardsDecisions() throws Exception {
    File chromium = executable("chromium.binary", "chromium", "chromium-browser");
    File chromedriver = executable("chromedriver.binary", "chromedriver");
    if (chromium == null || chromedriver == null) {
      String why = "browser test skipped: no Chromium here. To run it, install Debian's packages 'chromium' and "
          + "'chromium-driver' (apt-get install chromium chromium-driver; .ci/run does), or set -Dchromium.binary=... "
          + "and -Dchromedriver.binary=...";
      System.err.println(why); // surefire's summary shows only "Skipped: 1"; this says how to enable it
      Assumptions.abort(why);
    }

    try (DiagnosticsServer ui = DiagnosticsServer.newBuilder().build();
        SimulatedLine line = new SimulatedLine(ui)) {
      ui.start();
      WebDriver browser = browser(chromium, chromedriver);
      try {
        browser.get(ui.uri().toString());
        WebDriverWait wait = new WebDriverWait(browser, DEADLINE, Duration.ofMillis(100));
        JavascriptExecutor js = (JavascriptExecutor) browser;

        // Loaded and live: every machine is scored, and the healthy line stays below the threshold.
        wait.until(d -> "true".equals(d.findElement(By.tagName("body")).getDomAttribute("data-ready")));
        wait.until(d -> values(js, "m1").size() >= 5 && values(js, "m2").size() >= 5 && values(js, "m3").size() >= 5);
        double healthyMax = max(values(js, "m2"));
        assertTrue(healthyMax < 1.0, "healthy m2 scores " + healthyMax);

        // The bearing fault on machine 2: its trend rises past the threshold and its alarm shows.
        line.fault(2);
        wait.until(present("#alarms tr[data-machine='m2'][data-kind='RAISED']"));
        wait.until(present(".chart[data-machine='m2'][data-alarm='RAISED']"));
        wait.until(d -> max(values(js, "m2")) > 1.0);
        assertTrue(max(values(js, "m2")) > healthyMax);
        assertEquals("normal", browser.findElement(By.cssSelector(".chart[data-machine='m1']")).getDomAttribute("data-alarm"));

        // The guard, in SHADOW mode, turns the alarm's proposal of 60 into a step of at most 5 from 80.
        wait.until(present("#decisions tr[data-guard='" + SimulatedLine.GUARD + "'][data-outcome='CLAMPED']"));
        wait.until(present("#guards tr[data-guard='" + SimulatedLine.GUARD + "'][data-mode='SHADOW']"));

        // The PLC stops answering: the polls come back BAD, the windows go stale, and the page marks the stretch.
        line.plc.stall(true);
        try {
          wait.until(present(".quality tr[data-machine='m1'][data-quality='BAD'][data-open='true']"));
        } finally {
          line.plc.stall(false);
        }
        // Back: the stretch closes, and the trend holds a gap (null), never a number for the missing data.
        wait.until(present(".quality tr[data-machine='m1'][data-quality='BAD'][data-open='false']"));
        wait.until(d -> values(js, "m1").contains(null));
        wait.until(d -> values(js, "m2").contains(null));

        // The model and the device are described.
        String sha = line.model.info().sha256();
        wait.until(present("#models tr[data-model='line-pca']"));
        String modelRow = browser.findElement(By.cssSelector("#models tr[data-model='line-pca']")).getText();
        assertTrue(modelRow.contains(sha) && modelRow.contains("onnxruntime/"), modelRow);
        wait.until(present("#devices tr[data-device='line-plc'][data-state='CONNECTED']"));

        // Let the bands and tables settle in one more update before the picture.
        Thread.sleep(600);
        byte[] png = ((org.openqa.selenium.TakesScreenshot) browser).getScreenshotAs(OutputType.BYTES);
        Path screenshot = Path.of("target", "diagnostics-screenshot.png");
        Files.createDirectories(screenshot.getParent());
        Files.write(screenshot, png);

        List<String> errors = browser.manage().logs().get(LogType.BROWSER).getAll().stream()
            .filter(e -> e.getLevel().intValue() >= Level.SEVERE.intValue()).map(LogEntry::toString).toList();
        assertEquals(List.of(), errors, "errors in the browser's console");
      } finally {
        browser.quit();
      }
    }
  }

  private static WebDriver browser(File chromium, File chromedriver) {
    // An explicit driver executable: Selenium Manager never runs, so nothing is downloaded.
    ChromeDriverService service = new ChromeDriverService.Builder().usingDriverExecutable(chromedriver)
        .usingAnyFreePort().build();
    ChromeOptions options = new ChromeOptions();
    options.setBinary(chromium);
    // --no-sandbox: required when CI runs as root; the page is ours and local.
    options.addArguments("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu",
        "--window-size=1280,1500");
    LoggingPreferences logs = new LoggingPreferences();
    logs.enable(LogType.BROWSER, Level.ALL);
    options.setCapability("goog:loggingPrefs", logs);
    return new ChromeDriver(service, options);
  }

  @SuppressWarnings("unchecked")
  private static List<Object> values(JavascriptExecutor js, String machine) {
    Object v = js.executeScript("return window.aifactoryDiagnostics ? window.aifactoryDiagnostics.values(arguments[0], "
        + "arguments[1]) : [];", SimulatedLine.PIPELINE, machine);
    return (List<Object>) v;
  }

  private static double max(List<Object> values) {
    return values.stream().filter(v -> v instanceof Number).mapToDouble(v -> ((Number) v).doubleValue()).max()
        .orElse(Double.NaN);
  }

  private static ExpectedCondition<Boolean> present(String css) {
    return d -> !d.findElements(By.cssSelector(css)).isEmpty();
  }

  /** Returns the executable named by the system property, or the first of {@code names} on the PATH; else null. */
  private static File executable(String property, String... names) {
    String configured = System.getProperty(property);
    if (configured != null) {
      File f = new File(configured);
      return f.canExecute() ? f : null;
    }
    String path = Optional.ofNullable(System.getenv("PATH")).orElse("/usr/bin:/bin");
    return Stream.of(names)
        .flatMap(n -> Stream.of(path.split(File.pathSeparator)).map(dir -> new File(dir, n)))
        .filter(File::canExecute).findFirst().orElse(null);
  }
}
