package dev.casey.command;

import dev.casey.api.common.CaseyRefusal;
import dev.casey.api.common.ErrorCode;
import java.util.Objects;
import org.axonframework.test.aggregate.ResultValidator;
import org.hamcrest.CustomTypeSafeMatcher;

/** Expects a command to be refused with a given error code, on a given field, and to change nothing. */
public final class Refused {

    private Refused() {
    }

    public static <T> void with(ResultValidator<T> result, ErrorCode code, String field) {
        result.expectNoEvents().expectException(new CustomTypeSafeMatcher<Throwable>("refusal " + code + " on " + field) {
            @Override
            protected boolean matchesSafely(Throwable t) {
                return t instanceof CaseyRefusal refusal && refusal.code() == code
                        && Objects.equals(refusal.field(), field);
            }
        });
    }
}
