package dev.breakwater.cli;

import java.io.PrintWriter;
import java.lang.management.ManagementFactory;
import java.lang.management.OperatingSystemMXBean;

/** Keeps the scanner's connects in flight under the process's file-descriptor limit. */
final class FileDescriptors {
  /** Descriptors left for the JVM, its jars, and the service checks. */
  private static final long RESERVED = 128;

  private FileDescriptors() {}

  static int capConcurrency(int requested, PrintWriter err) {
    OperatingSystemMXBean os = ManagementFactory.getOperatingSystemMXBean();
    if (!(os instanceof com.sun.management.UnixOperatingSystemMXBean unix)) {
      return requested;
    }
    long limit = unix.getMaxFileDescriptorCount();
    long usable = Math.max(1, limit - unix.getOpenFileDescriptorCount() - RESERVED);
    if (requested <= usable) {
      return requested;
    }
    err.println("breakwater probe: --concurrency " + requested + " lowered to " + usable
        + " by the file-descriptor limit (" + limit + "); raise it with 'ulimit -n'");
    return (int) usable;
  }
}
