package dev.breakwater.probe;

import dev.breakwater.catalog.Severity;

/**
 * What a service check found behind one open port.
 *
 * @param service the protocol spoken, e.g. {@code redis}
 * @param version the server's version when it told us, else empty
 * @param summary one sentence: what answered and what it let us do
 * @param fix what to change so a stranger no longer gets this answer; empty when nothing to fix
 */
public record ServiceFinding(Endpoint endpoint, String service, Access access, Severity severity,
    String version, String summary, String fix) {}
