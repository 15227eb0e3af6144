package dev.breakwater.probe;

import java.time.Duration;

/**
 * How hard the scanner pushes.
 *
 * @param concurrency connects in flight at once; each holds a file descriptor
 * @param timeout how long one connect may wait for a SYN-ACK or a reset
 * @param retries extra passes over the endpoints that timed out, for lossy paths
 */
public record ScanSettings(int concurrency, Duration timeout, int retries) {
  public static final ScanSettings DEFAULT = new ScanSettings(8192, Duration.ofMillis(1500), 0);

  public ScanSettings {
    if (concurrency < 1) {
      throw new IllegalArgumentException("concurrency must be at least 1, got " + concurrency);
    }
    if (timeout.isNegative() || timeout.isZero()) {
      throw new IllegalArgumentException("timeout must be positive, got " + timeout);
    }
    if (retries < 0) {
      throw new IllegalArgumentException("retries must be 0 or more, got " + retries);
    }
  }
}
