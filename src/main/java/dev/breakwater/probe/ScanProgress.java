package dev.breakwater.probe;

/** Told how far a scan has come; called from the thread that started the scan, a few times a second. */
@FunctionalInterface
public interface ScanProgress {
  ScanProgress NONE = (done, total, open) -> {};

  void update(long done, long total, long open);
}
