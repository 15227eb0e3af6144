package dev.breakwater.policy;

import inet.ipaddr.IPAddress;
import java.util.List;

/**
 * Which {@code breakwater.allow} container labels the policy accepts. Labels are a trust
 * boundary: anyone who may start a container on the host (the docker group, a CI runner, a
 * compose file from a pull request) can write them, so they are off unless the policy turns them
 * on, and even then {@code any} and sources outside {@code within} are refused.
 *
 * @param accepted whether labels are read at all ({@code labels: false}, the default, ignores them)
 * @param projects only containers of these Compose projects ({@code com.docker.compose.project});
 *     empty means every container
 * @param within a label's sources must all lie inside these prefixes; empty means no limit
 * @param allowAny whether a label may say {@code any}
 */
public record LabelTrust(boolean accepted, List<String> projects, List<IPAddress> within, boolean allowAny) {
  /** {@code labels: false}, the default. */
  public static final LabelTrust NONE = new LabelTrust(false, List.of(), List.of(), false);
  /** {@code labels: true}: every container's labels, never {@code any}. */
  public static final LabelTrust ACCEPTED = new LabelTrust(true, List.of(), List.of(), false);

  public LabelTrust {
    projects = List.copyOf(projects);
    within = List.copyOf(within);
  }
}
