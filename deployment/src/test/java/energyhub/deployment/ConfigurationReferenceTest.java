package energyhub.deployment;

import static org.assertj.core.api.Assertions.assertThat;

import java.beans.PropertyDescriptor;
import java.io.File;
import java.io.IOException;
import java.lang.reflect.AnnotatedElement;
import java.lang.reflect.Executable;
import java.lang.reflect.Method;
import java.lang.reflect.Parameter;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.Type;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.temporal.Temporal;
import java.time.temporal.TemporalAmount;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.BeanUtils;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.core.io.support.PathMatchingResourcePatternResolver;
import org.springframework.core.env.EnumerablePropertySource;
import org.springframework.core.env.StandardEnvironment;
import org.springframework.util.unit.DataSize;

/**
 * docs/configuration.md against the code: every {@code hub.*} property the hub reads is documented, and
 * nothing is documented that the hub does not read. No configuration-processor metadata is built, so the
 * properties are collected from the compiled classes of every module: the bean properties of each
 * {@code @ConfigurationProperties} class (nested classes, maps as {@code {name}}), every {@code @Value} and
 * {@code @ConditionalOnProperty}, and, from the sources, Camel's {@code {{hub...}}} placeholders and names
 * read with {@code getProperty}.
 */
class ConfigurationReferenceTest {

    private static final Path REFERENCE = Path.of("../docs/configuration.md");
    /** A documented name's first column: `hub.x.y` (with {placeholders} for map keys). */
    private static final Pattern DOCUMENTED = Pattern.compile("^\\|\\s*`(hub\\.[a-z0-9.{}-]+)`\\s*\\|([^|]*)\\|", Pattern.MULTILINE);
    private static final Pattern HUB_PLACEHOLDER = Pattern.compile("\\$\\{(hub\\.[a-z0-9.-]*[a-z0-9])");
    /**
     * Properties bound under another name than their class's prefix: SupplierConfiguration binds the
     * supplier entries of SupplierProperties from hub.suppliers (checked below to still be so).
     */
    private static final Map<String, String> REBOUND = Map.of("hub.supplier.suppliers.", "hub.suppliers.");

    private static Map<String, String> inCode;       // normalized name -> where it was found
    private static Map<String, String> documented;   // normalized name -> documented default

    @BeforeAll
    static void collect() throws Exception {
        inCode = new TreeMap<>();
        for (Class<?> type : mainClasses()) {
            ConfigurationProperties onType = type.getAnnotation(ConfigurationProperties.class);
            if (onType != null) {
                walk(type, prefix(onType), type.getSimpleName(), new TreeSet<>());
            }
            for (Method method : type.getDeclaredMethods()) {
                ConfigurationProperties onBean = method.getAnnotation(ConfigurationProperties.class);
                if (onBean != null) {
                    walk(method.getReturnType(), prefix(onBean), type.getSimpleName() + "." + method.getName(), new TreeSet<>());
                }
            }
            readAnnotations(type);
        }
        readSources();
        documented = new TreeMap<>();
        Matcher m = DOCUMENTED.matcher(Files.readString(REFERENCE));
        while (m.find()) {
            assertThat(documented.put(normalize(m.group(1)), m.group(2).strip())).as("%s documented once", m.group(1)).isNull();
        }
    }

    @Test
    void everyPropertyTheCodeReadsIsDocumented() {
        assertThat(inCode).as("properties found in the code").hasSizeGreaterThan(50)
                .containsKeys("hub.data-dir", "hub.broker.tls.key-store", "hub.ferry.sources.{*}.host",
                        "hub.suppliers.{*}.schedule", "hub.tcp.clients.{*}", "hub.security.users.{*}.roles",
                        "hub.monitoring.queue-depth-interval", "hub.dev.secrets");
        Set<String> undocumented = new TreeSet<>();
        inCode.forEach((name, where) -> {
            if (!documented.containsKey(name)) {
                undocumented.add(name + " (" + where + ")");
            }
        });
        assertThat(undocumented).as("in the code but not in docs/configuration.md").isEmpty();
    }

    @Test
    void nothingIsDocumentedThatTheCodeDoesNotRead() {
        Set<String> extra = new TreeSet<>(documented.keySet());
        extra.removeAll(inCode.keySet());
        assertThat(documented).as("rows in docs/configuration.md").isNotEmpty();
        assertThat(extra).as("in docs/configuration.md but not read by the code").isEmpty();
    }

    @Test
    void everyHubSettingOfApplicationYmlIsReadAndDocumentedWithItsDefault() throws IOException {
        StandardEnvironment defaults = DeploymentSettings.defaults();
        Set<String> stale = new TreeSet<>();
        Set<String> wrongDefault = new TreeSet<>();
        for (var source : defaults.getPropertySources()) {
            if (!(source instanceof EnumerablePropertySource<?> yaml)) {
                continue;
            }
            for (String name : yaml.getPropertyNames()) {
                if (!name.startsWith("hub.")) {
                    continue;
                }
                boolean emptyMap = inCode.keySet().stream().anyMatch(k -> k.startsWith(name + ".{*}"));
                if (!inCode.containsKey(name) && !emptyMap) {
                    stale.add(name);
                    continue;
                }
                String value = String.valueOf(yaml.getProperty(name));
                if (!emptyMap && !value.contains("${") && !value.isEmpty()
                        && !documented.getOrDefault(name, "").contains("`" + value + "`")) {
                    wrongDefault.add(name + " = " + value + " (documented: " + documented.get(name) + ")");
                }
            }
        }
        assertThat(stale).as("application.yml settings no code reads").isEmpty();
        assertThat(wrongDefault).as("defaults of application.yml not shown as `value` in docs/configuration.md").isEmpty();
    }

    @Test
    void theReboundPrefixesAreStillBoundThatWay() throws IOException {
        String sources = mainSources().map(ConfigurationReferenceTest::read).reduce("", String::concat);
        REBOUND.values().forEach(to -> assertThat(sources).contains("bind(\"" + to.substring(0, to.length() - 1) + "\""));
    }

    // ---- collecting from the code

    private static void walk(Class<?> type, String prefix, String where, Set<String> seen) {
        if (!seen.add(type.getName() + "@" + prefix)) {
            return;
        }
        for (PropertyDescriptor pd : BeanUtils.getPropertyDescriptors(type)) {
            if (pd.getName().equals("class") || pd.getReadMethod() == null) {
                continue;
            }
            String name = prefix + "." + kebab(pd.getName());
            Type generic = pd.getReadMethod().getGenericReturnType();
            Class<?> raw = pd.getPropertyType();
            if (Map.class.isAssignableFrom(raw)) {
                Type value = ((ParameterizedType) generic).getActualTypeArguments()[1];
                Class<?> valueClass = value instanceof ParameterizedType p ? (Class<?>) p.getRawType() : (Class<?>) value;
                if (isLeaf(valueClass)) {
                    add(name + ".{*}", where);
                } else {
                    walk(valueClass, name + ".{*}", where, seen);
                }
            } else if (isLeaf(raw) || Collection.class.isAssignableFrom(raw) || raw.isArray()) {
                if (pd.getWriteMethod() != null) {
                    add(name, where);
                }
            } else {
                walk(raw, name, where, seen);
            }
        }
    }

    private static boolean isLeaf(Class<?> type) {
        return type.isPrimitive() || type.isEnum() || type.getName().startsWith("java.lang.")
                || Number.class.isAssignableFrom(type) || TemporalAmount.class.isAssignableFrom(type)
                || Temporal.class.isAssignableFrom(type) || type == DataSize.class || type == Path.class
                || type == File.class || type == URI.class || !type.getName().startsWith("energyhub.");
    }

    private static void readAnnotations(Class<?> type) {
        List<AnnotatedElement> elements = new ArrayList<>();
        elements.add(type);
        elements.addAll(List.of(type.getDeclaredFields()));
        elements.addAll(List.of(type.getDeclaredMethods()));
        List<Executable> executables = new ArrayList<>(List.of(type.getDeclaredMethods()));
        executables.addAll(List.of(type.getDeclaredConstructors()));
        for (Executable e : executables) {
            for (Parameter p : e.getParameters()) {
                elements.add(p);
            }
        }
        for (AnnotatedElement element : elements) {
            Value value = element.getAnnotation(Value.class);
            if (value != null) {
                Matcher m = HUB_PLACEHOLDER.matcher(value.value());
                while (m.find()) {
                    add(m.group(1), type.getSimpleName() + " @Value");
                }
            }
            ConditionalOnProperty conditional = element.getAnnotation(ConditionalOnProperty.class);
            if (conditional != null) {
                String prefix = conditional.prefix().isEmpty() ? "" : conditional.prefix() + ".";
                for (String n : conditional.name().length > 0 ? conditional.name() : conditional.value()) {
                    if ((prefix + n).startsWith("hub.")) {
                        add(prefix + n, type.getSimpleName() + " @ConditionalOnProperty");
                    }
                }
            }
        }
    }

    /** Camel's {{hub...}} placeholders, and names read with getProperty("hub...") or a constant holding one. */
    private static void readSources() throws IOException {
        Pattern camel = Pattern.compile("\\{\\{(hub\\.[a-z0-9.-]*[a-z0-9])");
        Pattern constant = Pattern.compile("static final String (\\w+) = \"(hub\\.[a-z0-9.-]+)\";");
        List<Path> files = mainSources().toList();
        assertThat(files).as("the modules' sources").hasSizeGreaterThan(50);
        for (Path file : files) {
            String text = read(file);
            Matcher m = camel.matcher(text);
            while (m.find()) {
                add(m.group(1), file.getFileName() + " {{}}");
            }
            m = Pattern.compile("getProperty\\(\\s*\"(hub\\.[a-z0-9.-]+)\"").matcher(text);
            while (m.find()) {
                add(m.group(1), file.getFileName() + " getProperty");
            }
            m = constant.matcher(text);
            while (m.find()) {
                if (Pattern.compile("getProperty\\(\\s*" + m.group(1) + "\\b").matcher(text).find()) {
                    add(m.group(2), file.getFileName() + " getProperty");
                }
            }
        }
    }

    private static void add(String name, String where) {
        String n = normalize(name);
        for (var rebound : REBOUND.entrySet()) {
            if (n.startsWith(rebound.getKey())) {
                n = rebound.getValue() + n.substring(rebound.getKey().length());
            }
        }
        inCode.putIfAbsent(n, where);
    }

    /** Any {placeholder} of a map key as {*}: the reference may name it {id}, {name}, {client-id}. */
    private static String normalize(String name) {
        return name.replaceAll("\\{[^}]*}", "{*}");
    }

    private static String kebab(String camel) {
        return camel.replaceAll("([a-z0-9])([A-Z])", "$1-$2").toLowerCase();
    }

    private static String prefix(ConfigurationProperties annotation) {
        return annotation.prefix().isEmpty() ? annotation.value() : annotation.prefix();
    }

    /** The main (not test) classes of every module under package energyhub on the classpath. */
    private static List<Class<?>> mainClasses() throws ClassNotFoundException {
        // every class file (a component scanner would skip classes whose @Conditional does not match here)
        List<Class<?>> classes = new ArrayList<>();
        try {
            for (var resource : new PathMatchingResourcePatternResolver().getResources("classpath*:energyhub/**/*.class")) {
                String url = resource.getURL().toString();
                if (url.contains("test-classes")) {
                    continue;
                }
                String name = url.substring(url.lastIndexOf("energyhub/"), url.length() - ".class".length()).replace('/', '.');
                classes.add(Class.forName(name, false, ConfigurationReferenceTest.class.getClassLoader()));
            }
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        assertThat(classes).as("classes of every module").extracting(Class::getPackageName)
                .contains("energyhub.routing", "energyhub.ferry", "energyhub.tcp", "energyhub.supplier",
                        "energyhub.monitoring", "energyhub.deployment");
        return classes;
    }

    private static Stream<Path> mainSources() throws IOException {
        List<Path> roots = new ArrayList<>();
        try (Stream<Path> modules = Files.list(Path.of(".."))) {
            modules.map(m -> m.resolve("src/main/java")).filter(Files::isDirectory).forEach(roots::add);
        }
        List<Path> files = new ArrayList<>();
        for (Path root : roots) {
            try (Stream<Path> s = Files.walk(root)) {
                s.filter(p -> p.toString().endsWith(".java")).forEach(files::add);
            }
        }
        return files.stream();
    }

    private static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    static Map<String, String> propertiesInCode() {
        return new LinkedHashMap<>(inCode);
    }
}
