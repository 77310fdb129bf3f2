package energyhub.monitoring.api;

import energyhub.routing.IntakeBacklog;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code GET /api/operator/intake/waiting}: what the file intakes hold unanswered (packages waiting
 * for their data file or manifest, entries no route takes), from every {@link IntakeBacklog} the
 * wings provide; oldest first. A viewer may read it (the cockpit's rule for GET /api/operator/**).
 */
@RestController
@RequestMapping(path = "/api/operator/intake", produces = "application/json")
public class IntakeBacklogController {

    private final List<IntakeBacklog> backlogs;

    public IntakeBacklogController(List<IntakeBacklog> backlogs) {
        this.backlogs = backlogs;
    }

    @GetMapping("/waiting")
    public List<Map<String, Object>> waiting(@RequestParam(required = false) String source) {
        List<IntakeBacklog.Waiting> all = new ArrayList<>();
        backlogs.forEach(b -> all.addAll(b.waiting()));
        all.sort(Comparator.comparing(IntakeBacklog.Waiting::since));
        List<Map<String, Object>> rows = new ArrayList<>();
        for (IntakeBacklog.Waiting w : all) {
            if (source != null && !source.equals(w.source())) {
                continue;
            }
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("source", w.source());
            row.put("name", w.name());
            row.put("waitsFor", w.waitsFor());
            row.put("since", w.since().toString());
            row.put("ageSeconds", w.age().toSeconds());
            row.put("stale", w.stale());
            rows.add(row);
        }
        return rows;
    }
}
