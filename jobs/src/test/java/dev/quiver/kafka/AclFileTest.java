package dev.quiver.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.apache.kafka.common.acl.AccessControlEntry;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.acl.AclPermissionType;
import org.apache.kafka.common.resource.PatternType;
import org.apache.kafka.common.resource.ResourcePattern;
import org.apache.kafka.common.resource.ResourceType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

class AclFileTest {
    @TempDir Path dir;

    @Test
    void readsEachFieldWithLiteralAndAllowAsDefaultsAndDropsDuplicates() throws Exception {
        Path file =
                write(
                        "# alice's pipeline: keywords in any case",
                        "User:alice READ TOPIC vectors",
                        "User:alice read group quiver- prefixed",
                        "User:alice IDEMPOTENT_WRITE CLUSTER kafka-cluster",
                        "",
                        "User:* ALL TOPIC * LITERAL DENY",
                        "User:alice READ TOPIC vectors LITERAL ALLOW");

        assertThat(AclFile.read(file))
                .containsExactly(
                        acl(
                                "User:alice",
                                AclOperation.READ,
                                ResourceType.TOPIC,
                                "vectors",
                                PatternType.LITERAL,
                                AclPermissionType.ALLOW),
                        acl(
                                "User:alice",
                                AclOperation.READ,
                                ResourceType.GROUP,
                                "quiver-",
                                PatternType.PREFIXED,
                                AclPermissionType.ALLOW),
                        acl(
                                "User:alice",
                                AclOperation.IDEMPOTENT_WRITE,
                                ResourceType.CLUSTER,
                                "kafka-cluster",
                                PatternType.LITERAL,
                                AclPermissionType.ALLOW),
                        acl(
                                "User:*",
                                AclOperation.ALL,
                                ResourceType.TOPIC,
                                "*",
                                PatternType.LITERAL,
                                AclPermissionType.DENY));
    }

    @Test
    void aBadFieldIsRefusedNamingTheLineTheFieldAndTheAcceptedValues() throws Exception {
        assertThatThrownBy(() -> AclFile.read(write("User:alice READ TOPIC")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("line 1")
                .hasMessageContaining("got 3 fields");
        assertThatThrownBy(() -> AclFile.read(write("", "User:alice SCRIBBLE TOPIC t")))
                .hasMessageContaining("line 2")
                .hasMessageContaining("unknown operation SCRIBBLE")
                .hasMessageContaining("IDEMPOTENT_WRITE");
        assertThatThrownBy(() -> AclFile.read(write("User:alice READ TABLE t")))
                .hasMessageContaining("unknown resource type TABLE")
                .hasMessageContaining("TRANSACTIONAL_ID");
        assertThatThrownBy(() -> AclFile.read(write("User:alice READ TOPIC t MATCH")))
                .hasMessageContaining("unknown pattern type MATCH");
        assertThatThrownBy(() -> AclFile.read(write("User:alice READ TOPIC t LITERAL MAYBE")))
                .hasMessageContaining("unknown permission MAYBE");
        assertThatThrownBy(() -> AclFile.read(write("User:alice ALTER CLUSTER mine")))
                .hasMessageContaining("named kafka-cluster");
        assertThatThrownBy(() -> AclFile.read(write("User:alice READ TOPIC * PREFIXED")))
                .hasMessageContaining("only with LITERAL");
        // The principal type is case sensitive, as in Kafka.
        assertThatThrownBy(() -> AclFile.read(write("user:alice READ TOPIC t")))
                .hasMessageContaining("principal must be User:NAME, got user:alice");
        assertThatThrownBy(() -> AclFile.read(write("Group:ops READ TOPIC t")))
                .hasMessageContaining("principal must be User:NAME, got Group:ops");
        assertThatThrownBy(() -> AclFile.read(write("User:quiver-broker READ TOPIC t")))
                .hasMessageContaining("reserved for the broker");
    }

    private static AclBinding acl(
            String principal,
            AclOperation operation,
            ResourceType type,
            String name,
            PatternType pattern,
            AclPermissionType permission) {
        return new AclBinding(
                new ResourcePattern(type, name, pattern),
                new AccessControlEntry(principal, "*", operation, permission));
    }

    private Path write(String... lines) throws Exception {
        Path file = Files.createTempFile(dir, "acls", ".txt");
        return Files.write(file, List.of(lines));
    }
}
