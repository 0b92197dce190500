package dev.quiver.kafka;

import org.apache.kafka.common.acl.AccessControlEntry;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.acl.AclPermissionType;
import org.apache.kafka.common.resource.PatternType;
import org.apache.kafka.common.resource.ResourcePattern;
import org.apache.kafka.common.resource.ResourceType;

import java.io.IOException;
import java.nio.charset.CharacterCodingException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Reads the secured broker's ACLs: one a line, fields separated by blanks:
 *
 * <pre>
 * PRINCIPAL OPERATION RESOURCE_TYPE NAME [PATTERN_TYPE [PERMISSION]]
 * User:alice READ TOPIC vectors
 * User:alice READ GROUP quiver- PREFIXED
 * User:alice WRITE TRANSACTIONAL_ID quiver- PREFIXED
 * User:mallory ALL TOPIC * LITERAL DENY
 * </pre>
 *
 * <p>PRINCIPAL is {@code User:name} ({@link PrincipalNames}) or {@code User:*}; OPERATION one of
 * Kafka's ACL operations ({@code READ, WRITE, CREATE, DELETE, ALTER, DESCRIBE, CLUSTER_ACTION,
 * DESCRIBE_CONFIGS, ALTER_CONFIGS, IDEMPOTENT_WRITE, ALL}); RESOURCE_TYPE one of {@code TOPIC,
 * GROUP, CLUSTER, TRANSACTIONAL_ID, DELEGATION_TOKEN, USER}; NAME the resource's name, {@code *}
 * for all, and {@code kafka-cluster} for the cluster; PATTERN_TYPE {@code LITERAL} (the default) or
 * {@code PREFIXED}; PERMISSION {@code ALLOW} (the default) or {@code DENY}. Keywords are case
 * insensitive. Every ACL applies from any host. Blank lines and lines starting with {@code #} are
 * skipped.
 */
final class AclFile {
    private static final Set<AclOperation> OPERATIONS =
            Set.of(
                    AclOperation.READ,
                    AclOperation.WRITE,
                    AclOperation.CREATE,
                    AclOperation.DELETE,
                    AclOperation.ALTER,
                    AclOperation.DESCRIBE,
                    AclOperation.CLUSTER_ACTION,
                    AclOperation.DESCRIBE_CONFIGS,
                    AclOperation.ALTER_CONFIGS,
                    AclOperation.IDEMPOTENT_WRITE,
                    AclOperation.ALL);
    private static final Set<ResourceType> RESOURCE_TYPES =
            Set.of(
                    ResourceType.TOPIC,
                    ResourceType.GROUP,
                    ResourceType.CLUSTER,
                    ResourceType.TRANSACTIONAL_ID,
                    ResourceType.DELEGATION_TOKEN,
                    ResourceType.USER);
    private static final Set<PatternType> PATTERN_TYPES =
            Set.of(PatternType.LITERAL, PatternType.PREFIXED);
    private static final Set<AclPermissionType> PERMISSIONS =
            Set.of(AclPermissionType.ALLOW, AclPermissionType.DENY);

    /** The one name Kafka gives its cluster resource. */
    static final String CLUSTER_NAME = "kafka-cluster";

    private AclFile() {}

    /**
     * The ACLs of {@code file}, in file order, duplicates removed.
     *
     * @throws IllegalArgumentException with one line naming the file, the line and the bad field
     */
    static List<AclBinding> read(Path file) {
        List<String> lines;
        try {
            lines = Files.readAllLines(file);
        } catch (CharacterCodingException e) {
            throw new IllegalArgumentException("cannot read " + file + ": not UTF-8 text", e);
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read " + file + ": " + e.getMessage(), e);
        }
        List<AclBinding> acls = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i).strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            try {
                AclBinding acl = parse(line.split("\\s+"));
                if (!acls.contains(acl)) {
                    acls.add(acl);
                }
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(
                        file + " line " + (i + 1) + ": " + e.getMessage(), e);
            }
        }
        return List.copyOf(acls);
    }

    private static AclBinding parse(String[] fields) {
        if (fields.length < 4 || fields.length > 6) {
            throw new IllegalArgumentException(
                    "expected PRINCIPAL OPERATION RESOURCE_TYPE NAME [PATTERN_TYPE [PERMISSION]],"
                            + " got "
                            + fields.length
                            + " fields");
        }
        String principal = principal(fields[0]);
        AclOperation operation = keyword(fields[1], "operation", OPERATIONS, AclOperation::valueOf);
        ResourceType type =
                keyword(fields[2], "resource type", RESOURCE_TYPES, ResourceType::valueOf);
        String name = fields[3];
        PatternType pattern =
                fields.length > 4
                        ? keyword(fields[4], "pattern type", PATTERN_TYPES, PatternType::valueOf)
                        : PatternType.LITERAL;
        AclPermissionType permission =
                fields.length > 5
                        ? keyword(fields[5], "permission", PERMISSIONS, AclPermissionType::valueOf)
                        : AclPermissionType.ALLOW;
        if (type == ResourceType.CLUSTER
                && !(name.equals(CLUSTER_NAME) && pattern == PatternType.LITERAL)) {
            throw new IllegalArgumentException(
                    "the CLUSTER resource is named " + CLUSTER_NAME + " (LITERAL), got " + name);
        }
        if (name.equals("*") && pattern == PatternType.PREFIXED) {
            throw new IllegalArgumentException("'*' means every name only with LITERAL");
        }
        return new AclBinding(
                new ResourcePattern(type, name, pattern),
                new AccessControlEntry(principal, "*", operation, permission));
    }

    private static String principal(String field) {
        if (!field.startsWith("User:")) {
            throw new IllegalArgumentException("principal must be User:NAME, got " + field);
        }
        String name = field.substring("User:".length());
        if (!name.equals("*")) {
            PrincipalNames.check(name, "principal name");
        }
        return field;
    }

    private static <T> T keyword(
            String field, String what, Set<T> allowed, java.util.function.Function<String, T> of) {
        try {
            T value = of.apply(field.toUpperCase(Locale.ROOT));
            if (allowed.contains(value)) {
                return value;
            }
        } catch (IllegalArgumentException e) {
            // Not a name of the enum at all: reported below with the accepted ones.
        }
        throw new IllegalArgumentException(
                "unknown "
                        + what
                        + " "
                        + field
                        + ", expected one of "
                        + allowed.stream()
                                .map(Object::toString)
                                .sorted()
                                .collect(Collectors.joining(", ")));
    }

    static String describe(AclBinding acl) {
        return String.join(
                " ",
                Arrays.asList(
                        acl.entry().principal(),
                        acl.entry().operation().name(),
                        acl.pattern().resourceType().name(),
                        acl.pattern().name(),
                        acl.pattern().patternType().name(),
                        acl.entry().permissionType().name()));
    }
}
