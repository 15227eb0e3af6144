package dev.breakwater.host;

import inet.ipaddr.IPAddress;
import java.util.Optional;

/** A container's attachment to one Docker network ({@code NetworkSettings.Networks}). */
public record ContainerNetwork(
    String name, Optional<IPAddress> ipv4, Optional<IPAddress> ipv6, Optional<IPAddress> gateway) {}
