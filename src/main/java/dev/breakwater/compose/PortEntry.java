package dev.breakwater.compose;


/**
 * One {@code ports:} item or {@code -p} value as written: its meaning, its source span and how
 * the fixer may edit it. {@code yaml11Integer} is set for plain scalars such as {@code 2222:22}
 * that a YAML 1.1 loader reads as a base-60 number.
 */
public record PortEntry(
    PortMapping mapping, PortSyntax syntax, SourceFile file, int start, int end, FixSite fixSite,
    boolean yaml11Integer) {

  public int line() {
    return file.line(start);
  }
}
