package dev.quiver.jobs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.quiver.compute.ComputeBackends;
import dev.quiver.kafka.KafkaClientConfig;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.networknt.schema.Error;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.dialect.Dialects;

import org.apache.flink.util.TimeUtils;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.w3c.dom.Document;

import picocli.CommandLine;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import javax.xml.parsers.DocumentBuilderFactory;

/**
 * The Kubernetes manifests under {@code deploy/k8s}, which cannot be applied here: each
 * FlinkDeployment must pass the Flink Kubernetes Operator's CRD schema (vendored from operator
 * release 1.15.0) without a field the API server would prune, the operator's own admission rules
 * (ported from its {@code DefaultValidator}), and Quiver's: savepoint upgrades, Kubernetes HA,
 * exactly-once checkpoints on the shared volume, Prometheus metrics, a GPU requested exactly where
 * a job runs {@code --backend cuda} (with Flink's external-resource settings), and job arguments
 * that the entry class's picocli options accept. The overlays' patches (the GPU variant in {@code
 * gpu/}) are applied to the base deployments and the results checked the same way. The Dockerfile
 * must copy the jar that this module builds to the path every {@code jarURI} names.
 */
class DeployManifestsTest {

    private static final Path K8S = Path.of("..", "deploy", "k8s");
    private static final String CRD = "/k8s/flinkdeployments.flink.apache.org-v1.yml";
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    /**
     * Each job's entry class and how its arguments are checked: populating its picocli command (an
     * unknown option throws), then the same checks its main runs before touching a broker. Returns
     * the options every job shares.
     */
    private static final Map<String, Function<String[], JobIoOptions>> ENTRY_CLASSES =
            Map.of(
                    BayesJob.class.getName(),
                    args -> checked(JobRegistry.BAYES.parse(args)),
                    MatchJob.class.getName(),
                    args -> checked(JobRegistry.MATCH.parse(args)),
                    WalkJob.class.getName(),
                    args -> checked(JobRegistry.WALK.parse(args)),
                    // The model file is read in the JobManager from the mounted ConfigMap.
                    ScoreJob.class.getName(),
                    args -> {
                        JobCommand<ScoreStage> job = JobRegistry.SCORE.parse(args);
                        job.pipelineIo();
                        return job.io();
                    },
                    // Each stage parsed as PipelineJob parses it: the shared options, --backend
                    // for those that compute through a backend.
                    PipelineJob.class.getName(),
                    args -> {
                        PipelineJob.Stages stages = PipelineJob.Stages.parse(args);
                        stages.all().forEach(DeployManifestsTest::checked);
                        return stages.bayes().io();
                    });

    /** The checks a job's main runs before it touches a broker; returns the shared options. */
    private static JobIoOptions checked(JobCommand<?> job) {
        job.pipelineIo();
        job.stage().check();
        return job.io();
    }

    /** The operator's deployment name rule (DefaultValidator, release-1.15.0). */
    private static final Pattern DEPLOYMENT_NAME =
            Pattern.compile("[a-z]([-a-z\\d]{0,43}[a-z\\d])?");

    /** Keys the operator sets itself and refuses in a spec (DefaultValidator, release-1.15.0). */
    private static final List<String> FORBIDDEN_KEYS =
            List.of(
                    "kubernetes.namespace",
                    "kubernetes.cluster-id",
                    "high-availability.cluster-id");

    private static final String DATA_MOUNT = "/flink-data";

    /** Where the pods mount the Secret with the jobs' Kafka client settings. */
    private static final String KAFKA_CLIENT_MOUNT = "/etc/quiver/kafka";

    private static final String KAFKA_CLIENT_FILE = KAFKA_CLIENT_MOUNT + "/client.properties";
    private static final String KAFKA_CLIENT_SECRET = "quiver-kafka-client";

    /** What kustomize generates that Secret from. */
    private static final String KAFKA_CLIENT_SOURCE = "kafka-client.properties";
    private static final String MAIN_CONTAINER = "flink-main-container";

    /** The resource a GPU is requested as, and the taint of the nodes that have one. */
    private static final String GPU_RESOURCE = "nvidia.com/gpu";

    /** Where the Flink image keeps its GPU plugin's discovery script (the Dockerfile checks). */
    private static final String GPU_DISCOVERY_SCRIPT =
            "/opt/flink/plugins/external-resource-gpu/nvidia-gpu-discovery.sh";

    private static JsonNode crdSchema;
    private static Schema schema;

    @BeforeAll
    static void loadCrd() throws IOException {
        try (InputStream in = DeployManifestsTest.class.getResourceAsStream(CRD)) {
            JsonNode crd = YAML.readTree(in);
            assertThat(crd.at("/spec/names/kind").asText()).isEqualTo("FlinkDeployment");
            for (JsonNode version : crd.at("/spec/versions")) {
                if (version.get("name").asText().equals("v1beta1")) {
                    crdSchema = version.at("/schema/openAPIV3Schema");
                }
            }
        }
        assertThat(crdSchema).as("v1beta1 schema in %s", CRD).isNotNull();
        schema = SchemaRegistry.withDefaultDialect(Dialects.getOpenApi30()).getSchema(crdSchema);
    }

    /** A FlinkDeployment as kubectl would apply it, named by where it comes from. */
    record Deployment(String name, JsonNode document) {
        @Override
        public String toString() {
            return name;
        }
    }

    /** Every FlinkDeployment: those of the base, and those the overlays' patches make of them. */
    static Stream<Deployment> deployments() throws IOException {
        List<Deployment> found = new ArrayList<>(baseDeployments());
        found.addAll(overlayDeployments());
        return found.stream();
    }

    /** The FlinkDeployments of {@code deploy/k8s} itself, one per job. */
    static List<Deployment> baseDeployments() throws IOException {
        List<Deployment> found = new ArrayList<>();
        for (Path file : manifests()) {
            JsonNode document = read(file);
            if (document.path("kind").asText().equals("FlinkDeployment")) {
                found.add(new Deployment(file.getFileName().toString(), document));
            }
        }
        return found;
    }

    /**
     * The deployments of each overlay (a directory under {@code deploy/k8s} with a kustomization
     * of the base, {@code ..}): each patch applied to the base deployment of its kind and name as
     * kustomize applies a patch to a resource without a strategic-merge schema, a JSON merge
     * patch (maps merge, lists are replaced whole).
     */
    static List<Deployment> overlayDeployments() throws IOException {
        List<Deployment> patched = new ArrayList<>();
        for (Path overlay : overlays()) {
            JsonNode kustomization = read(overlay.resolve("kustomization.yaml"));
            assertThat(kustomization.path("resources").toString()).isEqualTo("[\"..\"]");
            assertThat(kustomization.path("patches")).as(overlay.toString()).isNotEmpty();
            for (JsonNode entry : kustomization.path("patches")) {
                Path file = overlay.resolve(entry.path("path").asText());
                JsonNode patch = read(file);
                JsonNode base =
                        baseDeployments().stream()
                                .map(Deployment::document)
                                .filter(d -> d.path("kind").equals(patch.path("kind")))
                                .filter(
                                        d ->
                                                d.at("/metadata/name")
                                                        .equals(patch.at("/metadata/name")))
                                .findFirst()
                                .orElseThrow(() -> new AssertionError(file + " patches nothing"));
                patched.add(
                        new Deployment(
                                K8S.relativize(file).toString(),
                                mergePatch(base.deepCopy(), patch)));
            }
        }
        return patched;
    }

    /** RFC 7386: {@code patch}'s maps merged into {@code target}, anything else replacing it. */
    static JsonNode mergePatch(JsonNode target, JsonNode patch) {
        if (!patch.isObject() || !target.isObject()) {
            return patch.deepCopy();
        }
        ObjectNode merged = (ObjectNode) target;
        patch.fields()
                .forEachRemaining(
                        field -> {
                            if (field.getValue().isNull()) {
                                merged.remove(field.getKey());
                            } else {
                                merged.set(
                                        field.getKey(),
                                        mergePatch(
                                                merged.path(field.getKey()), field.getValue()));
                            }
                        });
        return merged;
    }

    @Test
    void everyJobHasOneDeploymentAndTheKustomizationListsEveryManifest() throws IOException {
        List<String> entryClasses = new ArrayList<>();
        for (Deployment deployment : baseDeployments()) {
            entryClasses.add(deployment.document().at("/spec/job/entryClass").asText());
        }
        assertThat(entryClasses).containsExactlyInAnyOrderElementsOf(ENTRY_CLASSES.keySet());

        JsonNode kustomization = read(K8S.resolve("kustomization.yaml"));
        List<String> resources = new ArrayList<>();
        kustomization.path("resources").forEach(r -> resources.add(r.asText()));
        assertThat(resources)
                .containsExactlyInAnyOrderElementsOf(
                        manifests().stream().map(f -> f.getFileName().toString()).toList());
        for (Deployment manifest : deployments().toList()) {
            String[] image = manifest.document().at("/spec/image").asText().split(":");
            assertThat(kustomization.at("/images/0/name").asText()).isEqualTo(image[0]);
            assertThat(kustomization.at("/images/0/newTag").asText()).isEqualTo(image[1]);
        }
    }

    @ParameterizedTest
    @MethodSource("deployments")
    void deploymentMatchesTheOperatorsCrdSchema(Deployment manifest) throws IOException {
        JsonNode deployment = manifest.document();
        assertThat(deployment.path("apiVersion").asText()).isEqualTo("flink.apache.org/v1beta1");
        assertThat(schemaErrors(deployment)).as(manifest.toString()).isEmpty();
        assertThat(prunedFields(deployment)).as(manifest.toString()).isEmpty();
    }

    /** The checks themselves can fail: a broken copy of a deployment is rejected. */
    @Test
    void schemaChecksRejectWrongValuesAndUnknownFields() throws IOException {
        ObjectNode broken = (ObjectNode) read(K8S.resolve("bayes.yaml"));
        ((ObjectNode) broken.at("/spec/job")).put("upgradeMode", "savepoints");
        ((ObjectNode) broken.at("/spec/taskManager/resource")).put("cpu", "two");
        ((ObjectNode) broken.at("/spec/job")).put("entryClas", "dev.quiver.jobs.BayesJob");

        assertThat(schemaErrors(broken))
                .anySatisfy(e -> assertThat(e).contains("upgradeMode"))
                .anySatisfy(e -> assertThat(e).contains("cpu"));
        assertThat(prunedFields(broken)).containsExactly("spec.job.entryClas");
    }

    @ParameterizedTest
    @MethodSource("deployments")
    void deploymentPassesTheOperatorsAdmissionRules(Deployment manifest) throws IOException {
        JsonNode spec = manifest.document().path("spec");
        Map<String, String> config = flinkConfiguration(spec);
        assertThat(manifest.document().at("/metadata/name").asText()).matches(DEPLOYMENT_NAME);
        assertThat(spec.path("flinkVersion").asText()).isEqualTo("v2_2");
        assertThat(spec.path("serviceAccount").asText()).isNotBlank();
        assertThat(config).doesNotContainKeys(FORBIDDEN_KEYS.toArray(String[]::new));
        assertThat(config.get("execution.checkpointing.dir")).isNotBlank();
        assertThat(config.get("execution.checkpointing.savepoint-dir")).isNotBlank();
        assertThat(spec.at("/jobManager/resource/memory").asText()).isNotBlank();
        assertThat(spec.at("/taskManager/resource/memory").asText()).isNotBlank();
        assertThat(spec.at("/job/parallelism").asInt()).isPositive();
    }

    @ParameterizedTest
    @MethodSource("deployments")
    void stateSurvivesUpgradesFailuresAndJobManagerLoss(Deployment manifest) throws IOException {
        JsonNode deployment = manifest.document();
        String name = deployment.at("/metadata/name").asText();
        JsonNode spec = deployment.path("spec");
        Map<String, String> config = flinkConfiguration(spec);

        assertThat(spec.at("/job/upgradeMode").asText()).isEqualTo("savepoint");
        assertThat(spec.at("/job/state").asText()).isEqualTo("running");
        assertThat(config)
                .containsEntry("execution.checkpointing.mode", "EXACTLY_ONCE")
                .containsEntry(
                        "execution.checkpointing.externalized-checkpoint-retention",
                        "RETAIN_ON_CANCELLATION")
                .containsEntry("high-availability.type", "kubernetes")
                .containsKey("restart-strategy.type");
        String ownDirectory = "file://" + DATA_MOUNT + "/" + name + "/";
        assertThat(config.get("execution.checkpointing.dir")).startsWith(ownDirectory);
        assertThat(config.get("execution.checkpointing.savepoint-dir")).startsWith(ownDirectory);
        assertThat(config.get("high-availability.storageDir")).startsWith(ownDirectory);

        JsonNode pod = spec.at("/podTemplate/spec");
        String volume = mountedVolume(pod, DATA_MOUNT);
        assertThat(volume).as("volume mounted at %s in %s", DATA_MOUNT, manifest).isNotNull();
        String claim = null;
        for (JsonNode v : pod.path("volumes")) {
            if (v.path("name").asText().equals(volume)) {
                claim = v.at("/persistentVolumeClaim/claimName").asText();
            }
        }
        JsonNode dataVolume = read(K8S.resolve("data-volume.yaml"));
        assertThat(dataVolume.path("kind").asText()).isEqualTo("PersistentVolumeClaim");
        assertThat(dataVolume.at("/metadata/name").asText()).isEqualTo(claim);
        assertThat(dataVolume.at("/spec/accessModes").toString()).contains("ReadWriteMany");
    }

    @ParameterizedTest
    @MethodSource("deployments")
    void jobArgumentsParseWithTheEntryClassesOptions(Deployment manifest) throws Exception {
        JsonNode spec = manifest.document().path("spec");
        String entryClass = spec.at("/job/entryClass").asText();
        assertThat(Class.forName(entryClass)).isNotNull();
        assertThat(spec.at("/job/jarURI").asText()).startsWith("local:///opt/flink/usrlib/");

        // Checked as the job main checks them on the JobManager, where no backend is probed.
        Function<String[], JobIoOptions> check = ENTRY_CLASSES.get(entryClass);
        String[] args = args(spec);
        String backend = backendArgument(args);
        if (backend != null && !ComputeBackends.accepts(backend)) {
            // A backend whose provider this build does not have (cuda, on a build without it):
            // refused by name, and every other argument checked with a CPU backend in its place.
            String[] given = args;
            assertThatThrownBy(() -> OnACluster.call(() -> check.apply(given)))
                    .hasMessageContaining("unknown compute backend '" + backend + "'");
            args = withBackend(args, "nd4j-cpu");
        }
        String[] checked = args;
        JobIoOptions io = OnACluster.call(() -> check.apply(checked));
        assertThat(io.usesKafka()).isTrue();
        // The operator owns parallelism, restores and the checkpoint directory; the same
        // settings in the arguments would override its rescaling and its savepoint on upgrade.
        assertThat(io.parallelism()).isNull();
        assertThat(io.checkpoints().fromCheckpoint()).isNull();
        assertThat(io.checkpoints().checkpointDir()).isNull();
        // The job sets its checkpoint interval itself, so both must say the same.
        assertThat(io.checkpoints().checkpointInterval())
                .isEqualTo(
                        TimeUtils.parseDuration(
                                flinkConfiguration(spec).get("execution.checkpointing.interval")));
    }

    @Test
    void aWrongOptionNameInTheArgumentsFails() throws IOException {
        String[] args = args(read(K8S.resolve("walk.yaml")).path("spec"));
        args[0] = args[0] + "s";
        assertThatThrownBy(() -> ENTRY_CLASSES.get(WalkJob.class.getName()).apply(args))
                .isInstanceOf(CommandLine.UnmatchedArgumentException.class)
                .hasMessageContaining(args[0]);
    }

    @ParameterizedTest
    @MethodSource("deployments")
    void deploymentExportsPrometheusMetrics(Deployment manifest) throws IOException {
        JsonNode spec = manifest.document().path("spec");
        Map<String, String> config = flinkConfiguration(spec);
        assertThat(config)
                .containsEntry(
                        "metrics.reporter.prom.factory.class",
                        "org.apache.flink.metrics.prometheus.PrometheusReporterFactory");
        String port = config.get("metrics.reporter.prom.port");
        assertThat(spec.at("/podTemplate/metadata/annotations/prometheus.io~1port").asText())
                .isEqualTo(port);
        assertThat(spec.at("/podTemplate/metadata/annotations/prometheus.io~1scrape").asText())
                .isEqualTo("true");
    }

    @ParameterizedTest
    @MethodSource("deployments")
    void aGpuIsRequestedExactlyWhereTheJobRunsOnCuda(Deployment manifest) {
        assertThat(gpuPairingErrors(manifest.document())).as(manifest.toString()).isEmpty();
    }

    /** The GPU variant exists, and the pairing check fails a manifest broken either way. */
    @Test
    void theGpuVariantRunsMatchOnCudaAndThePairingCheckCanFail() throws IOException {
        List<Deployment> onCuda =
                deployments()
                        .filter(d -> "cuda".equals(backendArgument(args(d.document().at("/spec")))))
                        .toList();
        assertThat(onCuda).map(Deployment::name).containsExactly("gpu/match-gpu.yaml");
        assertThat(onCuda.get(0).document().at("/spec/job/entryClass").asText())
                .isEqualTo(MatchJob.class.getName());

        JsonNode gpuOnTheCpu = onCuda.get(0).document().deepCopy();
        setBackend(gpuOnTheCpu, "nd4j-cpu");
        assertThat(gpuPairingErrors(gpuOnTheCpu))
                .containsExactly("requests nvidia.com/gpu but does not run --backend cuda");

        JsonNode cudaWithoutAGpu = read(K8S.resolve("match.yaml"));
        setBackend(cudaWithoutAGpu, "cuda");
        assertThat(gpuPairingErrors(cudaWithoutAGpu))
                .containsExactly("runs --backend cuda but requests no nvidia.com/gpu");

        JsonNode noDiscoveryScript = onCuda.get(0).document().deepCopy();
        ((ObjectNode) noDiscoveryScript.at("/spec/flinkConfiguration"))
                .remove("external-resource.gpu.param.discovery-script.path");
        assertThat(gpuPairingErrors(noDiscoveryScript))
                .singleElement()
                .asString()
                .contains("external-resource.gpu.param.discovery-script.path");
    }

    /**
     * What is wrong in how a deployment pairs a GPU request with {@code --backend cuda}: a GPU
     * (anything naming {@code nvidia.com/gpu}) only for a job on cuda and one for every such job,
     * requested through Flink's external resources with its GPU plugin's discovery script (which
     * the Dockerfile checks the image has) and tolerating the GPU nodes' taint. Empty if nothing.
     */
    static List<String> gpuPairingErrors(JsonNode deployment) {
        JsonNode spec = deployment.path("spec");
        boolean requestsGpu = deployment.toString().contains(GPU_RESOURCE);
        boolean runsCuda = "cuda".equals(backendArgument(args(spec)));
        List<String> errors = new ArrayList<>();
        if (requestsGpu && !runsCuda) {
            errors.add("requests " + GPU_RESOURCE + " but does not run --backend cuda");
        }
        if (runsCuda && !requestsGpu) {
            errors.add("runs --backend cuda but requests no " + GPU_RESOURCE);
        }
        if (!requestsGpu) {
            return errors;
        }
        Map<String, String> config = flinkConfiguration(spec);
        Map<String, String> expected =
                Map.of(
                        "external-resource.gpu.driver-factory.class",
                        "org.apache.flink.externalresource.gpu.GPUDriverFactory",
                        "external-resource.gpu.param.discovery-script.path",
                        GPU_DISCOVERY_SCRIPT,
                        "external-resource.gpu.kubernetes.config-key",
                        GPU_RESOURCE);
        expected.forEach(
                (key, value) -> {
                    if (!value.equals(config.get(key))) {
                        errors.add(key + " is " + config.get(key) + ", not " + value);
                    }
                });
        if (!List.of(config.getOrDefault("external-resources", "").split(";")).contains("gpu")) {
            errors.add("external-resources does not list gpu");
        }
        if (!config.getOrDefault("external-resource.gpu.amount", "").matches("[1-9][0-9]*")) {
            errors.add("external-resource.gpu.amount is not a positive count");
        }
        if (!spec.at("/taskManager/podTemplate/spec/tolerations/0/key")
                .asText()
                .equals(GPU_RESOURCE)) {
            errors.add("the TaskManagers do not tolerate the " + GPU_RESOURCE + " taint");
        }
        return errors;
    }

    /** The value of the last {@code --backend} in {@code args}, as picocli reads it; or null. */
    private static String backendArgument(String[] args) {
        String backend = null;
        for (int i = 0; i < args.length; i++) {
            if (args[i].equals("--backend") && i + 1 < args.length) {
                backend = args[i + 1];
            } else if (args[i].startsWith("--backend=")) {
                backend = args[i].substring("--backend=".length());
            }
        }
        return backend;
    }

    private static String[] withBackend(String[] args, String backend) {
        String[] replaced = args.clone();
        for (int i = 0; i + 1 < replaced.length; i++) {
            if (replaced[i].equals("--backend")) {
                replaced[i + 1] = backend;
            }
        }
        return replaced;
    }

    private static void setBackend(JsonNode deployment, String backend) {
        com.fasterxml.jackson.databind.node.ArrayNode args =
                (com.fasterxml.jackson.databind.node.ArrayNode) deployment.at("/spec/job/args");
        for (int i = 0; i + 1 < args.size(); i++) {
            if (args.get(i).asText().equals("--backend")) {
                args.set(i + 1, args.textNode(backend));
            }
        }
    }

    @Test
    void dockerfileCopiesTheBuiltJarToEveryJarUri() throws Exception {
        String dockerfile = Files.readString(K8S.resolve("Dockerfile"));
        Matcher from = Pattern.compile("(?m)^FROM flink:(\\S+)-java17$").matcher(dockerfile);
        assertThat(from.find()).as("FROM flink:<version>-java17").isTrue();
        assertThat(from.group(1)).isEqualTo(pomValue(Path.of("..", "pom.xml"), "flink.version"));

        Matcher copy = Pattern.compile("(?m)^COPY (?:--\\S+ )*(\\S+) (\\S+)$").matcher(dockerfile);
        assertThat(copy.find()).as("one COPY of the job jar").isTrue();
        assertThat(copy.group(1)).isEqualTo("jobs/target/" + builtJarName());
        for (Deployment manifest : deployments().toList()) {
            assertThat(manifest.document().at("/spec/job/jarURI").asText())
                    .isEqualTo("local://" + copy.group(2));
        }
        assertThat(copy.find()).as("a second COPY").isFalse();
        // The image is the official one, whose plugins/ holds Flink's GPU plugin: the build
        // checks it is there, at the path the GPU deployments name.
        assertThat(dockerfile).contains("RUN test -f " + GPU_DISCOVERY_SCRIPT);
    }

    /** The shaded jar's name: {@code artifactId-version.jar}, or the pom's finalName. */
    private static String builtJarName() throws Exception {
        Document pom = xml(Path.of("pom.xml"));
        String finalName = text(pom, "/project/build/finalName");
        if (!finalName.isEmpty()) {
            return finalName + ".jar";
        }
        String version = text(pom, "/project/version");
        if (version.isEmpty()) {
            version = text(pom, "/project/parent/version");
        }
        return text(pom, "/project/artifactId") + "-" + version + ".jar";
    }

    private static String pomValue(Path pom, String property) throws Exception {
        return text(xml(pom), "/project/properties/" + property);
    }

    private static Document xml(Path file) throws Exception {
        return DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(file.toFile());
    }

    private static String text(Document document, String path) throws Exception {
        return javax.xml.xpath.XPathFactory.newInstance()
                .newXPath()
                .evaluate(path, document)
                .trim();
    }

    private List<String> schemaErrors(JsonNode deployment) {
        return schema.validate(deployment).stream().map(Error::toString).toList();
    }

    /**
     * Fields the CRD's structural schema does not declare, which the API server would drop silently
     * (a misspelt {@code upgradeMode} would leave the default, stateless).
     */
    private static List<String> prunedFields(JsonNode deployment) {
        List<String> pruned = new ArrayList<>();
        Iterator<Map.Entry<String, JsonNode>> fields = deployment.fields();
        while (fields.hasNext()) {
            Map.Entry<String, JsonNode> field = fields.next();
            // The type and object metadata are the API server's own, never pruned by a CRD.
            if (!List.of("apiVersion", "kind", "metadata").contains(field.getKey())) {
                collectPruned(
                        field.getValue(),
                        crdSchema.at("/properties/" + field.getKey()),
                        field.getKey(),
                        pruned);
            }
        }
        return pruned;
    }

    private static void collectPruned(
            JsonNode node, JsonNode nodeSchema, String path, List<String> pruned) {
        if (nodeSchema.isMissingNode()) {
            pruned.add(path);
            return;
        }
        if (nodeSchema.path("x-kubernetes-preserve-unknown-fields").asBoolean(false)) {
            return;
        }
        if (node.isArray()) {
            for (int i = 0; i < node.size(); i++) {
                collectPruned(node.get(i), nodeSchema.path("items"), path + "[" + i + "]", pruned);
            }
        } else if (node.isObject()) {
            Iterator<Map.Entry<String, JsonNode>> fields = node.fields();
            while (fields.hasNext()) {
                Map.Entry<String, JsonNode> field = fields.next();
                JsonNode fieldSchema = nodeSchema.path("properties").path(field.getKey());
                if (fieldSchema.isMissingNode()) {
                    fieldSchema = nodeSchema.path("additionalProperties");
                }
                collectPruned(field.getValue(), fieldSchema, path + "." + field.getKey(), pruned);
            }
        }
    }

    private static String mountedVolume(JsonNode pod, String mountPath) {
        for (JsonNode container : pod.path("containers")) {
            if (container.path("name").asText().equals(MAIN_CONTAINER)) {
                for (JsonNode mount : container.path("volumeMounts")) {
                    if (mount.path("mountPath").asText().equals(mountPath)) {
                        return mount.path("name").asText();
                    }
                }
            }
        }
        return null;
    }

    private static Map<String, String> flinkConfiguration(JsonNode spec) {
        Map<String, String> config = new java.util.LinkedHashMap<>();
        spec.path("flinkConfiguration")
                .fields()
                .forEachRemaining(e -> config.put(e.getKey(), e.getValue().asText()));
        return config;
    }

    /**
     * The job's arguments, as the pods see them except for the Kafka client settings: the file the
     * pods find in the generated Secret is read here from the file kustomize generates it from.
     */
    private static String[] args(JsonNode spec) {
        List<String> args = new ArrayList<>();
        spec.at("/job/args")
                .forEach(
                        a ->
                                args.add(
                                        a.asText().equals(KAFKA_CLIENT_FILE)
                                                ? K8S.resolve(KAFKA_CLIENT_SOURCE).toString()
                                                : a.asText()));
        return args.toArray(String[]::new);
    }

    @Test
    void everyJobReadsItsKafkaSettingsFromTheGeneratedSecretWithNoPasswordInIt() throws Exception {
        JsonNode kustomization = read(K8S.resolve("kustomization.yaml"));
        JsonNode generator = kustomization.at("/secretGenerator/0");
        assertThat(generator.path("name").asText()).isEqualTo(KAFKA_CLIENT_SECRET);
        assertThat(generator.at("/files/0").asText())
                .isEqualTo("client.properties=" + KAFKA_CLIENT_SOURCE);
        // The manifests name the Secret as it is: a hash suffix would not reach them.
        assertThat(kustomization.at("/generatorOptions/disableNameSuffixHash").asBoolean())
                .isTrue();
        for (Deployment manifest : deployments().toList()) {
            JsonNode spec = manifest.document().path("spec");
            assertThat(String.join(" ", args(spec)))
                    .as(manifest.toString())
                    .contains("--kafka-config " + K8S.resolve(KAFKA_CLIENT_SOURCE));
            JsonNode pod = spec.at("/podTemplate/spec");
            String volume = mountedVolume(pod, KAFKA_CLIENT_MOUNT);
            assertThat(volume)
                    .as("volume mounted at %s in %s", KAFKA_CLIENT_MOUNT, manifest)
                    .isNotNull();
            assertThat(pod.path("volumes"))
                    .as(manifest.toString())
                    .anySatisfy(
                            v -> {
                                assertThat(v.path("name").asText()).isEqualTo(volume);
                                assertThat(v.at("/secret/secretName").asText())
                                        .isEqualTo(KAFKA_CLIENT_SECRET);
                            });
        }
        KafkaClientConfig settings =
                KafkaClientConfig.of(K8S.resolve(KAFKA_CLIENT_SOURCE), List.of());
        assertThat(settings.bootstrap(null)).isNotBlank();
        assertThat(settings.keys()).noneMatch(KafkaClientConfig::isSecret);
    }

    private static List<Path> manifests() throws IOException {
        assertThat(K8S).as("run from the jobs module directory").isDirectory();
        try (Stream<Path> files = Files.list(K8S)) {
            return files.filter(f -> f.toString().endsWith(".yaml"))
                    .filter(f -> !f.getFileName().toString().equals("kustomization.yaml"))
                    .sorted()
                    .toList();
        }
    }

    /** The directories under {@code deploy/k8s} with a kustomization: the overlays. */
    private static List<Path> overlays() throws IOException {
        try (Stream<Path> files = Files.list(K8S)) {
            return files.filter(d -> Files.isRegularFile(d.resolve("kustomization.yaml")))
                    .sorted()
                    .toList();
        }
    }

    private static JsonNode read(Path file) throws IOException {
        return YAML.readTree(file.toFile());
    }
}
