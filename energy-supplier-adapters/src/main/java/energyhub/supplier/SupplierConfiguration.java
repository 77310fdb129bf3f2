package energyhub.supplier;

import java.nio.file.Path;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;

@Configuration
public class SupplierConfiguration {

    /**
     * {@code hub.supplier.*} and the supplier entries under {@code hub.suppliers}; folders default to
     * {@code hub.data-dir}/suppliers.
     */
    @Bean
    @ConfigurationProperties("hub.supplier")
    SupplierProperties supplierProperties(@Value("${hub.data-dir:./data}") String dataDir, Environment env) {
        Path root = Path.of(dataDir).toAbsolutePath().normalize().resolve("suppliers");
        SupplierProperties p = new SupplierProperties();
        p.setDataDir(root.toString());
        p.setRegistryImport(root.resolve("registry-import").toString());
        Binder.get(env).bind("hub.suppliers", Bindable.mapOf(String.class, SupplierProperties.Supplier.class))
                .ifBound(p::setSuppliers);
        return p;
    }
}
