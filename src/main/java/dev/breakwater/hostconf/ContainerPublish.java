package dev.breakwater.hostconf;

/**
 * A container port published to addresses other than loopback, as the checks of the host's
 * configuration need it: which container, the host port a client connects to and the port the
 * container listens on (what filter rules after DNAT see).
 */
public record ContainerPublish(String container, int hostPort, int containerPort) {}
