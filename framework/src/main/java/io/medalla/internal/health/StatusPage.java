package io.medalla.internal.health;

import io.medalla.api.Objective;
import io.medalla.api.RunRecord;
import io.medalla.api.RunStatus;
import io.medalla.internal.health.OperationsReport.BudgetPoint;
import io.medalla.internal.health.OperationsReport.ProductHealth;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The status page: one self-contained HTML file (inline CSS and SVG, no script, no external
 * resource), so it opens offline and from an object store. Figures carry {@code data-*} attributes
 * with their exact values for tools and tests.
 */
public final class StatusPage {
  private static final int CHART_WIDTH = 360;
  private static final int CHART_HEIGHT = 90;

  private static final String STYLE =
      """
      body{font:14px/1.4 system-ui,sans-serif;margin:24px;color:#1d2330;background:#f7f8fa}
      h1{font-size:22px;margin:0 0 4px}h2{font-size:17px;margin:28px 0 8px}
      h3{font-size:15px;margin:0 0 6px}.muted{color:#667085}
      table{border-collapse:collapse;background:#fff;width:100%}
      th,td{border-bottom:1px solid #e4e7ec;padding:6px 8px;text-align:left;vertical-align:top}
      th{background:#eef1f5;font-weight:600}td.num{text-align:right}
      .badge{display:inline-block;padding:1px 7px;border-radius:9px;font-size:12px;color:#fff}
      .SUCCEEDED,.ok{background:#12805c}.SKIPPED{background:#5c6b80}
      .FAILED,.BREACHED,.OPEN{background:#c0362c}.BLOCKED,.warn{background:#b25e09}
      .RUNNING{background:#2563eb}.none{background:#98a2b3}
      .cards{display:grid;grid-template-columns:repeat(auto-fill,minmax(400px,1fr));gap:14px}
      .card{background:#fff;border:1px solid #e4e7ec;border-radius:8px;padding:12px}
      svg{display:block;margin:4px 0 10px}svg text{font-size:10px;fill:#667085}
      .bar-good{fill:#12805c}.bar-bad{fill:#c0362c}.bar-other{fill:#5c6b80}
      .line{fill:none;stroke:#2563eb;stroke-width:2}.limit{stroke:#b25e09;stroke-dasharray:4 3}
      .axis{stroke:#d0d5dd}
      """;

  private StatusPage() {}

  /** Writes {@code index.html} into {@code directory}, creating it, and returns the file. */
  public static Path write(OperationsReport report, Path directory) throws IOException {
    Files.createDirectories(directory);
    Path page = directory.resolve("index.html");
    Files.writeString(page, render(report), StandardCharsets.UTF_8);
    return page;
  }

  /** The page's HTML. */
  public static String render(OperationsReport report) {
    StringBuilder html = new StringBuilder();
    html.append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">")
        .append("<meta name=\"viewport\" content=\"width=device-width,initial-scale=1\">")
        .append("<title>Medalla status</title><style>")
        .append(STYLE)
        .append("</style></head><body>\n");
    long breached = report.objectives().stream().filter(ObjectiveStatus::breached).count();
    html.append("<h1>Data products status</h1>")
        .append("<p class=\"muted\">Over ")
        .append(Objectives.span(report.window()))
        .append(" up to ")
        .append(escape(report.at().toString()))
        .append(": <span data-summary=\"open-incidents\" data-value=\"")
        .append(report.openIncidents().size())
        .append("\">")
        .append(report.openIncidents().size())
        .append(" open incidents</span>, <span data-summary=\"incidents\" data-value=\"")
        .append(report.incidents().size())
        .append("\">")
        .append(report.incidents().size())
        .append(" in the window</span>, MTTR <span data-summary=\"mttr\" data-value=\"")
        .append(report.meanTimeToResolve().map(Duration::toSeconds).map(String::valueOf).orElse(""))
        .append("\">")
        .append(report.meanTimeToResolve().map(Objectives::human).orElse("-"))
        .append("</span>, <span data-summary=\"breached\" data-value=\"")
        .append(breached)
        .append("\">")
        .append(breached)
        .append(" objectives breached</span>.</p>\n");
    products(html, report);
    incidents(html, report);
    html.append("<h2>Suggestions</h2>");
    if (report.suggestions().isEmpty()) {
      html.append("<p class=\"muted\">None: the history shows nothing to look at.</p>");
    } else {
      html.append("<ul>");
      report.suggestions().forEach(s -> html.append("<li>").append(escape(s)).append("</li>"));
      html.append("</ul>");
    }
    html.append("\n<h2>Runs in the window</h2><div class=\"cards\">\n");
    for (ProductHealth product : report.products()) {
      if (!product.runs().isEmpty()) {
        card(html, product);
      }
    }
    html.append("</div>\n</body></html>\n");
    return html.toString();
  }

  private static void products(StringBuilder html, OperationsReport report) {
    html.append("<h2>Data products</h2><table id=\"products\"><thead><tr>")
        .append("<th>Data product</th><th>Owner</th><th>Last run</th><th>Objectives</th>")
        .append("<th>Error budget left</th><th>Quality (latest dates)</th>")
        .append("<th>Open incidents</th></tr></thead><tbody>\n");
    for (ProductHealth product : report.products()) {
      html.append("<tr data-pipeline=\"").append(escape(product.name())).append("\">");
      html.append("<td><b>")
          .append(escape(product.name()))
          .append("</b><br><span class=\"muted\">")
          .append(escape(product.spec().description()))
          .append("</span></td><td>")
          .append(escape(product.spec().owner()))
          .append("</td>");
      Optional<RunRecord> last = product.lastRun();
      html.append("<td data-field=\"last-run\" data-value=\"")
          .append(last.map(RunRecord::runId).map(StatusPage::escape).orElse(""))
          .append("\">");
      if (last.isPresent()) {
        RunRecord run = last.get();
        html.append(badge(run.status().name(), run.status().name()))
            .append(" ")
            .append(escape(run.logicalDate().toString()))
            .append("<br><span class=\"muted\">ended ")
            .append(escape(run.endedAt().toString()))
            .append("</span>");
      } else {
        html.append(badge("none", "never run"));
      }
      html.append("</td><td>");
      if (product.objectives().isEmpty()) {
        html.append("<span class=\"muted\">none declared</span>");
      }
      for (ObjectiveStatus status : product.objectives()) {
        html.append("<div data-objective=\"")
            .append(status.objective().kind())
            .append("\" data-attainment=\"")
            .append(status.attainment())
            .append("\" data-good=\"")
            .append(status.good())
            .append("\" data-events=\"")
            .append(status.total())
            .append("\">")
            .append(objectiveBadge(status))
            .append(" ")
            .append(escape(status.objective().kind()))
            .append(" ")
            .append(status.total() == 0 ? "-" : Objectives.percent(status.attainment()))
            .append(" of ")
            .append(Objectives.percent(status.objective().target()))
            .append(" <span class=\"muted\">(")
            .append(status.good())
            .append("/")
            .append(status.total())
            .append(", ")
            .append(escape(status.objective().describe()))
            .append(")</span>");
        status
            .alert()
            .ifPresent(
                burn ->
                    html.append(" ")
                        .append(
                            badge(
                                burn == BurnRateAlert.FAST_BURN ? "FAILED" : "warn", burn.code())));
        html.append("</div>");
      }
      html.append("</td><td>");
      for (ObjectiveStatus status : product.objectives()) {
        html.append("<div data-budget=\"")
            .append(status.objective().kind())
            .append("\" data-value=\"")
            .append(status.budgetRemaining())
            .append("\">")
            .append(escape(status.objective().kind()))
            .append(" ")
            .append(Objectives.percent(status.budgetRemaining()))
            .append("</div>");
      }
      html.append("</td><td>").append(qualityTrend(product.quality())).append("</td>");
      html.append("<td class=\"num\" data-field=\"open-incidents\" data-value=\"")
          .append(product.openIncidents().size())
          .append("\">");
      html.append(
          product.openIncidents().isEmpty()
              ? "0"
              : badge("OPEN", String.valueOf(product.openIncidents().size())));
      html.append("</td></tr>\n");
    }
    html.append("</tbody></table>\n");
  }

  private static void incidents(StringBuilder html, OperationsReport report) {
    html.append("<h2>Incidents</h2>");
    if (report.incidents().isEmpty()) {
      html.append("<p class=\"muted\">No incidents in the window.</p>");
      return;
    }
    html.append("<table id=\"incidents\"><thead><tr><th>Incident</th><th>State</th>")
        .append("<th>Error</th><th>Opened</th><th>Runs</th><th>Resolved after</th>")
        .append("<th>Downstream affected</th></tr></thead><tbody>\n");
    for (Incident incident : report.incidents()) {
      html.append("<tr data-incident=\"")
          .append(escape(incident.id()))
          .append("\" data-runs=\"")
          .append(incident.runIds().size())
          .append("\" data-resolve-s=\"")
          .append(incident.timeToResolve().map(Duration::toSeconds).map(String::valueOf).orElse(""))
          .append("\"><td>")
          .append(escape(incident.id()))
          .append("</td><td>")
          .append(incident.open() ? badge("OPEN", "open") : badge("ok", "resolved"))
          .append("</td><td><b>")
          .append(escape(incident.errorCode()))
          .append("</b><br><span class=\"muted\">")
          .append(escape(incident.errorMessage()))
          .append("</span></td><td>")
          .append(escape(incident.openedAt().toString()))
          .append("</td><td class=\"num\">")
          .append(incident.runIds().size())
          .append("</td><td>")
          .append(incident.timeToResolve().map(Objectives::human).orElse("-"))
          .append("</td><td>")
          .append(escape(String.join(", ", incident.downstream())))
          .append("</td></tr>\n");
    }
    html.append("</tbody></table>\n");
  }

  private static void card(StringBuilder html, ProductHealth product) {
    html.append("<div class=\"card\" data-card=\"").append(escape(product.name())).append("\">");
    html.append("<h3>").append(escape(product.name())).append("</h3>");
    List<RunRecord> runs = product.runs();
    html.append("<div class=\"muted\">Run durations (s)</div>");
    html.append(
        bars(
            "durations",
            runs.stream().map(run -> run.duration().toMillis() / 1000.0).toList(),
            runs.stream().map(StatusPage::runClass).toList(),
            runs.stream()
                .map(
                    run ->
                        run.runId() + " " + run.status() + " " + Objectives.human(run.duration()))
                .toList(),
            Optional.empty()));
    html.append("<div class=\"muted\">Rows written</div>");
    html.append(
        bars(
            "rows",
            runs.stream().map(run -> (double) run.rowsWritten()).toList(),
            runs.stream().map(StatusPage::runClass).toList(),
            runs.stream().map(run -> run.runId() + ": " + run.rowsWritten() + " rows").toList(),
            Optional.empty()));
    Optional<Objective.Freshness> freshness =
        product.spec().objectives().stream()
            .filter(Objective.Freshness.class::isInstance)
            .map(Objective.Freshness.class::cast)
            .findFirst();
    if (freshness.isPresent() && !product.freshness().isEmpty()) {
      double limit = freshness.get().deadline().toMinutes() / 60.0;
      html.append("<div class=\"muted\">Freshness: hours after the day ended (deadline ")
          .append(String.format(Locale.ROOT, "%.1f", limit))
          .append(" h)</div>");
      List<SliEvent> days = product.freshness();
      html.append(
          bars(
              "freshness",
              days.stream().map(day -> lagHours(day)).toList(),
              days.stream().map(day -> day.good() ? "bar-good" : "bar-bad").toList(),
              days.stream()
                  .map(
                      day ->
                          day.day().orElseThrow()
                              + (day.runId().isEmpty() ? " still missing" : " by " + day.runId()))
                  .toList(),
              Optional.of(limit)));
    }
    for (Map.Entry<String, List<BudgetPoint>> burn : product.budgetBurn().entrySet()) {
      html.append("<div class=\"muted\">Error budget left, ")
          .append(escape(burn.getKey()))
          .append(" (%)</div>");
      html.append(line("budget-" + burn.getKey(), burn.getValue()));
    }
    html.append("</div>\n");
  }

  private static double lagHours(SliEvent day) {
    LocalDate date = day.day().orElseThrow();
    Instant dayEnd = date.plusDays(1).atStartOfDay(ZoneOffset.UTC).toInstant();
    return Math.max(0, Duration.between(dayEnd, day.time()).toMinutes() / 60.0);
  }

  private static String runClass(RunRecord run) {
    if (run.status() == RunStatus.SUCCEEDED) {
      return "bar-good";
    }
    return run.status().isSuccess() ? "bar-other" : "bar-bad";
  }

  /** A bar per value, scaled to the largest (or the limit line, if higher). */
  private static String bars(
      String name,
      List<Double> values,
      List<String> classes,
      List<String> titles,
      Optional<Double> limit) {
    double max = values.stream().mapToDouble(Double::doubleValue).max().orElse(0);
    max = Math.max(max, limit.orElse(0.0));
    max = max <= 0 ? 1 : max;
    double width = (double) CHART_WIDTH / values.size();
    StringBuilder svg = svg(name, values.size());
    for (int index = 0; index < values.size(); index++) {
      double height = values.get(index) / max * (CHART_HEIGHT - 12);
      svg.append(
          String.format(
              Locale.ROOT,
              "<rect class=\"%s\" x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\""
                  + " data-value=\"%s\"><title>%s</title></rect>",
              classes.get(index),
              index * width + 1,
              CHART_HEIGHT - height,
              Math.max(1, width - 2),
              Math.max(height, 0.5),
              values.get(index),
              escape(titles.get(index))));
    }
    if (limit.isPresent()) {
      double y = CHART_HEIGHT - limit.get() / max * (CHART_HEIGHT - 12);
      svg.append(
          String.format(
              Locale.ROOT,
              "<line class=\"limit\" x1=\"0\" x2=\"%d\" y1=\"%.1f\" y2=\"%.1f\"/>",
              CHART_WIDTH,
              y,
              y));
    }
    svg.append(String.format(Locale.ROOT, "<text x=\"2\" y=\"10\">max %.1f</text>", max));
    return svg.append("</svg>").toString();
  }

  /** A line through the budget left per day, from 100% at the top to 0% at the axis. */
  private static String line(String name, List<BudgetPoint> points) {
    double min = Math.min(0, points.stream().mapToDouble(BudgetPoint::remaining).min().orElse(0));
    StringBuilder path = new StringBuilder();
    double step = points.size() > 1 ? (double) CHART_WIDTH / (points.size() - 1) : 0;
    for (int index = 0; index < points.size(); index++) {
      double y = (1 - points.get(index).remaining()) / (1 - min) * (CHART_HEIGHT - 4) + 2;
      path.append(index == 0 ? "M" : " L")
          .append(String.format(Locale.ROOT, "%.1f %.1f", index * step, y));
    }
    double zero = (1 - 0) / (1 - min) * (CHART_HEIGHT - 4) + 2;
    StringBuilder svg = svg(name, points.size());
    svg.append(
        String.format(
            Locale.ROOT,
            "<line class=\"axis\" x1=\"0\" x2=\"%d\" y1=\"%.1f\" y2=\"%.1f\"/>",
            CHART_WIDTH,
            zero,
            zero));
    svg.append("<path class=\"line\" d=\"").append(path).append("\"/>");
    BudgetPoint last = points.get(points.size() - 1);
    svg.append(
        String.format(
            Locale.ROOT,
            "<text x=\"2\" y=\"10\" data-value=\"%s\">now %s</text>",
            last.remaining(),
            Objectives.percent(last.remaining())));
    return svg.append("</svg>").toString();
  }

  private static StringBuilder svg(String name, int points) {
    return new StringBuilder(
        String.format(
            Locale.ROOT,
            "<svg data-chart=\"%s\" data-points=\"%d\" width=\"%d\" height=\"%d\" viewBox=\"0 0 %d"
                + " %d\" role=\"img\" aria-label=\"%s\" xmlns=\"http://www.w3.org/2000/svg\">",
            name,
            points,
            CHART_WIDTH,
            CHART_HEIGHT,
            CHART_WIDTH,
            CHART_HEIGHT,
            name));
  }

  /** Small bars of each latest date's passed share, red where a check failed. */
  private static String qualityTrend(List<QualityDay> days) {
    if (days.isEmpty()) {
      return "<span class=\"muted\">no checks</span>";
    }
    List<QualityDay> latest = days.subList(Math.max(0, days.size() - 14), days.size());
    QualityDay newest = latest.get(latest.size() - 1);
    StringBuilder svg =
        new StringBuilder(
            String.format(
                Locale.ROOT,
                "<svg data-chart=\"quality\" data-points=\"%d\" width=\"%d\" height=\"24\""
                    + " viewBox=\"0 0 %d 24\" role=\"img\" aria-label=\"quality\""
                    + " xmlns=\"http://www.w3.org/2000/svg\">",
                latest.size(),
                latest.size() * 8,
                latest.size() * 8));
    for (int index = 0; index < latest.size(); index++) {
      QualityDay day = latest.get(index);
      double share = day.checks() == 0 ? 1 : (double) day.passed() / day.checks();
      svg.append(
          String.format(
              Locale.ROOT,
              "<rect class=\"%s\" x=\"%d\" y=\"%.1f\" width=\"6\" height=\"%.1f\"><title>%s: %d/%d"
                  + " passed</title></rect>",
              day.failed().isEmpty() ? "bar-good" : "bar-bad",
              index * 8,
              24 - 22 * share,
              Math.max(22 * share, 1),
              day.date(),
              day.passed(),
              day.checks()));
    }
    svg.append("</svg>");
    return svg
        + String.format(
            Locale.ROOT,
            "<span data-field=\"quality-latest\" data-value=\"%d/%d\">%s: %d/%d passed</span>",
            newest.passed(),
            newest.checks(),
            newest.date(),
            newest.passed(),
            newest.checks());
  }

  private static String objectiveBadge(ObjectiveStatus status) {
    if (status.total() == 0) {
      return badge("none", "no events");
    }
    return status.breached() ? badge("BREACHED", "breached") : badge("ok", "met");
  }

  private static String badge(String cssClass, String text) {
    return "<span class=\"badge " + cssClass + "\">" + escape(text) + "</span>";
  }

  /** Escapes text for HTML content and attribute values. */
  static String escape(String text) {
    StringBuilder escaped = new StringBuilder(text.length());
    for (char c : text.toCharArray()) {
      switch (c) {
        case '&' -> escaped.append("&amp;");
        case '<' -> escaped.append("&lt;");
        case '>' -> escaped.append("&gt;");
        case '"' -> escaped.append("&quot;");
        case '\'' -> escaped.append("&#39;");
        default -> escaped.append(c);
      }
    }
    return escaped.toString();
  }
}
