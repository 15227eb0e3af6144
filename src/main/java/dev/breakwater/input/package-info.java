/**
 * The one guard in front of every file Breakwater reads whole: {@link
 * dev.breakwater.input.BoundedText} (a regular file, a size cap, strict UTF-8) and {@link
 * dev.breakwater.input.NestingLimit} (a depth cap for JSON and YAML), so that a FIFO, a device, a
 * huge file or a 3,000-deep document is a one-line refusal instead of a hang, an out-of-memory or
 * a stack overflow.
 */
package dev.breakwater.input;
