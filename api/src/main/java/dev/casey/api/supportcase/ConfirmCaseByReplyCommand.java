package dev.casey.api.supportcase;

import dev.casey.api.common.Actor;
import dev.casey.api.common.Source;
import java.util.UUID;
import org.axonframework.modelling.command.TargetAggregateIdentifier;

/**
 * Confirms a pending case by a reply to the mail that asked its creator to confirm: the reply proves the address as the
 * code does. from is the address the reply speaks for.
 */
public record ConfirmCaseByReplyCommand(@TargetAggregateIdentifier UUID caseId, String from, Actor actor,
                                        Source source) {
}
