"""Starts a real Bridge server process (server/target/bridge.jar) on 127.0.0.1 with a free port."""
import os
import pathlib
import re
import signal
import subprocess
import tempfile
import threading
import time

import pyarrow.flight as flight
import pytest

ROOT = pathlib.Path(__file__).resolve().parents[2]
JAR = ROOT / "server" / "target" / "bridge.jar"
READY = re.compile(r"Bridge ready: Flight SQL on grpc(?:\+tls)?://([\d.]+):(\d+)")
READY_HTTP = re.compile(r"HTTP on https?://([\d.]+):(\d+)")


class BridgeProcess:
    def __init__(self, database: str, extra_args=(), launcher=None, host="127.0.0.1"):
        """launcher: the command that starts the jar's main (default: plain java); scripts/bridge for its JVM and
        malloc defaults. host: the address to listen on; clients always connect to 127.0.0.1."""
        if not JAR.exists():
            raise RuntimeError(f"{JAR} is missing: run 'mvn -B package' first (scripts/test does)")
        self.log_lines = []
        self.proc = subprocess.Popen(
            [*(launcher or ["java", "--add-opens=java.base/java.nio=ALL-UNNAMED", "-jar", str(JAR)]), "serve",
             "--database", database, "--host", host, "--port", "0", "--http-port", "0", *extra_args],
            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, cwd=tempfile.gettempdir())
        self.port = None
        self.http_port = None
        for line in self.proc.stdout:
            self.log_lines.append(line)
            match = READY.search(line)
            if match:
                self.port = int(match.group(2))
                http = READY_HTTP.search(line)
                self.http_port = int(http.group(2)) if http else None
                break
        if self.port is None:
            raise RuntimeError("server did not start:\n" + "".join(self.log_lines))
        self._drain = threading.Thread(target=self._read_log, daemon=True)
        self._drain.start()

    def _read_log(self):
        for line in self.proc.stdout:
            self.log_lines.append(line)

    @property
    def uri(self):
        return f"grpc://127.0.0.1:{self.port}"

    @property
    def http_url(self):
        return f"http://127.0.0.1:{self.http_port}"

    def client(self):
        return flight.connect(self.uri)

    def stop(self, timeout=30):
        """SIGTERM, as an operator would; returns the exit code."""
        self.proc.send_signal(signal.SIGTERM)
        code = self.proc.wait(timeout=timeout)
        self._drain.join(timeout=5)
        return code

    def log(self):
        return "".join(self.log_lines)

    def stop_cleanly(self):
        """Stops the server and asserts a clean exit: SIGTERM honoured and every Arrow buffer given back."""
        code = self.stop()
        assert code in (0, 143), self.log()
        assert "Arrow allocator released every buffer" in self.log(), self.log()


@pytest.fixture(scope="session")
def data_dir(tmp_path_factory):
    """The shared server's one data directory: the only place its SQL may read and write files."""
    return tmp_path_factory.mktemp("data")


@pytest.fixture(scope="session")
def bridge(data_dir):
    config = data_dir.parent / "bridge-shared.yaml"
    config.write_text(f"database:\n  data_directories: ['{data_dir}']\n")
    server = BridgeProcess(":memory:", ["--config", str(config)])
    yield server
    server.stop_cleanly()


@pytest.fixture()
def client(bridge):
    c = bridge.client()
    yield c
    c.close()


@pytest.fixture()
def database_dir(tmp_path):
    return tmp_path


SPARK_CLASSPATH = ROOT / "spark-test-server" / "target" / "spark-classpath.txt"
SPARK_STARTED = re.compile(r"Spark Connect server started at: [\d.]+:(\d+)")
# The options Spark's own launcher gives a Java 17 JVM (JavaModuleOptions): Spark reaches into these packages.
SPARK_JAVA_OPTIONS = ["-XX:+IgnoreUnrecognizedVMOptions"] + [
    f"--add-opens=java.base/{package}=ALL-UNNAMED" for package in (
        "java.lang", "java.lang.invoke", "java.lang.reflect", "java.io", "java.net", "java.nio", "java.util",
        "java.util.concurrent", "java.util.concurrent.atomic", "jdk.internal.ref", "sun.nio.ch", "sun.nio.cs",
        "sun.security.action", "sun.util.calendar")] + [
    "-Djdk.reflect.useDirectMethodHandle=false", "-Dio.netty.tryReflectionSetAccessible=true"]


class SparkConnectProcess:
    """A real Spark Connect server in local[2] mode, as a process of its own on 127.0.0.1 and a port it picks, from
    the classpath the spark-test-server module resolves from Maven Central; it requires a token made for this run."""

    def __init__(self, directory: pathlib.Path, token=True, heap="1g"):
        """token: require a bearer token made for this run (False: none, for clients that send no token over
        plaintext, such as Spark's own client in scripts/bench-spark)."""
        if not SPARK_CLASSPATH.exists():
            raise RuntimeError(f"{SPARK_CLASSPATH} is missing: run 'mvn -B verify' first (scripts/test does), or"
                               " 'mvn -B -pl spark-test-server generate-resources'")
        self.token = os.urandom(16).hex() if token else None
        self.token_file = directory / "spark-token" if token else None
        if token:
            self.token_file.write_text(self.token + "\n")
        self.log_path = directory / "spark-connect.log"
        with open(self.log_path, "w") as log:
            self.proc = subprocess.Popen(
                ["java", f"-Xmx{heap}", *SPARK_JAVA_OPTIONS, "-Dspark.master=local[2]", "-Dspark.app.name=bridge-pytest",
                 "-Dspark.ui.enabled=false", "-Dspark.driver.host=127.0.0.1", "-Dspark.driver.bindAddress=127.0.0.1",
                 "-Dspark.connect.grpc.binding.address=127.0.0.1", "-Dspark.connect.grpc.binding.port=0",
                 *([f"-Dspark.connect.authenticate.token={self.token}"] if token else []),
                 "-Dspark.sql.shuffle.partitions=4",
                 f"-Dspark.sql.warehouse.dir={directory / 'warehouse'}", f"-Djava.io.tmpdir={directory}",
                 "-cp", SPARK_CLASSPATH.read_text().strip(), "org.apache.spark.sql.connect.service.SparkConnectServer"],
                stdout=log, stderr=subprocess.STDOUT, cwd=directory, start_new_session=True)
        deadline = time.monotonic() + 180
        self.port = None
        while time.monotonic() < deadline and self.port is None:
            if self.proc.poll() is not None:
                raise RuntimeError("the Spark Connect server exited:\n" + self.log_path.read_text())
            match = SPARK_STARTED.search(self.log_path.read_text())
            if match:
                self.port = int(match.group(1))
            else:
                time.sleep(0.2)
        if self.port is None:
            self.stop()
            raise RuntimeError("the Spark Connect server did not start in 180 s:\n" + self.log_path.read_text())

    @property
    def remote(self):
        return f"sc://127.0.0.1:{self.port}"

    def stop(self):
        """Kills its process group: the server and anything it started."""
        try:
            os.killpg(self.proc.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        self.proc.wait(timeout=30)


@pytest.fixture(scope="session")
def spark_connect(tmp_path_factory):
    """The test session's one Spark Connect server, shared by every module that needs it."""
    server = SparkConnectProcess(tmp_path_factory.mktemp("spark"))
    yield server
    server.stop()
