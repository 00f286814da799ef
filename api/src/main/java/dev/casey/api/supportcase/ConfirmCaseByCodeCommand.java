package dev.casey.api.supportcase;

import dev.casey.api.common.Actor;
import dev.casey.api.common.Source;

/** Confirms whichever pending case the code was issued for. */
public record ConfirmCaseByCodeCommand(String code, Actor actor, Source source) {
}
