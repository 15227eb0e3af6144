package dev.breakwater.audit;

import com.fasterxml.jackson.annotation.JsonIgnore;
import dev.breakwater.catalog.Severity;
import java.util.Comparator;
import java.util.List;

/**
 * One published port of one container, as the audit reports it. Field names are the JSON
 * contract ({@code breakwater audit --format json}).
 *
 * @param ufwClaim what UFW says about this port: {@code deny}, {@code allow} or {@code none}
 * @param decidedBy citation of the rule that lets the sources in, or the empty string
 * @param runtime the container's engine: {@code docker} or {@code podman}
 */
public record Exposure(
    String container,
    String image,
    String composeProject,
    String composeService,
    String hostIp,
    int hostPort,
    String protocol,
    int containerPort,
    List<String> reachableFrom,
    List<String> possiblyReachableFrom,
    boolean exact,
    String ufwClaim,
    String decidedBy,
    List<String> notes,
    List<ExposureFinding> findings,
    String runtime) {

  public Exposure {
    reachableFrom = List.copyOf(reachableFrom);
    possiblyReachableFrom = List.copyOf(possiblyReachableFrom);
    notes = List.copyOf(notes);
    findings = List.copyOf(findings);
  }

  /** This exposure with more notes and findings (worst first), as a later judgement adds them. */
  Exposure with(List<String> moreNotes, List<ExposureFinding> moreFindings) {
    List<ExposureFinding> all = new java.util.ArrayList<>(findings);
    all.addAll(moreFindings);
    all.sort(Comparator.comparing(ExposureFinding::severity).reversed());
    List<String> allNotes = new java.util.ArrayList<>(notes);
    allNotes.addAll(moreNotes);
    return new Exposure(container, image, composeProject, composeService, hostIp, hostPort, protocol, containerPort,
        reachableFrom, possiblyReachableFrom, exact, ufwClaim, decidedBy, allNotes, all, runtime);
  }

  /** An exposure of a Docker container. */
  public Exposure(String container, String image, String composeProject, String composeService, String hostIp,
      int hostPort, String protocol, int containerPort, List<String> reachableFrom, List<String> possiblyReachableFrom,
      boolean exact, String ufwClaim, String decidedBy, List<String> notes, List<ExposureFinding> findings) {
    this(container, image, composeProject, composeService, hostIp, hostPort, protocol, containerPort, reachableFrom,
        possiblyReachableFrom, exact, ufwClaim, decidedBy, notes, findings, "docker");
  }

  /** The worst finding's severity; {@code INFO} when there is none. */
  @JsonIgnore
  public Severity severity() {
    return ExposureFinding.worst(findings);
  }

  /** {@code 0.0.0.0:3306/tcp}, with IPv6 host addresses in brackets. */
  @JsonIgnore
  public String hostEndpoint() {
    String ip = hostIp.contains(":") ? "[" + hostIp + "]" : hostIp;
    return ip + ":" + hostPort + "/" + protocol;
  }
}
