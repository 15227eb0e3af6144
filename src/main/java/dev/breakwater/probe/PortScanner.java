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
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;

/**
 * TCP connect scanner: thousands of non-blocking connects in flight on one selector.
 *
 * <p>A host whose firewall drops unsolicited packets (UFW's default) answers nothing, so every
 * closed port costs a full timeout; the only way to be fast there is to wait for many at once.
 * Connects are started in order and all share one timeout, so the oldest attempt is always the
 * next to expire and a FIFO queue is enough to find it. Large scans are split into interleaved
 * stripes, one selector thread each.
 */
public final class PortScanner {
  private static final long PROGRESS_EVERY_NANOS = 200_000_000L;
  private static final int MAX_WORKERS = 4;

  private final ScanSettings settings;

  public PortScanner(ScanSettings settings) {
    this.settings = settings;
  }

  /** Connects to every endpoint; the result has one entry per endpoint, in the given order. */
  public List<PortResult> scan(List<Endpoint> endpoints, ScanProgress progress) {
    PortResult[] results = new PortResult[endpoints.size()];
    Counters counters = new Counters(endpoints.size());
    int[] pending = new int[endpoints.size()];
    for (int i = 0; i < pending.length; i++) {
      pending[i] = i;
    }
    for (int pass = 0; pass <= settings.retries() && pending.length > 0; pass++) {
      boolean lastPass = pass == settings.retries();
      // The final pass leaves FILTERED results; an earlier one hands its timeouts to the next.
      pending = runPass(endpoints, pending, results, lastPass, counters, progress);
      counters.done.addAndGet(-pending.length);
    }
    progress.update(counters.total, counters.total, counters.open.get());
    return Arrays.asList(results);
  }

  /**
   * One pass over {@code indexes}, split across a few threads, each with its own selector and an
   * equal share of the concurrency: on a host that answers at once (resets) the scan is bound by
   * the CPU the kernel and the JVM spend per connect, and more than one core helps. The calling
   * thread reports progress. Returns the indexes that timed out when this is not the last pass.
   */
  private int[] runPass(List<Endpoint> endpoints, int[] indexes, PortResult[] results, boolean lastPass,
      Counters counters, ScanProgress progress) {
    int workers = workersFor(indexes.length);
    int share = Math.max(1, settings.concurrency() / workers);
    List<Future<int[]>> futures = new ArrayList<>();
    ExecutorService pool = Executors.newFixedThreadPool(workers, r -> {
      Thread t = new Thread(r, "breakwater-scan");
      t.setDaemon(true);
      return t;
    });
    try {
      for (int w = 0; w < workers; w++) {
        int[] stripe = stripe(indexes, w, workers);
        futures.add(pool.submit(() -> runStripe(endpoints, stripe, results, lastPass, counters, share)));
      }
      int[] timedOut = new int[0];
      for (Future<int[]> f : futures) {
        int[] more = await(f, counters, progress);
        int old = timedOut.length;
        timedOut = Arrays.copyOf(timedOut, old + more.length);
        System.arraycopy(more, 0, timedOut, old, more.length);
      }
      return timedOut;
    } finally {
      pool.shutdownNow();
    }
  }

  private int workersFor(int endpoints) {
    int cores = Runtime.getRuntime().availableProcessors();
    // A thread pays off only with enough connects to keep it busy.
    return Math.max(1, Math.min(Math.min(cores, MAX_WORKERS), Math.min(settings.concurrency(), endpoints / 1024)));
  }

  /** Every {@code workers}-th index from {@code first}: each stripe covers the whole port range. */
  private static int[] stripe(int[] indexes, int first, int workers) {
    int[] out = new int[(indexes.length - first + workers - 1) / workers];
    for (int i = first, j = 0; i < indexes.length; i += workers, j++) {
      out[j] = indexes[i];
    }
    return out;
  }

  private static int[] await(Future<int[]> f, Counters counters, ScanProgress progress) {
    while (true) {
      try {
        return f.get(PROGRESS_EVERY_NANOS, TimeUnit.NANOSECONDS);
      } catch (TimeoutException e) {
        progress.update(counters.done.get(), counters.total, counters.open.get());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("the scan was interrupted", e);
      } catch (ExecutionException e) {
        if (e.getCause() instanceof RuntimeException r) {
          throw r;
        }
        throw new IllegalStateException(e.getCause());
      }
    }
  }

  private int[] runStripe(List<Endpoint> endpoints, int[] indexes, PortResult[] results, boolean lastPass,
      Counters counters, int concurrency) {
    int count = indexes.length;
    int[] timedOut = new int[count];
    int timedOutCount = 0;
    ArrayDeque<Attempt> queue = new ArrayDeque<>();
    int inFlight = 0;
    int next = 0;
    try (Selector selector = Selector.open()) {
      while (next < count || inFlight > 0) {
        if (Thread.currentThread().isInterrupted()) {
          // Another stripe failed (a local shortage) and the scan is over: release the sockets.
          queue.forEach(a -> {
            if (!a.finished) {
              a.finish();
            }
          });
          return new int[0];
        }
        while (inFlight < concurrency && next < count) {
          int index = indexes[next++];
          Attempt attempt = start(endpoints.get(index), index, selector, results);
          if (attempt == null) {
            counters.finished(results[index]);
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
          if (lastPass) {
            results[head.index] = new PortResult(head.endpoint, PortState.FILTERED, "no answer in " + settings.timeout().toMillis() + " ms");
          } else {
            timedOut[timedOutCount++] = head.index;
          }
          counters.finished(results[head.index]);
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
          counters.finished(results[attempt.index]);
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("the scanner's selector failed", e);
    }
    return Arrays.copyOf(timedOut, timedOutCount);
  }

  /** How far the scan has come, shared by the scanning threads and read by the reporting one. */
  private static final class Counters {
    final long total;
    final AtomicLong done = new AtomicLong();
    final AtomicLong open = new AtomicLong();

    Counters(long total) {
      this.total = total;
    }

    /** One endpoint settled (or timed out, to be retried: its result is still null). */
    void finished(PortResult result) {
      done.incrementAndGet();
      if (result != null && result.state() == PortState.OPEN) {
        open.incrementAndGet();
      }
    }
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
