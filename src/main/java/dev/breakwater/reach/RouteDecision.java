package dev.breakwater.reach;

/** What the kernel's routing decision does with the packet after PREROUTING. */
sealed interface RouteDecision {

  String describe();

  /** To a socket of the host: INPUT decides. */
  record Local(String why) implements RouteDecision {
    @Override
    public String describe() {
      return "local delivery (" + why + ")";
    }
  }

  /** Through the host: FORWARD decides. */
  record Forward(String outInterface, String why) implements RouteDecision {
    @Override
    public String describe() {
      return "forward out of " + outInterface + " (" + why + ")";
    }
  }

  /** Dropped by the routing code itself (martian, blackhole, no route). */
  record Dropped(String why) implements RouteDecision {
    @Override
    public String describe() {
      return "dropped: " + why;
    }
  }
}
