package dev.casey.server.http;

import dev.casey.api.common.Actor;
import jakarta.servlet.http.HttpServletRequest;

/** The API client a request was authenticated as, recorded as the actor of what it changes. */
final class RequestActor {

    private static final String ATTRIBUTE = RequestActor.class.getName();

    private RequestActor() {
    }

    static void set(HttpServletRequest request, Actor actor) {
        request.setAttribute(ATTRIBUTE, actor);
    }

    static Actor of(HttpServletRequest request) {
        Object actor = request.getAttribute(ATTRIBUTE);
        return actor instanceof Actor a ? a : Actor.apiClient("anonymous");
    }
}
