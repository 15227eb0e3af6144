package dev.breakwater.compose;

import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * One parsed compose file before merging: its services, which keys of each service carried
 * {@code !reset} or {@code !override}, and the default host address of each network that sets
 * {@code com.docker.network.bridge.host_binding_ipv4}.
 */
public record ComposeDocument(
    SourceFile file,
    List<Service> services,
    Map<String, Set<String>> resetKeys,
    Map<String, Set<String>> overrideKeys,
    Map<String, String> networkHostBinding) {}
