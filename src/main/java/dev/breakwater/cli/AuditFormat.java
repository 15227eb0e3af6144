package dev.breakwater.cli;

/**
 * {@code --format} of audit: {@link OutputFormat}'s two plus a page. A separate enum so that
 * trace, plan and probe do not offer (and need not refuse) {@code html}.
 */
enum AuditFormat {
  TEXT,
  JSON,
  HTML
}
