package dev.breakwater.probe;

/**
 * A user name and password the owner handed to {@code probe} so that it logs in and reports what
 * anyone holding them could do. The password never appears in {@link #toString()}.
 *
 * @param service the service it is for ({@code mysql}, {@code postgresql}, {@code redis},
 *     {@code mongodb}) or {@code *} for every data store checked
 * @param source where it came from, for messages: {@code --login} or {@code FILE:LINE}
 */
public record Login(String service, String user, String password, String source) {
  public static final String EVERY_SERVICE = "*";

  @Override
  public String toString() {
    return "Login[" + service + " " + user + " from " + source + "]";
  }
}
