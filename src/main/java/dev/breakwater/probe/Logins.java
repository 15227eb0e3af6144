package dev.breakwater.probe;

import dev.breakwater.input.BoundedText;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;

/**
 * The credentials {@code probe --login} and {@code --login-file} hand over. Passwords are never
 * taken from the command line, where {@code ps} and the shell's history show them to every
 * user: {@code --login USER:ENV} names an environment variable, and a login file must be
 * readable by its owner alone (as {@code ~/.pgpass} must).
 */
public record Logins(List<Login> logins) {
  public static final Logins NONE = new Logins(List.of());

  /** The data stores a login is used for; the names are the service checks'. */
  public static final List<String> SERVICES = List.of("mysql", "postgresql", "redis", "mongodb");

  public Logins {
    logins = List.copyOf(logins);
  }

  public boolean isEmpty() {
    return logins.isEmpty();
  }

  /** The login for this service: one named for it wins over a {@code *} one. */
  public Optional<Login> forService(String service) {
    if (!SERVICES.contains(service)) {
      return Optional.empty();
    }
    return logins.stream().filter(l -> l.service().equals(service)).findFirst()
        .or(() -> logins.stream().filter(l -> l.service().equals(Login.EVERY_SERVICE)).findFirst());
  }

  public Logins plus(Logins more) {
    List<Login> all = new ArrayList<>(logins);
    all.addAll(more.logins);
    return new Logins(all);
  }

  /**
   * Parses {@code --login [SERVICE=]USER[:ENV]} values; {@code env} looks up environment
   * variables (System::getenv in the CLI). Without {@code :ENV} the login has no password.
   */
  public static Logins fromOptions(List<String> values, Function<String, String> env) {
    List<Login> out = new ArrayList<>();
    for (String v : values) {
      String service = Login.EVERY_SERVICE;
      String rest = v;
      int eq = v.indexOf('=');
      if (eq >= 0) {
        service = v.substring(0, eq).trim();
        rest = v.substring(eq + 1);
      }
      int colon = rest.lastIndexOf(':');
      String user = colon >= 0 ? rest.substring(0, colon) : rest;
      String password = "";
      if (colon >= 0) {
        String name = rest.substring(colon + 1);
        if (!name.matches("[A-Za-z_][A-Za-z0-9_]*")) {
          // Not echoed: what follows ':' may be a password typed by mistake.
          throw new ProbeInputException("--login for user '" + Printable.plain(user) + "': after ':' comes the NAME of an environment "
              + "variable holding the password (e.g. --login root:DB_PASSWORD), never the password itself");
        }
        password = env.apply(name);
        if (password == null) {
          throw new ProbeInputException("--login '" + v + "': the environment variable " + name
              + " is not set; export it (read -rs " + name + "; export " + name + ")");
        }
      }
      out.add(checked(new Login(service, user, password, "--login"), "--login '" + v + "'"));
    }
    return new Logins(out);
  }

  /**
   * Reads a login file: one {@code SERVICE USER PASSWORD} per line (SERVICE {@code *} for every
   * data store, PASSWORD may be left out, {@code #} starts a comment). The file must not be
   * readable or writable by its group or others.
   */
  public static Logins fromFile(Path file) {
    Set<PosixFilePermission> mode;
    String text;
    try {
      mode = Files.getPosixFilePermissions(file);
      text = BoundedText.read(file, BoundedText.Limits.mib(1, "a login file is a few lines"));
    } catch (NoSuchFileException e) {
      throw new ProbeInputException("--login-file " + file + ": no such file");
    } catch (IOException | UnsupportedOperationException e) {
      throw new ProbeInputException("--login-file " + file + ": cannot read it (" + e.getMessage() + ")");
    }
    for (PosixFilePermission p : List.of(PosixFilePermission.GROUP_READ, PosixFilePermission.GROUP_WRITE,
        PosixFilePermission.OTHERS_READ, PosixFilePermission.OTHERS_WRITE)) {
      if (mode.contains(p)) {
        throw new ProbeInputException("--login-file " + file + ": other users may read or change it ("
            + java.nio.file.attribute.PosixFilePermissions.toString(mode) + "); chmod 600 " + file);
      }
    }
    List<Login> out = new ArrayList<>();
    String[] lines = text.split("\n", -1);
    for (int i = 0; i < lines.length; i++) {
      String line = lines[i].strip();
      if (line.isEmpty() || line.startsWith("#")) {
        continue;
      }
      String where = file + ":" + (i + 1);
      String[] words = line.split("\\s+", 3);
      if (words.length < 2) {
        throw new ProbeInputException(where + ":1: expected 'SERVICE USER PASSWORD' (SERVICE one of "
            + SERVICES + " or *), found " + words.length + " word(s)");
      }
      out.add(checked(new Login(words[0], words[1], words.length > 2 ? words[2] : "", where), where));
    }
    return new Logins(out);
  }

  private static Login checked(Login l, String where) {
    if (!l.service().equals(Login.EVERY_SERVICE) && !SERVICES.contains(l.service())) {
      throw new ProbeInputException(where + ": unknown service '" + Printable.plain(l.service())
          + "'; logins are for " + String.join(", ", SERVICES) + " or *");
    }
    if (l.user().isBlank()) {
      throw new ProbeInputException(where + ": the user name is empty");
    }
    return l;
  }
}
