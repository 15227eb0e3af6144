package dev.breakwater.watch;

import java.io.IOException;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Connects again and again from one source address to one port until a stop file appears, then
 * prints how the attempts ended: {@code attempts=N connected=N refused=N timed_out=N error=N}.
 * Started by the lab test inside the attacker's namespace (a JVM cannot move a thread there), it
 * watches a port while a container publishing it starts.
 *
 * <p>Arguments: SOURCE TARGET PORT STOP_FILE. Prints {@code ready} once its first attempt is made.
 */
final class ContinuousProbe {
  private static final int THREADS = 4;
  private static final int CONNECT_TIMEOUT_MILLIS = 150;

  private ContinuousProbe() {}

  public static void main(String[] args) throws Exception {
    InetAddress source = literal(args[0]);
    InetAddress target = literal(args[1]);
    int port = Integer.parseInt(args[2]);
    Path stop = Path.of(args[3]);
    AtomicInteger attempts = new AtomicInteger();
    AtomicInteger connected = new AtomicInteger();
    AtomicInteger refused = new AtomicInteger();
    AtomicInteger timedOut = new AtomicInteger();
    AtomicInteger error = new AtomicInteger();
    try (ExecutorService pool = Executors.newFixedThreadPool(THREADS)) {
      for (int t = 0; t < THREADS; t++) {
        pool.submit(() -> {
          while (!Files.exists(stop)) {
            try (Socket socket = new Socket()) {
              socket.bind(new InetSocketAddress(source, 0));
              if (attempts.incrementAndGet() == 1) {
                System.out.println("ready");
                System.out.flush();
              }
              socket.connect(new InetSocketAddress(target, port), CONNECT_TIMEOUT_MILLIS);
              connected.incrementAndGet();
            } catch (ConnectException e) {
              refused.incrementAndGet();
              pause(); // a refusal comes back at once: do not spin
            } catch (SocketTimeoutException e) {
              timedOut.incrementAndGet();
            } catch (IOException e) {
              error.incrementAndGet();
              pause();
            }
          }
          return null;
        });
      }
    }
    System.out.printf("attempts=%d connected=%d refused=%d timed_out=%d error=%d%n",
        attempts.get(), connected.get(), refused.get(), timedOut.get(), error.get());
  }

  private static void pause() {
    try {
      Thread.sleep(20);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  // Literal addresses only: a probe must never resolve a name and leave the lab.
  private static InetAddress literal(String address) throws IOException {
    if (!address.matches("[0-9A-Fa-f:.]+")) {
      throw new IllegalArgumentException("not an IP address: " + address);
    }
    return InetAddress.getByName(address);
  }
}
