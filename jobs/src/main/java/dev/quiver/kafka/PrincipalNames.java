package dev.quiver.kafka;

import java.util.regex.Pattern;

/**
 * The names the secured broker accepts for SCRAM users and client certificates: letters, digits,
 * dot, underscore and hyphen, 1 to 64 of them, starting with a letter or digit. Nothing to escape
 * in a SCRAM user name, a certificate's common name, a file name or an ACL's principal.
 */
final class PrincipalNames {
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,63}");

    private PrincipalNames() {}

    /**
     * Returns {@code name} if valid and not the broker's own.
     *
     * @throws IllegalArgumentException naming {@code what} and the bad name
     */
    static String check(String name, String what) {
        if (name == null || !NAME.matcher(name).matches()) {
            throw new IllegalArgumentException(
                    what
                            + " must be 1 to 64 letters, digits, '.', '_' or '-', starting with a"
                            + " letter or digit: "
                            + (name == null ? "none" : "'" + name + "'"));
        }
        if (name.equals(BrokerTls.BROKER_NAME)) {
            throw new IllegalArgumentException(
                    what + " '" + name + "' is reserved for the broker itself, its super user");
        }
        return name;
    }
}
