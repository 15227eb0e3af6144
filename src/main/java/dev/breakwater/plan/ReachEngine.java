package dev.breakwater.plan;

import dev.breakwater.host.HostFacts;
import dev.breakwater.reach.PortReach;
import java.util.ArrayList;
import java.util.List;

/** The reach engine as the proof sees it: who reaches every published port of a host. */
@FunctionalInterface
public interface ReachEngine {
  List<PortReach> observe(HostFacts facts);

  /**
   * {@code engine}, answering a host it has already answered from memory. {@code apply} proves
   * the plan (the host before and after) and then the commit order ({@link CommitWindow}: the
   * same two ends again, plus each state between): with 1,000 allows an answer costs seconds, and
   * two of every five were the same hosts again. The engine is pure and a host is a record, so an
   * equal host gets the same answer; not thread-safe, for one command's proof.
   */
  static ReachEngine remembering(ReachEngine engine) {
    record Answer(HostFacts facts, List<PortReach> reach) {}
    List<Answer> answers = new ArrayList<>();
    return facts -> {
      for (Answer answer : answers) {
        if (answer.facts() == facts) {
          return answer.reach();
        }
      }
      for (Answer answer : answers) {
        if (answer.facts().equals(facts)) {
          return answer.reach();
        }
      }
      List<PortReach> reach = engine.observe(facts);
      answers.add(new Answer(facts, reach));
      return reach;
    };
  }
}
