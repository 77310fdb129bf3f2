package energyhub.standard;

/** One row of the energy-type table: 4-digit code, Chinese name, unit, default 折标系数 as a decimal string. */
public record EnergyType(String code, String name, String unit, String convertRation) {
}
