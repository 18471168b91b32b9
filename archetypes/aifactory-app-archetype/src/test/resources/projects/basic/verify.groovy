// Runs after the generated project's `mvn verify` passed: what a passing build alone does not prove.
import groovy.xml.XmlSlurper
import java.util.zip.ZipFile

File project = new File(basedir, 'project/line-monitor').isDirectory() ? new File(basedir, 'project/line-monitor') : basedir

// Its surefire ran tests (an old surefire finds no JUnit 5 test and reports success).
File reports = new File(project, 'target/surefire-reports')
int tests = 0
reports.eachFileMatch(~/TEST-.*\.xml/) { tests += (new XmlSlurper().parse(it).@tests.toInteger()) }
assert tests > 0 : "the generated project ran no test ($reports)"

// The jar to deploy runs the app and carries no simulated plant: the testkit is for tests only.
File jar = new File(project, 'target/line-monitor.jar')
assert jar.isFile() : "no runnable jar $jar"
new ZipFile(jar).withCloseable { zip ->
  assert zip.getEntry('com/example/line/monitor/App.class') != null
  assert zip.getEntry('models/anomaly.onnx') != null
  def testkit = zip.entries().find { it.name.startsWith('io/aifactory/sdk/testkit/') }
  assert testkit == null : "the deployable jar contains the testkit: ${testkit.name}"
}

assert new File(project, '.gitignore').isFile() : 'no .gitignore generated'
println "generated project: $tests tests ran, ${jar.name} without the testkit"
return true
