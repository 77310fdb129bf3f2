package energyhub.deployment;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import energyhub.routing.HubConfigurationException;
import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.core.env.StandardEnvironment;
import org.yaml.snakeyaml.Yaml;

/**
 * deployment/kubernetes/*.yaml, validated without a cluster: every document parses, the probes point at
 * the health groups application.yml turns on, every Secret and ConfigMap key the pods name exists, the
 * hub's settings as the pod gets them (image defaults, ConfigMap profiles, environment) pass the hub's own
 * start-up check, and every folder the hub writes is on a writable volume.
 */
class KubernetesManifestsTest {

    private static final Path DIR = Path.of("kubernetes");
    private static final Pattern PLACEHOLDER = Pattern.compile("\\$\\{([A-Za-z0-9_]+)\\}"); // no default

    /** kind/name -> document, and file -> its documents. */
    private static final Map<String, Map<String, Object>> objects = new LinkedHashMap<>();
    private static final Map<String, List<Map<String, Object>>> files = new LinkedHashMap<>();

    @BeforeAll
    static void load() throws IOException {
        ContainerfileTest.ensureRead();
        List<Path> paths;
        try (Stream<Path> s = Files.list(DIR)) {
            paths = s.filter(p -> p.toString().endsWith(".yaml") || p.toString().endsWith(".yml")).sorted().toList();
        }
        for (Path path : paths) {
            List<Map<String, Object>> docs = new ArrayList<>();
            try (Reader in = Files.newBufferedReader(path, StandardCharsets.UTF_8)) {
                for (Object doc : new Yaml().loadAll(in)) {
                    if (doc != null) {
                        docs.add(map(doc));
                    }
                }
            }
            files.put(path.getFileName().toString(), docs);
            for (Map<String, Object> doc : docs) {
                String key = doc.get("kind") + "/" + (doc.get("metadata") == null ? "" : map(doc.get("metadata")).get("name"));
                assertThat(objects.put(key, doc)).as("%s is defined once", key).isNull();
            }
        }
    }

    @Test
    void theManifestsHoldEveryKindAHubNeeds() {
        Set<String> kinds = objects.values().stream().map(d -> (String) d.get("kind")).collect(Collectors.toSet());
        assertThat(kinds).contains("StatefulSet", "Service", "ConfigMap", "Secret", "PodDisruptionBudget",
                "PersistentVolumeClaim", "Kustomization", "NetworkPolicy");
        objects.forEach((key, doc) -> {
            if (!"Kustomization".equals(doc.get("kind"))) {
                assertThat(doc).as(key).containsKeys("apiVersion", "kind", "metadata");
            }
        });
    }

    @Test
    void kustomizeAppliesEveryManifestButTheSecretTemplate() throws Exception {
        Map<String, Object> kustomization = only("Kustomization");
        Set<String> expected = new TreeSet<>(files.keySet());
        expected.remove("kustomization.yaml");
        expected.remove("secret-template.yaml"); // its values come from the operator, never from here
        assertThat(new TreeSet<>(list(kustomization.get("resources"), String.class))).isEqualTo(expected);

        Path kubectl = Path.of("/usr/bin/kubectl");
        assumeTrue(Files.isExecutable(kubectl), "kubectl is not installed: kustomize build not tried");
        Process p = new ProcessBuilder(kubectl.toString(), "kustomize", DIR.toString()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(out).isZero();
        assertThat(out).contains("kind: StatefulSet").doesNotContain("kind: Secret");
    }

    @Test
    void theProbesAskTheHealthGroupsOfApplicationYmlOnTheHttpPort() throws IOException {
        StandardEnvironment defaults = DeploymentSettings.defaults();
        assertThat(defaults.getProperty("management.endpoint.health.probes.enabled"))
                .as("liveness and readiness groups exist only with probes enabled").isEqualTo("true");
        Map<String, Object> hub = hubContainer();
        Map<String, Integer> ports = new HashMap<>();
        list(hub.get("ports"), Map.class).forEach(p -> ports.put((String) p.get("name"), (Integer) p.get("containerPort")));
        assertThat(ports).containsEntry("https", Integer.valueOf(defaults.getProperty("server.port")))
                .containsEntry("tcp-intake", Integer.valueOf(defaults.getProperty("hub.tcp.port")));

        Map<String, String> expectedGroup = Map.of("startupProbe", "liveness", "livenessProbe", "liveness",
                "readinessProbe", "readiness");
        expectedGroup.forEach((probe, group) -> {
            assertThat(hub).as("the hub container has a %s", probe).containsKey(probe);
            Map<String, Object> get = map(map(hub.get(probe)).get("httpGet"));
            assertThat(get.get("path")).as(probe).isEqualTo("/actuator/health/" + group);
            Object port = get.get("port");
            assertThat(port instanceof String name ? ports.get(name) : port).as("%s port", probe)
                    .isEqualTo(Integer.valueOf(defaults.getProperty("server.port")));
            assertThat(get.get("scheme")).as("%s: the prod profile's web server speaks HTTPS only", probe).isEqualTo("HTTPS");
        });
        assertThat(production().getProperty("server.ssl.key-store")).as("application-prod.yml turns HTTPS on").isNotBlank();
        // the same probes as the image's HEALTHCHECK (its class asks /actuator/health/ liveness and readiness)
        assertThat(Files.readString(ContainerfileTest.HEALTH_CHECK))
                .contains("\"/actuator/health/\"").contains("\"liveness\", \"readiness\"");
    }

    @Test
    void everySecretAndConfigMapKeyThePodNamesExists() {
        Map<String, Object> pod = podSpec();
        for (Map<String, Object> container : list(pod.get("containers"), Map.class)) {
            for (Map<String, Object> env : list(container.get("env"), Map.class)) {
                Map<String, Object> from = env.get("valueFrom") == null ? Map.of() : map(env.get("valueFrom"));
                if (from.containsKey("secretKeyRef")) {
                    Map<String, Object> ref = map(from.get("secretKeyRef"));
                    assertThat(keys("Secret", ref.get("name"))).as("env %s", env.get("name")).contains((String) ref.get("key"));
                    assertThat(ref.get("optional")).as("env %s: a missing secret stops the pod", env.get("name"))
                            .isEqualTo(Boolean.FALSE);
                }
                if (from.containsKey("configMapKeyRef")) {
                    Map<String, Object> ref = map(from.get("configMapKeyRef"));
                    assertThat(keys("ConfigMap", ref.get("name"))).as("env %s", env.get("name")).contains((String) ref.get("key"));
                }
            }
            for (Map<String, Object> envFrom : list(container.get("envFrom"), Map.class)) {
                envFrom.forEach((kind, ref) -> assertThat(objects)
                        .containsKey((kind.equals("secretRef") ? "Secret/" : "ConfigMap/") + map(ref).get("name")));
            }
        }
        for (Map<String, Object> volume : list(pod.get("volumes"), Map.class)) {
            if (volume.containsKey("configMap") || volume.containsKey("secret")) {
                boolean secret = volume.containsKey("secret");
                Map<String, Object> source = map(volume.get(secret ? "secret" : "configMap"));
                Set<String> keys = keys(secret ? "Secret" : "ConfigMap", source.get(secret ? "secretName" : "name"));
                assertThat(list(source.get("items"), Map.class)).as("volume %s names its keys", volume.get("name"))
                        .isNotEmpty().allSatisfy(item -> assertThat(keys).contains((String) item.get("key")));
            }
            if (volume.containsKey("persistentVolumeClaim")) {
                assertThat(objects).containsKey("PersistentVolumeClaim/" + map(volume.get("persistentVolumeClaim")).get("claimName"));
            }
        }
    }

    @Test
    void theSecretTemplateHoldsKeysButNoValues() {
        Map<String, Object> secret = only("Secret");
        assertThat(secret).doesNotContainKey("data");
        assertThat(map(secret.get("stringData")).values()).as("no secret value in the repository").allMatch(""::equals);
    }

    @Test
    void theConfigMapCarriesTheProductionProfileVerbatim() throws IOException {
        String inConfigMap = (String) map(only("ConfigMap").get("data")).get("application-prod.yml");
        assertThat(inConfigMap.strip()).as("the ConfigMap's application-prod.yml is deployment/config/application-prod.yml: after changing that file, "
                        + "copy it into deployment/kubernetes/configmap.yaml (key application-prod.yml, indented 4 spaces)")
                .isEqualTo(Files.readString(DeploymentSettings.PROD_YML).strip());
    }

    @Test
    void everyPlaceholderOfTheProfilesIsGivenByThePodOrOverriddenByALaterProfile() throws IOException {
        Map<String, Object> variables = containerEnvironment();
        List<String> profiles = profileFiles();
        StandardEnvironment env = DeploymentSettings.environment(variables, profiles.toArray(String[]::new));
        // every ${VAR} of the profiles (application-prod.yml first of all) that still counts is in the pod's environment
        Set<String> missing = new TreeSet<>();
        for (String name : DeploymentSettings.names(env)) {
            Object raw = rawValue(env, name);
            if (raw instanceof String s && (name.startsWith("hub.") || name.startsWith("spring."))) {
                Matcher m = PLACEHOLDER.matcher(s);
                while (m.find()) {
                    if (!variables.containsKey(m.group(1))) {
                        missing.add(name + " -> ${" + m.group(1) + "}");
                    }
                }
            }
        }
        assertThat(missing).as("placeholders the pod's environment does not give").isEmpty();
        assertThat(Files.readString(DeploymentSettings.PROD_YML)).as("the check above has placeholders to check")
                .containsPattern(PLACEHOLDER);

        // and the hub's own start-up check passes with the pod's settings ...
        env.setIgnoreUnresolvableNestedPlaceholders(false);
        StartupSettingsCheck.check(env);
        assertThat(env.getProperty("hub.broker.embedded")).isEqualTo("false");
        assertThat(env.getProperty("spring.datasource.url")).isEqualTo(map(only("ConfigMap").get("data")).get("HUB_DB_URL"));
        // ... but not without the Secret's values (so it is a check that can fail)
        Map<String, Object> withoutSecrets = new HashMap<>(variables);
        withoutSecrets.keySet().removeAll(keys("Secret", "exchange-hub-secrets"));
        StandardEnvironment bare = DeploymentSettings.environment(withoutSecrets, profiles.toArray(String[]::new));
        bare.setIgnoreUnresolvableNestedPlaceholders(false);
        assertThatThrownBy(() -> StartupSettingsCheck.check(bare)).isInstanceOf(HubConfigurationException.class);
    }

    @Test
    void everyFolderTheHubWritesIsOnAWritableVolumeAndTheGatesOnTheSharedOne() throws IOException {
        StandardEnvironment env = DeploymentSettings.environment(containerEnvironment(), profileFiles().toArray(String[]::new));
        Map<String, Object> hub = hubContainer();
        Map<String, String> volumeOf = new LinkedHashMap<>(); // mount path -> volume name (writable mounts only)
        Map<String, String> readOnly = new LinkedHashMap<>();
        for (Map<String, Object> mount : list(hub.get("volumeMounts"), Map.class)) {
            String path = Path.of((String) mount.get("mountPath")).normalize().toString();
            (Boolean.TRUE.equals(mount.get("readOnly")) ? readOnly : volumeOf).put(path, (String) mount.get("name"));
        }
        Map<String, String> folders = DeploymentSettings.writableFolders(env);
        assertThat(folders).containsKeys("hub.data-dir", "hub.ferry.inbox", "hub.ferry.outbox", "hub.ferry.archive",
                "hub.ferry.quarantine", "hub.ferry.work", "hub.supplier.data-dir");
        folders.forEach((setting, folder) -> assertThat(mountHolding(volumeOf, folder))
                .as("%s = %s lies on a writable volume mount %s", setting, folder, volumeOf.keySet()).isNotNull());

        // the gate's folders on the ReadWriteMany claim every hub shares, the data directory on the pod's own
        String gateVolume = volumeOf.get(mountHolding(volumeOf, env.getProperty("hub.ferry.inbox")));
        assertThat(volumeOf.get(mountHolding(volumeOf, env.getProperty("hub.ferry.outbox")))).isEqualTo(gateVolume);
        Map<String, Object> gate = list(podSpec().get("volumes"), Map.class).stream()
                .filter(v -> gateVolume.equals(v.get("name"))).findFirst().orElseThrow();
        Map<String, Object> claim = objects.get("PersistentVolumeClaim/" + map(gate.get("persistentVolumeClaim")).get("claimName"));
        assertThat(list(map(claim.get("spec")).get("accessModes"), String.class)).containsExactly("ReadWriteMany");
        String dataVolume = volumeOf.get(mountHolding(volumeOf, env.getProperty("hub.data-dir")));
        assertThat(list(map(only("StatefulSet").get("spec")).get("volumeClaimTemplates"), Map.class))
                .as("each hub's data directory is its own volume (a hub locks it)")
                .anySatisfy(t -> assertThat(map(t.get("metadata")).get("name")).isEqualTo(dataVolume));

        // the files it reads: the profiles where the image looks for them, the users file from the Secret
        assertThat(readOnly).containsKey(Path.of(ContainerfileTest.configDirectory()).normalize().toString());
        Path usersFile = Path.of(env.getProperty("hub.security.users-file"));
        String secretVolume = readOnly.get(usersFile.getParent().toString());
        assertThat(secretVolume).as("the users file's folder is a read-only mount").isNotNull();
        assertThat(list(podSpec().get("volumes"), Map.class)).anySatisfy(v -> {
            assertThat(v.get("name")).isEqualTo(secretVolume);
            assertThat(list(map(v.get("secret")).get("items"), Map.class))
                    .anySatisfy(item -> assertThat(item.get("path")).isEqualTo(usersFile.getFileName().toString()));
        });
    }

    @Test
    void theHubsGetNoServiceAccountToken() {
        // the hub never calls the Kubernetes API: a token in the pod would only serve an intruder
        assertThat(podSpec()).containsEntry("automountServiceAccountToken", false);
    }

    @Test
    void theNetworkPolicyOpensOnlyTheCockpitAndTheTcpIntakeAndNeitherToEverybody() throws IOException {
        Map<String, Object> policy = only("NetworkPolicy");
        Map<String, Object> spec = map(policy.get("spec"));
        Map<String, Object> labels = map(map(map(map(only("StatefulSet").get("spec")).get("template")).get("metadata")).get("labels"));
        assertThat(labels).as("the policy selects the hubs").containsAllEntriesOf(map(map(spec.get("podSelector")).get("matchLabels")));
        assertThat(list(spec.get("policyTypes"), String.class)).contains("Ingress");

        StandardEnvironment env = DeploymentSettings.environment(containerEnvironment(), profileFiles().toArray(String[]::new));
        Map<Object, Integer> containerPorts = new HashMap<>();
        list(hubContainer().get("ports"), Map.class).forEach(p -> {
            containerPorts.put(p.get("name"), (Integer) p.get("containerPort"));
            containerPorts.put(p.get("containerPort"), (Integer) p.get("containerPort"));
        });
        Map<Integer, List<Map<String, Object>>> sourcesByPort = new HashMap<>();
        for (Map<String, Object> rule : list(spec.get("ingress"), Map.class)) {
            List<Map<String, Object>> from = new ArrayList<>();
            list(rule.get("from"), Map.class).forEach(from::add);
            List<Map<String, Object>> ports = new ArrayList<>();
            list(rule.get("ports"), Map.class).forEach(ports::add);
            assertThat(from).as("a rule without 'from' admits everybody: %s", rule).isNotEmpty();
            assertThat(ports).as("a rule without 'ports' opens every port: %s", rule).isNotEmpty();
            for (Map<String, Object> port : ports) {
                Integer number = containerPorts.get(port.get("port"));
                assertThat(number).as("port %s is one the hub container serves", port.get("port")).isNotNull();
                sourcesByPort.computeIfAbsent(number, n -> new ArrayList<>()).addAll(from);
            }
        }
        int cockpit = Integer.parseInt(env.getProperty("server.port"));
        int intake = Integer.parseInt(env.getProperty("hub.tcp.port"));
        assertThat(sourcesByPort.keySet()).as("only the cockpit and the TCP intake (no embedded broker on Kubernetes)")
                .containsExactlyInAnyOrder(cockpit, intake)
                .doesNotContain(Integer.parseInt(env.getProperty("hub.broker.port")));
        sourcesByPort.values().stream().flatMap(List::stream).forEach(source -> {
            if (source.containsKey("ipBlock")) {
                assertThat((String) map(source.get("ipBlock")).get("cidr")).as("not the whole Internet")
                        .isNotIn("0.0.0.0/0", "::/0");
            } else {
                assertThat(source).as("a selector with labels, not an empty one (= all pods or namespaces): %s", source)
                        .allSatisfy((kind, selector) -> assertThat(map(map(selector).get("matchLabels"))).isNotEmpty());
            }
        });
        // the cockpit only from the labelled namespaces (the operators' ingress, Prometheus), never from an address range
        assertThat(sourcesByPort.get(cockpit)).allSatisfy(source -> assertThat(source).containsOnlyKeys("namespaceSelector"));
    }

    private static StandardEnvironment production() throws IOException {
        return DeploymentSettings.production();
    }

    @Test
    void theHubRunsAsTheImagesUnprivilegedUserWithBoundedResources() {
        Map<String, Object> context = map(podSpec().get("securityContext"));
        assertThat(context).containsEntry("runAsNonRoot", true);
        assertThat(((Number) context.get("runAsUser")).longValue()).isEqualTo(ContainerfileTest.uid());
        Map<String, Object> hub = hubContainer();
        Map<String, Object> containerContext = map(hub.get("securityContext"));
        assertThat(containerContext).containsEntry("allowPrivilegeEscalation", false).containsEntry("readOnlyRootFilesystem", true);
        assertThat(list(hub.get("volumeMounts"), Map.class)).as("a read-only root still has a writable /tmp")
                .anySatisfy(m -> assertThat(m.get("mountPath")).isEqualTo("/tmp"));
        Map<String, Object> resources = map(hub.get("resources"));
        assertThat(map(resources.get("requests"))).containsKeys("cpu", "memory");
        assertThat(map(resources.get("limits"))).containsKey("memory");
        assertThat(((Number) podSpec().get("terminationGracePeriodSeconds")).intValue()).isGreaterThanOrEqualTo(60);
    }

    /**
     * The pods start as the image does, from its class-data-sharing archive (ContainerfileTest): a container
     * `command` would replace the image's ENTRYPOINT and with it the archive's options (`args` only add to them).
     */
    @Test
    void theHubStartsThroughTheImagesEntryPoint() {
        assertThat(hubContainer()).as("no command replaces the image's ENTRYPOINT").doesNotContainKey("command");
        assertThat((String) map(only("ConfigMap").get("data")).get("JAVA_OPTS")).as("JAVA_OPTS leaves the archive on")
                .doesNotContain("-Xshare:off").doesNotContain("SharedArchiveFile");
    }

    @Test
    void servicesAndTheDisruptionBudgetSelectTheHubsAndTheirNamedPorts() {
        Map<String, Object> statefulSet = only("StatefulSet");
        Map<String, Object> labels = map(map(map(map(statefulSet.get("spec")).get("template")).get("metadata")).get("labels"));
        Set<String> portNames = list(hubContainer().get("ports"), Map.class).stream()
                .map(p -> (String) p.get("name")).collect(Collectors.toSet());
        List<Map<String, Object>> services = all("Service");
        assertThat(services).isNotEmpty().allSatisfy(service -> {
            Map<String, Object> spec = map(service.get("spec"));
            assertThat(labels).containsAllEntriesOf(map(spec.get("selector")));
            assertThat(list(spec.get("ports"), Map.class)).allSatisfy(p -> assertThat(portNames).contains((String) p.get("targetPort")));
        });
        assertThat(services).as("the StatefulSet's serviceName is a headless Service").anySatisfy(s -> {
            assertThat(map(s.get("metadata")).get("name")).isEqualTo(map(statefulSet.get("spec")).get("serviceName"));
            assertThat(map(s.get("spec")).get("clusterIP")).isEqualTo("None");
        });
        Map<String, Object> pdb = map(only("PodDisruptionBudget").get("spec"));
        assertThat(labels).containsAllEntriesOf(map(map(pdb.get("selector")).get("matchLabels")));
        assertThat((Integer) pdb.get("minAvailable")).isLessThan((Integer) map(statefulSet.get("spec")).get("replicas"));
    }

    // ---- the pod as the hub sees it

    /** The hub container's environment: literal values, ConfigMap values, and a stand-in for each Secret value. */
    private static Map<String, Object> containerEnvironment() {
        Map<String, Object> variables = new LinkedHashMap<>(ContainerfileTest.env()); // the image's ENV first
        for (Map<String, Object> env : list(hubContainer().get("env"), Map.class)) {
            String name = (String) env.get("name");
            if (env.containsKey("value")) {
                variables.put(name, String.valueOf(env.get("value")));
            } else {
                Map<String, Object> from = map(env.get("valueFrom"));
                if (from.containsKey("configMapKeyRef")) {
                    Map<String, Object> ref = map(from.get("configMapKeyRef"));
                    variables.put(name, String.valueOf(map(objects.get("ConfigMap/" + ref.get("name")).get("data")).get(ref.get("key"))));
                } else if (from.containsKey("secretKeyRef")) {
                    variables.put(name, "operator-given-" + map(from.get("secretKeyRef")).get("key"));
                }
            }
        }
        return variables;
    }

    /** The profile files the pod's SPRING_PROFILES_ACTIVE reads from the ConfigMap, the winning (last) one first. */
    private static List<String> profileFiles() {
        String active = (String) containerEnvironment().get("SPRING_PROFILES_ACTIVE");
        assertThat(active).as("the pod names its profiles").isNotBlank();
        Map<String, Object> mounted = mountedConfigMapFiles();
        List<String> contents = new ArrayList<>();
        for (String profile : active.split(",")) {
            String file = "application-" + profile.strip() + ".yml";
            assertThat(mounted).as("profile %s has its file in the mounted ConfigMap", profile).containsKey(file);
            contents.add(0, (String) mounted.get(file));
        }
        return contents;
    }

    /** file name -> content of the ConfigMap items mounted where the image reads profile files. */
    private static Map<String, Object> mountedConfigMapFiles() {
        String configDir = Path.of(ContainerfileTest.configDirectory()).normalize().toString();
        String volumeName = list(hubContainer().get("volumeMounts"), Map.class).stream()
                .filter(m -> Path.of((String) m.get("mountPath")).normalize().toString().equals(configDir))
                .map(m -> (String) m.get("name")).findFirst().orElseThrow(() -> new AssertionError("nothing mounted at " + configDir));
        Map<String, Object> source = map(list(podSpec().get("volumes"), Map.class).stream()
                .filter(v -> volumeName.equals(v.get("name"))).findFirst().orElseThrow().get("configMap"));
        Map<String, Object> data = map(objects.get("ConfigMap/" + source.get("name")).get("data"));
        Map<String, Object> mounted = new LinkedHashMap<>();
        for (Map<String, Object> item : list(source.get("items"), Map.class)) {
            mounted.put((String) item.get("path"), data.get(item.get("key")));
        }
        return mounted;
    }

    private static String mountHolding(Map<String, String> mounts, String folder) {
        return mounts.keySet().stream().filter(m -> Path.of(folder).normalize().startsWith(Path.of(m)))
                .max((a, b) -> a.length() - b.length()).orElse(null);
    }

    private static Object rawValue(StandardEnvironment env, String name) {
        for (var source : env.getPropertySources()) {
            Object value = source.getProperty(name);
            if (value != null) {
                return value;
            }
        }
        return null;
    }

    // ---- reading the documents

    private static Map<String, Object> podSpec() {
        return map(map(map(only("StatefulSet").get("spec")).get("template")).get("spec"));
    }

    private static Map<String, Object> hubContainer() {
        return list(podSpec().get("containers"), Map.class).stream().filter(c -> "hub".equals(c.get("name")))
                .findFirst().orElseThrow();
    }

    private static Set<String> keys(String kind, Object name) {
        Map<String, Object> object = objects.get(kind + "/" + name);
        assertThat(object).as("%s %s is in the manifests", kind, name).isNotNull();
        Set<String> keys = new TreeSet<>();
        for (String field : List.of("data", "stringData", "binaryData")) {
            if (object.get(field) != null) {
                keys.addAll(map(object.get(field)).keySet());
            }
        }
        return keys;
    }

    private static List<Map<String, Object>> all(String kind) {
        return objects.values().stream().filter(d -> kind.equals(d.get("kind"))).toList();
    }

    private static Map<String, Object> only(String kind) {
        List<Map<String, Object>> found = all(kind);
        assertThat(found).as("one %s", kind).hasSize(1);
        return found.get(0);
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> map(Object o) {
        assertThat(o).isInstanceOf(Map.class);
        return (Map<String, Object>) o;
    }

    @SuppressWarnings("unchecked")
    private static <T> List<T> list(Object o, Class<T> type) {
        return o == null ? List.of() : (List<T>) o;
    }
}
