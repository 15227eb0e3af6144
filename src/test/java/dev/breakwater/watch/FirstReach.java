package dev.breakwater.watch;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;

/**
 * For the latency benchmark, inside the attacker's namespace: for each {@code SOURCE TARGET PORT}
 * line on standard input, connects again and again (several threads, short timeouts, so a SYN
 * the firewall dropped does not hide a later success) until one connection succeeds, and prints
 * {@code PORT EPOCH_NANOS} of that moment ({@code PORT never} after 20 s). Prints {@code ready}
 * first.
 */
final class FirstReach {
  private static final int THREADS = 8;
  private static final int CONNECT_TIMEOUT_MILLIS = 40;
  private static final long GIVE_UP_NANOS = 20_000_000_000L;

  private FirstReach() {}

  public static void main(String[] args) throws Exception {
    System.out.println("ready");
    System.out.flush();
    BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
    for (String line = in.readLine(); line != null; line = in.readLine()) {
      String[] f = line.trim().split(" ");
      if (!f[0].matches("[0-9.]+") || !f[1].matches("[0-9.]+")) {
        throw new IllegalArgumentException("literal IPv4 addresses only: " + line);
      }
      InetAddress source = InetAddress.getByName(f[0]);
      InetAddress target = InetAddress.getByName(f[1]);
      int port = Integer.parseInt(f[2]);
      AtomicReference<Instant> first = new AtomicReference<>();
      long deadline = System.nanoTime() + GIVE_UP_NANOS;
      List<Thread> threads = new ArrayList<>();
      for (int t = 0; t < THREADS; t++) {
        threads.add(Thread.ofPlatform().start(() -> {
          while (first.get() == null && System.nanoTime() < deadline) {
            try (Socket socket = new Socket()) {
              socket.bind(new InetSocketAddress(source, 0));
              socket.connect(new InetSocketAddress(target, port), CONNECT_TIMEOUT_MILLIS);
              first.compareAndSet(null, Instant.now());
            } catch (IOException e) {
              pause(); // dropped (timed out), refused (not listening yet) or another error: again
            }
          }
        }));
      }
      for (Thread thread : threads) {
        thread.join();
      }
      Instant at = first.get();
      System.out.println(port + " " + (at == null ? "never" : Long.toString(at.getEpochSecond() * 1_000_000_000L + at.getNano())));
      System.out.flush();
    }
  }

  private static void pause() {
    try {
      Thread.sleep(1);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
