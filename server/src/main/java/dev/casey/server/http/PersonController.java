package dev.casey.server.http;

import dev.casey.api.common.CaseyRefusal;
import dev.casey.api.common.ErrorCode;
import dev.casey.api.common.Source;
import dev.casey.api.person.FetchPersonQuery;
import dev.casey.api.person.FetchPersonsQuery;
import dev.casey.api.person.PersonList;
import dev.casey.api.person.PersonView;
import dev.casey.api.person.RegisterPersonCommand;
import dev.casey.api.person.RetirePersonFromTeamCommand;
import dev.casey.api.person.UpdatePersonCommand;
import dev.casey.api.supportcase.CasePage;
import dev.casey.api.supportcase.FindCasesQuery;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import java.net.URI;
import java.util.Map;
import java.util.UUID;
import org.axonframework.messaging.responsetypes.ResponseTypes;
import org.axonframework.queryhandling.QueryGateway;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PatchMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/** Persons: the support team and the customers Casey knows. */
@RestController
@RequestMapping(path = "/api/casey/v1/persons", produces = "application/json")
class PersonController {

    /** Registers a person. */
    record RegisterRequest(@NotNull String name, @NotNull String email, @NotNull Boolean team) {
    }

    /** Changes a person; absent fields stay as they are. */
    record UpdateRequest(String name, String email, Boolean team) {
    }

    private final CommandSender commands;
    private final QueryGateway queries;

    PersonController(CommandSender commands, QueryGateway queries) {
        this.commands = commands;
        this.queries = queries;
    }

    @PostMapping(consumes = "application/json")
    ResponseEntity<Map<String, Object>> register(@Valid @RequestBody RegisterRequest body, HttpServletRequest request) {
        UUID personId = UUID.randomUUID();
        commands.send(new RegisterPersonCommand(personId, body.name(), body.email(), body.team(),
                RequestActor.of(request), Source.HTTP), ErrorCode.PERSON_NOT_FOUND, null);
        return ResponseEntity.created(URI.create("/api/casey/v1/persons/" + personId))
                .body(Map.of("uuid", personId));
    }

    @GetMapping
    PersonList list(@RequestParam(required = false) Boolean team, @RequestParam(required = false) String q,
                    @RequestParam(defaultValue = "0") int page, @RequestParam(defaultValue = "20") int size) {
        String text = q == null || q.isBlank() ? null : StorableText.parameter("q", q).strip();
        return queries.query(new FetchPersonsQuery(team, text, CaseController.page(page), CaseController.size(size)),
                PersonList.class).join();
    }

    @GetMapping("/{uuid}")
    PersonView one(@PathVariable UUID uuid) {
        return find(uuid);
    }

    @PatchMapping(path = "/{uuid}", consumes = "application/json")
    PersonView update(@PathVariable UUID uuid, @RequestBody UpdateRequest body, HttpServletRequest request) {
        commands.send(new UpdatePersonCommand(uuid, body.name(), body.email(), body.team(), RequestActor.of(request),
                Source.HTTP), ErrorCode.PERSON_NOT_FOUND, notFound(uuid));
        return find(uuid);
    }

    @PostMapping("/{uuid}/retire")
    PersonView retire(@PathVariable UUID uuid, HttpServletRequest request) {
        commands.send(new RetirePersonFromTeamCommand(uuid, RequestActor.of(request), Source.HTTP),
                ErrorCode.PERSON_NOT_FOUND, notFound(uuid));
        return find(uuid);
    }

    @GetMapping("/{uuid}/cases")
    CasePage cases(@PathVariable UUID uuid, @RequestParam(defaultValue = "0") int page,
                   @RequestParam(defaultValue = "20") int size) {
        PersonView person = find(uuid);
        return queries.query(new FindCasesQuery(null, null, null, person.email(), uuid, null, CaseController.page(page),
                CaseController.size(size)), CasePage.class).join();
    }

    private PersonView find(UUID uuid) {
        return queries.query(new FetchPersonQuery(uuid), ResponseTypes.optionalInstanceOf(PersonView.class)).join()
                .orElseThrow(() -> new CaseyRefusal(ErrorCode.PERSON_NOT_FOUND, notFound(uuid)));
    }

    private static String notFound(UUID uuid) {
        return "no person " + uuid;
    }
}
