package io.medalla.internal.config;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigValue;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * What one role may read, as configured under {@code medalla.governance.roles.ROLE}: which tables,
 * which classifications in clear, and how it sees the others. The words are checked where the
 * policy is built; here only the shape is.
 *
 * @param read the tables it may read: catalog names, {@code *} matching any characters
 * @param clear the classifications it reads in clear
 * @param show how it sees each other classification, by classification
 */
public record RoleGrant(List<String> read, List<String> clear, Map<String, String> show) {
  public RoleGrant {
    read = List.copyOf(read);
    clear = List.copyOf(clear);
    show = Map.copyOf(show);
  }

  /**
   * The type of {@code medalla.governance.roles}: an open object of roles, which the loader hands
   * over flattened ({@code analyst.read}, {@code analyst.show.pii}).
   */
  static final ConfigType<Map<String, RoleGrant>> CONFIG_TYPE =
      new ConfigType<>() {
        @Override
        public Map<String, RoleGrant> read(Config config, String path) {
          Map<String, List<String>> read = new TreeMap<>();
          Map<String, List<String>> clear = new TreeMap<>();
          Map<String, Map<String, String>> show = new TreeMap<>();
          List<String> problems = new ArrayList<>();
          for (Map.Entry<String, ConfigValue> member : config.getObject(path).entrySet()) {
            String[] parts = member.getKey().split("\\.", 3);
            String role = parts[0];
            String name = parts.length > 1 ? parts[1] : "";
            Object value = member.getValue().unwrapped();
            if (name.equals("show") && parts.length == 3) {
              // An unquoted null in HOCON is the policy null.
              show.computeIfAbsent(role, r -> new TreeMap<>()).put(parts[2], String.valueOf(value));
            } else if ((name.equals("read") || name.equals("clear")) && parts.length == 2) {
              if (!(value instanceof List<?> list)) {
                problems.add(path + "." + member.getKey() + " is not a list of strings");
                continue;
              }
              (name.equals("read") ? read : clear)
                  .put(role, list.stream().map(String::valueOf).toList());
            } else {
              problems.add(
                  path
                      + "."
                      + member.getKey()
                      + " is not one of ROLE.read, ROLE.clear, ROLE.show.CLASS");
            }
          }
          if (!problems.isEmpty()) {
            throw new ConfigType.InvalidValueException(String.join("; ", problems));
          }
          Set<String> roles = new TreeSet<>(read.keySet());
          roles.addAll(clear.keySet());
          roles.addAll(show.keySet());
          Map<String, RoleGrant> grants = new LinkedHashMap<>();
          for (String role : roles) {
            grants.put(
                role,
                new RoleGrant(
                    read.getOrDefault(role, List.of()),
                    clear.getOrDefault(role, List.of()),
                    show.getOrDefault(role, Map.of())));
          }
          return grants;
        }

        @Override
        public String allowed() {
          return "an object of ROLE { read = [tables], clear = [classifications], show {"
              + " CLASSIFICATION = policy } }";
        }

        @Override
        public boolean isOpenObject() {
          return true;
        }
      };
}
