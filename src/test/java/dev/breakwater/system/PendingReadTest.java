package dev.breakwater.system;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class PendingReadTest {
  @Test
  void handsBackTheResult() {
    assertThat(PendingRead.start("t", () -> List.of("a", "b")).get()).containsExactly("a", "b");
  }

  @Test
  void rethrowsWhatTheTaskThrewUnchangedOnTheCallersThread() {
    CommandFailed failed = new CommandFailed("iptables-save: no such table");
    PendingRead<String> read = PendingRead.start("t", () -> {
      throw failed;
    });
    assertThatThrownBy(read::get).isSameAs(failed);
    StackOverflowError error = new StackOverflowError();
    assertThatThrownBy(PendingRead.start("t", () -> {
      throw error;
    })::get).isSameAs(error);
  }

  @Test
  void readsStartedTogetherRunAtOnce() throws InterruptedException {
    // Each waits for the other to have started: run one after another, the first would wait out its limit.
    CountDownLatch first = new CountDownLatch(1);
    CountDownLatch second = new CountDownLatch(1);
    PendingRead<Boolean> a = PendingRead.start("a", () -> {
      first.countDown();
      return await(second);
    });
    PendingRead<Boolean> b = PendingRead.start("b", () -> {
      second.countDown();
      return await(first);
    });
    assertThat(a.get()).isTrue();
    assertThat(b.get()).isTrue();
  }

  private static boolean await(CountDownLatch latch) {
    try {
      return latch.await(30, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }
}
