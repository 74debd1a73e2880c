package ccflare.api;

import ccflare.protocol.ErrorBody;
import java.util.Map;

/** What an endpoint answers: a status, a body serialised as JSON, and extra response headers. */
record Reply(int status, Object body, Map<String, String> headers) {

    Reply {
        headers = headers == null ? Map.of() : Map.copyOf(headers);
    }

    static Reply ok(Object body) { return new Reply(200, body, null); }

    static Reply created(Object body, String location) { return new Reply(201, body, Map.of("location", location)); }

    static Reply error(int status, String message) { return new Reply(status, ErrorBody.of(message), null); }

    static Reply error(ApiException e) { return new Reply(e.status(), new ErrorBody(e.getMessage(), e.details()), null); }

    Reply withHeader(String name, String value) {
        var h = new java.util.LinkedHashMap<>(headers);
        h.put(name, value);
        return new Reply(status, body, h);
    }
}
