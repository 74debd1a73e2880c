package ccflare.api;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.eclipse.jetty.util.URIUtil;

/**
 * The route table: method plus a path pattern of literal segments and {@code {param}} segments.
 * Matching splits the path on '/' and compares segment by segment; routes with fewer parameters
 * win, so a literal segment beats a parameter in the same place.
 */
final class Routes {

    /** One endpoint. Exceptions become error replies in {@link ApiHandler}. */
    @FunctionalInterface
    interface Endpoint {
        Reply handle(ApiCall call) throws Exception;
    }

    /** The result of looking a request up. */
    sealed interface Match {
        record Found(Endpoint endpoint, List<String> params) implements Match {}

        /** The path exists but not with this method; {@code allowed} are the methods it has. */
        record WrongMethod(Set<String> allowed) implements Match {}

        record NotFound() implements Match {}
    }

    private record Route(String method, String pattern, String[] segments, int params, Endpoint endpoint) {}

    private final List<Route> routes = new ArrayList<>();

    /** Adds a route; {@code pattern} like {@code /api/accounts/{id}/pause}. */
    Routes add(String method, String pattern, Endpoint endpoint) {
        String[] segments = split(pattern).toArray(String[]::new);
        int params = 0;
        for (String s : segments) if (isParam(s)) params++;
        routes.add(new Route(method, pattern, segments, params, endpoint));
        routes.sort(Comparator.comparingInt(Route::params));
        return this;
    }

    /** Every route as {@code METHOD pattern}, for documentation and tests that walk the table. */
    List<String> describe() {
        return routes.stream().map(r -> r.method() + " " + r.pattern()).sorted().toList();
    }

    /** Looks up {@code path}, the canonical (still percent-encoded) path; parameters come back decoded. */
    Match match(String method, String path) {
        List<String> segments = split(path).stream().map(URIUtil::decodePath).toList();
        Set<String> allowed = new TreeSet<>();
        for (Route r : routes) {
            List<String> params = bind(r, segments);
            if (params == null) continue;
            if (r.method().equals(method)) return new Match.Found(r.endpoint(), params);
            allowed.add(r.method());
        }
        return allowed.isEmpty() ? new Match.NotFound() : new Match.WrongMethod(allowed);
    }

    /** The route's parameters bound from {@code segments}, or null when it does not match. */
    private static List<String> bind(Route r, List<String> segments) {
        if (r.segments().length != segments.size()) return null;
        List<String> params = new ArrayList<>(r.params());
        for (int i = 0; i < segments.size(); i++) {
            String want = r.segments()[i];
            String got = segments.get(i);
            if (isParam(want)) {
                if (got.isEmpty()) return null;
                params.add(got);
            } else if (!want.equals(got)) {
                return null;
            }
        }
        return params;
    }

    /** Segments of a path; a single trailing slash is ignored. */
    static List<String> split(String path) {
        List<String> out = new ArrayList<>();
        int start = path.startsWith("/") ? 1 : 0;
        int end = path.endsWith("/") && path.length() > 1 ? path.length() - 1 : path.length();
        if (start >= end) return out;
        int from = start;
        for (int i = start; i <= end; i++) {
            if (i == end || path.charAt(i) == '/') {
                out.add(path.substring(from, i));
                from = i + 1;
            }
        }
        return out;
    }

    private static boolean isParam(String segment) {
        return segment.length() > 2 && segment.charAt(0) == '{' && segment.charAt(segment.length() - 1) == '}';
    }
}
