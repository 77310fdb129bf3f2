package energyhub.routing;

/**
 * A setting of the hub is missing or wrong. Start-up stops with one line that names the setting,
 * what is wrong with it and what to do (deployment's failure analyzer prints it without a stack
 * trace), instead of a chain of {@code Caused by}s with the reason at the bottom.
 */
public class HubConfigurationException extends IllegalStateException {

    private final String setting;
    private final String action;

    /**
     * @param setting the property to fix, e.g. {@code hub.broker.national.password}
     * @param problem what is wrong with it, e.g. "is not set"
     * @param action  what the operator does about it, e.g. "set HUB_BROKER_NATIONAL_PASSWORD"
     */
    public HubConfigurationException(String setting, String problem, String action) {
        super(setting + " " + problem);
        this.setting = setting;
        this.action = action;
    }

    public String setting() {
        return setting;
    }

    public String action() {
        return action;
    }
}
