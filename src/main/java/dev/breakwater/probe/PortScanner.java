package dev.breakwater.probe;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ConnectException;
import java.net.Inet6Address;
import java.net.NoRouteToHostException;
import java.net.StandardProtocolFamily;
import java.net.StandardSocketOptions;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;

/**
 * TCP connect scanner: thousands of non-blocking connects in flight on one selector.
 *
 * <p>A host whose firewall drops unsolicited packets (UFW's default) answers nothing, so every
 * closed port costs a full timeout; the only way to be fast there is to wait for many at once.
 * Connects are started in order and all share one timeout, so the oldest attempt is always the
 * next to expire and a FIFO queue is enough to find it.
 */
public final class PortScanner {
  private static final long PROGRESS_EVERY_NANOS = 200_000_000L;

  private final ScanSettings settings;

  public PortScanner(ScanSettings settings) {
    this.settings = settings;
  }

  /** Connects to every endpoint; the result has one entry per endpoint, in the given order. */
  public List<PortResult> scan(List<Endpoint> endpoints, ScanProgress progress) {
    PortResult[] results = new PortResult[endpoints.size()];
    long[] open = {0};
    int[] pending = new int[endpoints.size()];
    for (int i = 0; i < pending.length; i++) {
      pending[i] = i;
    }
    int pendingCount = pending.length;
    long total = endpoints.size();
    long[] done = {0};
    for (int pass = 0; pass <= settings.retries() && pendingCount > 0; pass++) {
      boolean lastPass = pass == settings.retries();
      int[] timedOut = runPass(endpoints, pending, pendingCount, results, lastPass, done, open, total, progress);
      // The final pass leaves FILTERED results; an earlier one hands its timeouts to the next.
      pending = timedOut;
      pendingCount = timedOut.length;
      done[0] -= pendingCount;
    }
    progress.update(total, total, open[0]);
    return Arrays.asList(results);
  }

  private int[] runPass(List<Endpoint> endpoints, int[] indexes, int count, PortResult[] results,
      boolean lastPass, long[] done, long[] open, long total, ScanProgress progress) {
    int[] timedOut = new int[count];
    int timedOutCount = 0;
    ArrayDeque<Attempt> queue = new ArrayDeque<>();
    int inFlight = 0;
    int next = 0;
    long lastProgress = System.nanoTime();
    try (Selector selector = Selector.open()) {
      while (next < count || inFlight > 0) {
        while (inFlight < settings.concurrency() && next < count) {
          int index = indexes[next++];
          Attempt attempt = start(endpoints.get(index), index, selector, results);
          if (attempt == null) {
            done[0]++;
            if (results[index].state() == PortState.OPEN) {
              open[0]++;
            }
          } else {
            queue.addLast(attempt);
            inFlight++;
          }
        }
        long now = System.nanoTime();
        while (!queue.isEmpty() && (queue.peekFirst().finished || queue.peekFirst().deadline <= now)) {
          Attempt head = queue.pollFirst();
          if (head.finished) {
            continue;
          }
          head.finish();
          inFlight--;
          done[0]++;
          if (lastPass) {
            results[head.index] = new PortResult(head.endpoint, PortState.FILTERED, "no answer in " + settings.timeout().toMillis() + " ms");
          } else {
            timedOut[timedOutCount++] = head.index;
          }
        }
        if (inFlight == 0) {
          continue;
        }
        long waitMillis = Math.max(1, (queue.peekFirst().deadline - now + 999_999) / 1_000_000);
        selector.select(waitMillis);
        Iterator<SelectionKey> keys = selector.selectedKeys().iterator();
        while (keys.hasNext()) {
          SelectionKey key = keys.next();
          keys.remove();
          Attempt attempt = (Attempt) key.attachment();
          if (attempt.finished) {
            continue;
          }
          results[attempt.index] = complete(attempt);
          attempt.finish();
          inFlight--;
          done[0]++;
          if (results[attempt.index].state() == PortState.OPEN) {
            open[0]++;
          }
        }
        now = System.nanoTime();
        if (now - lastProgress >= PROGRESS_EVERY_NANOS) {
          lastProgress = now;
          progress.update(done[0], total, open[0]);
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("the scanner's selector failed", e);
    }
    return Arrays.copyOf(timedOut, timedOutCount);
  }

  /** Starts one connect; returns null when it finished at once (loopback often answers inline). */
  private Attempt start(Endpoint endpoint, int index, Selector selector, PortResult[] results) {
    SocketChannel channel;
    try {
      channel = SocketChannel.open(endpoint.address() instanceof Inet6Address
          ? StandardProtocolFamily.INET6 : StandardProtocolFamily.INET);
    } catch (IOException e) {
      // Out of file descriptors or sockets: a local limit, never a fact about the target.
      throw new UncheckedIOException("cannot open a socket (is 'ulimit -n' lower than --concurrency?)", e);
    }
    try {
      channel.configureBlocking(false);
      if (channel.connect(endpoint.socketAddress())) {
        results[index] = connected(endpoint, channel);
        closeQuietly(channel, true);
        return null;
      }
      Attempt attempt = new Attempt(endpoint, index, channel, System.nanoTime() + settings.timeout().toNanos());
      attempt.key = channel.register(selector, SelectionKey.OP_CONNECT, attempt);
      return attempt;
    } catch (IOException e) {
      closeQuietly(channel, false);
      if (isLocalShortage(e)) {
        // No free local port: a fact about this machine; calling the port filtered would lie.
        throw new UncheckedIOException("this machine ran out of local ports at " + endpoint
            + " (lower --concurrency)", e);
      }
      results[index] = new PortResult(endpoint, stateOf(e), reasonOf(e));
      return null;
    }
  }

  private static boolean isLocalShortage(IOException e) {
    String m = String.valueOf(e.getMessage());
    return m.contains("Cannot assign requested address") || m.contains("Too many open files");
  }

  private static PortResult complete(Attempt attempt) {
    try {
      attempt.channel.finishConnect();
      return connected(attempt.endpoint, attempt.channel);
    } catch (IOException e) {
      return new PortResult(attempt.endpoint, stateOf(e), reasonOf(e));
    }
  }

  /**
   * A connect that succeeded. On the scanner's own host the kernel may pick the probed port as
   * the local port and connect the socket to itself (TCP simultaneous open): nothing listens
   * there, so that port is closed, not open.
   */
  static PortResult connected(Endpoint endpoint, SocketChannel channel) throws IOException {
    if (endpoint.socketAddress().equals(channel.getLocalAddress())) {
      return new PortResult(endpoint, PortState.CLOSED, "connected to itself: nothing listens");
    }
    return new PortResult(endpoint, PortState.OPEN, "");
  }

  private static PortState stateOf(IOException e) {
    // ECONNREFUSED is a reset; EHOSTUNREACH/ENETUNREACH come from ICMP, typically a REJECT rule.
    if (e instanceof ConnectException && !(e instanceof NoRouteToHostException)
        && String.valueOf(e.getMessage()).contains("refused")) {
      return PortState.CLOSED;
    }
    return PortState.FILTERED;
  }

  private static String reasonOf(IOException e) {
    return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
  }

  private static void closeQuietly(SocketChannel channel, boolean connected) {
    try {
      if (connected) {
        // A reset instead of a FIN: the service sees one short connection and neither side
        // keeps TIME_WAIT state for thousands of probes.
        channel.setOption(StandardSocketOptions.SO_LINGER, 0);
      }
    } catch (IOException | UnsupportedOperationException ignored) {
      // Best effort; close below still releases the descriptor.
    }
    try {
      channel.close();
    } catch (IOException ignored) {
      // Nothing useful to do: the descriptor is gone either way.
    }
  }

  private static final class Attempt {
    final Endpoint endpoint;
    final int index;
    final SocketChannel channel;
    final long deadline;
    SelectionKey key;
    boolean finished;

    Attempt(Endpoint endpoint, int index, SocketChannel channel, long deadline) {
      this.endpoint = endpoint;
      this.index = index;
      this.channel = channel;
      this.deadline = deadline;
    }

    void finish() {
      finished = true;
      if (key != null) {
        key.cancel();
      }
      boolean connected = channel.isConnected();
      closeQuietly(channel, connected);
    }
  }

  /** The list form callers most often need: the open endpoints, in scan order. */
  public static List<Endpoint> openEndpoints(List<PortResult> results) {
    List<Endpoint> open = new ArrayList<>();
    for (PortResult r : results) {
      if (r.state() == PortState.OPEN) {
        open.add(r.endpoint());
      }
    }
    return open;
  }
}
