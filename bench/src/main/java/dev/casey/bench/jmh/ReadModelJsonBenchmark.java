package dev.casey.bench.jmh;

import dev.casey.api.common.Source;
import dev.casey.api.supportcase.CaseStatus;
import dev.casey.api.supportcase.CaseSummary;
import dev.casey.api.supportcase.CaseView;
import dev.casey.api.supportcase.MessageView;
import dev.casey.api.supportcase.Participant;
import dev.casey.query.Documents;
import dev.casey.query.IsoInstants;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Setup;
import tools.jackson.databind.json.JsonMapper;

/**
 * The JSON work of a GET: {@code readCase} parses a stored case of ten messages (GET /case/{uuid}),
 * {@code readList} the twenty stored summaries of a page (GET /cases), {@code writeCase} writes the case for the
 * HTTP answer. {@code instants=jackson} is Jackson's own java.time handling, {@code casey} with {@link IsoInstants}.
 */
public class ReadModelJsonBenchmark extends MailBenchmark {

    @Param({"jackson", "casey"})
    public String instants;

    private JsonMapper mapper;
    private String caseJson;
    private List<String> summaryJsons;
    private CaseView view;

    @Setup
    public void build() {
        mapper = instants.equals("casey") ? Documents.MAPPER
                : Documents.MAPPER.rebuild().removeAllModules().build();
        Instant opened = Instant.parse("2026-11-24T09:12:40.123456Z");
        Participant customer = new Participant("some.user@other.tld", "Some Müller", false, null);
        Participant ben = new Participant("ben@example.com", "Ben Foo", true, UUID.randomUUID());
        List<MessageView> messages = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            messages.add(new MessageView(UUID.randomUUID(), i % 2 == 0 ? customer : ben,
                    "Message " + i + " of the case, with a few lines of text.\n\nIt mentions the export dialog,"
                            + " the browser and the account once more.\nRegards",
                    i % 2 == 0 ? Source.MAIL : Source.HTTP, opened.plusSeconds(600L * i + i),
                    "casey.m" + i + "aaaaaaaaaaaaaaaaaaaaaa@support.example.com", List.of(), null));
        }
        view = new CaseView(UUID.randomUUID(), "K7QM-4XPD", "Export to CSV (Excel) stops at 80 %", CaseStatus.OPEN,
                "billing", List.of("export", "excel"), Map.of("plan", "pro"), customer, List.of(customer, ben),
                List.of(), messages, opened, opened.plusSeconds(5400), null, 11);
        caseJson = mapper.writeValueAsString(view);
        summaryJsons = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            summaryJsons.add(mapper.writeValueAsString(new CaseSummary(UUID.randomUUID(), "K7QM-4XP" + i,
                    view.subject(), view.status(), view.category(), view.tags(), customer, 11,
                    opened.plusSeconds(i), opened.plusSeconds(5400L + i))));
        }
    }

    @Benchmark
    public CaseView readCase() {
        return mapper.readValue(caseJson, CaseView.class);
    }

    @Benchmark
    public List<CaseSummary> readList() {
        List<CaseSummary> page = new ArrayList<>(summaryJsons.size());
        for (String json : summaryJsons) {
            page.add(mapper.readValue(json, CaseSummary.class));
        }
        return page;
    }

    @Benchmark
    public String writeCase() {
        return mapper.writeValueAsString(view);
    }
}
