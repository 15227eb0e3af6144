package dev.breakwater.lint;

import dev.breakwater.catalog.Severity;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * A lint rule's metadata, declared on its class. The docs page {@code docs/rules/ID.md}, the
 * SARIF rule descriptor and {@code lint --list-rules} are all generated from it.
 */
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.TYPE)
@interface RuleInfo {
  /** Stable identifier used in suppressions and SARIF, e.g. {@code BW001}. */
  String id();

  /** Readable name, also accepted in suppressions, e.g. {@code PublishedOnAllInterfaces}. */
  String name();

  /** One line: what the rule flags. */
  String summary();

  /** The highest severity the rule reports. */
  Severity severity();

  /** Why it matters (Markdown). */
  String why();

  /** How to fix it (Markdown). */
  String fix();

  /**
   * True when {@code fix} leaves the rule's findings alone unless asked ({@code fix --all} or
   * {@code fix: all} in the lint config): the port is most likely public on purpose.
   */
  boolean fixOnRequest() default false;

  /** The name the examples are linted as: a compose file, a script or a Makefile. */
  String exampleFile() default "compose.yaml";

  /** An {@link #exampleFile()} that the rule flags (RuleDocsTest lints it). */
  String bad() default "";

  /** The same file, fixed: the rule does not flag it. */
  String good() default "";

  /**
   * A compose file beside the examples, for a rule that judges a host file with the ports the
   * repository publishes (RuleDocsTest lints the examples with it).
   */
  String besideCompose() default "";
}
